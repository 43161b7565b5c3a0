import type { LessonSnapshot } from '../../../../shared/lesson/model.js';
import { ApiError } from '../../../core/errors.js';
import type { LessonParticipant } from '../../participant.js';
import type { FeatureHost, LessonFeature } from '../feature.js';
import { LessonPoll } from './poll.js';

/**
 * The polls and quizzes of a live lesson. Every site gets each poll as it may see it (its own answer; the
 * lead teacher the tally and each site's answer), so a poll goes out per site, not to the lesson's room.
 * An answer is the site's participation, with whether it was right.
 */
export class LessonPolls implements LessonFeature {
  readonly name = 'polls';
  readonly #host: FeatureHost;
  readonly #polls = new Map<string, LessonPoll>();

  constructor(host: FeatureHost) {
    this.#host = host;
  }

  create(question: string, options: string[], multiple: boolean, correct: number[] | null): LessonPoll {
    const poll = new LessonPoll(question, options, multiple, correct);
    this.#polls.set(poll.id, poll);
    this.#sendViews(poll);
    return poll;
  }

  /**
   * A site's (or student's) answer. The lead teacher set the quiz and an observer is not the class: their
   * answers would count in the tally and as the host's or observer's participation evidence.
   */
  answer(participantId: string, pollId: string, choices: number[]): void {
    const participant = this.#host.lesson.participant(participantId);
    if (participant.isLeadTeacher || participant.kind === 'observer') throw new ApiError('forbidden');
    const poll = this.poll(pollId);
    const { correct } = poll.answer(participantId, participant.identity.displayName, choices);
    this.#host.participation(participant, 'poll_answer', { pollId: poll.id, correct });
    this.#sendViews(poll);
  }

  close(pollId: string): void {
    const poll = this.poll(pollId);
    poll.close();
    this.#sendViews(poll);
  }

  poll(pollId: string): LessonPoll {
    const poll = this.#polls.get(pollId);
    if (!poll) throw new ApiError('not_found');
    return poll;
  }

  snapshotFor(viewer: LessonParticipant): Pick<LessonSnapshot, 'polls'> {
    return { polls: [...this.#polls.values()].map((poll) => poll.viewFor(viewer.id, viewer.isLeadTeacher)) };
  }

  /** Per site: each sees her own answer (and the teacher the correct ones), so the payloads differ. */
  #sendViews(poll: LessonPoll): void {
    for (const viewer of this.#host.lesson.participants) this.#host.toSite(viewer.id, 'poll:updated', poll.viewFor(viewer.id, viewer.isLeadTeacher));
  }
}
