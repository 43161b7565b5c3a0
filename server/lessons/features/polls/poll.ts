import { randomUUID } from 'node:crypto';
import type { PollView } from '../../../../shared/lesson/model.js';
import { ApiError } from '../../../core/errors.js';

export interface PollAnswer {
  participantId: string;
  /** The site's name when it answered (it may leave before the teacher reads the results). */
  displayName: string;
  choices: number[];
  /** For quizzes: the answer is exactly the correct set. */
  correct: boolean | null;
}

/** A poll or quiz of a live lesson: each participant answers once; the lead teacher sees live results, site by site. */
export class LessonPoll {
  readonly id = randomUUID();
  #open = true;
  readonly #answers = new Map<string, PollAnswer>();

  constructor(
    readonly question: string,
    readonly options: readonly string[],
    readonly multiple: boolean,
    readonly correct: readonly number[] | null,
  ) {
    const outOfRange = (i: number) => i < 0 || i >= options.length;
    if (correct && (correct.some(outOfRange) || new Set(correct).size !== correct.length || (!multiple && correct.length !== 1))) {
      throw new ApiError('bad_request');
    }
  }

  get open(): boolean {
    return this.#open;
  }

  get answers(): readonly PollAnswer[] {
    return [...this.#answers.values()];
  }

  /** Records one participant's answer; a second answer, a closed poll or an invalid choice is refused. */
  answer(participantId: string, displayName: string, choices: readonly number[]): PollAnswer {
    if (!this.#open) throw new ApiError('conflict');
    if (this.#answers.has(participantId)) throw new ApiError('conflict');
    const unique = [...new Set(choices)].sort((a, b) => a - b);
    if (unique.length !== choices.length || unique.some((i) => i < 0 || i >= this.options.length)) throw new ApiError('bad_request');
    if (!this.multiple && unique.length !== 1) throw new ApiError('bad_request');
    const correct = this.correct ? unique.length === this.correct.length && [...this.correct].sort((a, b) => a - b).every((c, i) => c === unique[i]) : null;
    const answer = { participantId, displayName, choices: unique, correct };
    this.#answers.set(participantId, answer);
    return answer;
  }

  close(): void {
    this.#open = false;
  }

  tally(): number[] {
    const counts = this.options.map(() => 0);
    for (const answer of this.#answers.values()) for (const choice of answer.choices) counts[choice] = (counts[choice] ?? 0) + 1;
    return counts;
  }

  /** The poll as one participant may see it: results and correct answers stay hidden from sites until it closes. */
  viewFor(participantId: string, isModerator: boolean): PollView {
    const revealed = isModerator || !this.#open;
    return {
      id: this.id,
      question: this.question,
      options: [...this.options],
      multiple: this.multiple,
      quiz: this.correct !== null,
      correct: revealed && this.correct ? [...this.correct] : null,
      open: this.#open,
      tally: revealed ? this.tally() : null,
      answered: this.#answers.size,
      myAnswer: this.#answers.get(participantId)?.choices ?? null,
      // Who answered what is for the teacher: a site must not see another's answer or verdict.
      answers: isModerator ? this.answers.map((a) => ({ participantId: a.participantId, displayName: a.displayName, choices: [...a.choices], correct: a.correct })) : null,
    };
  }
}
