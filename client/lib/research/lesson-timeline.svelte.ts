import type { ParticipantView, PollView } from '../../../shared/lesson/model.js';

/** What happened in the lesson, as an observer sees it happen. */
export type TimelineKind = 'joined' | 'left' | 'on_stage' | 'off_stage' | 'hand' | 'screen' | 'poll' | 'quiz';

export interface TimelineEntry {
  /** Lesson time (ms since the lesson started). */
  atMs: number;
  kind: TimelineKind;
  /** Who (a site's or the teacher's name) or what (a question). */
  label: string;
}

/** The part of the live lesson's state the timeline watches. */
export interface LessonMoment {
  participants: readonly Pick<ParticipantView, 'id' | 'displayName' | 'kind' | 'onStage' | 'handRaisedAt' | 'screenOn'>[];
  polls: readonly Pick<PollView, 'id' | 'question' | 'quiz'>[];
}

/**
 * The observer's lesson timeline: built from the changes of the lesson state the page receives (who joined,
 * went on stage, raised a hand, shared the screen; polls and quizzes), each stamped with lesson time. The
 * first look at the lesson (the join snapshot) lists who was already there at the moment she arrived.
 */
export class LessonTimeline {
  #entries = $state.raw<TimelineEntry[]>([]);
  #previous: LessonMoment | null = null;

  /** Newest first, as an observer reads it beside the video. */
  get entries(): TimelineEntry[] {
    return this.#entries;
  }

  /** Compares the lesson now with the last look and records what changed, at lesson time `atMs`. */
  observe(now: LessonMoment, atMs: number): void {
    const before = this.#previous;
    this.#previous = { participants: now.participants.map((p) => ({ ...p })), polls: now.polls.map((p) => ({ ...p })) };
    const found: TimelineEntry[] = [];
    const add = (kind: TimelineKind, label: string) => found.push({ atMs, kind, label });
    const earlier = new Map(before?.participants.map((p) => [p.id, p]));
    for (const p of now.participants) {
      const was = earlier.get(p.id);
      if (!was) add('joined', p.displayName);
      if (p.onStage && !was?.onStage) add('on_stage', p.displayName);
      if (!p.onStage && was?.onStage) add('off_stage', p.displayName);
      if (p.handRaisedAt !== null && (was?.handRaisedAt ?? null) === null) add('hand', p.displayName);
      if (p.screenOn && !was?.screenOn) add('screen', p.displayName);
    }
    const present = new Set(now.participants.map((p) => p.id));
    for (const p of before?.participants ?? []) if (!present.has(p.id)) add('left', p.displayName);
    const asked = new Set(before?.polls.map((p) => p.id));
    for (const poll of now.polls) if (!asked.has(poll.id)) add(poll.quiz ? 'quiz' : 'poll', poll.question);
    if (found.length > 0) this.#entries = [...found.reverse(), ...this.#entries];
  }
}
