import type { RunningLesson } from './running-lesson.js';

/** When a lesson nobody ends is ended for them (TONGKE_LESSON_NO_TEACHER_SECONDS, TONGKE_LESSON_OVERRUN_GRACE_SECONDS). */
export interface LessonTimeoutOptions {
  /** No lead teacher connected for this long ends the lesson. */
  noLeadTeacherMs: number;
  /** A timetabled lesson still running this long after its scheduled end is ended. */
  overrunGraceMs: number;
}

/**
 * What a live lesson has done lately, for its timeout: when the lead teacher was last connected and when
 * anything real last happened — a site joined or left on purpose, spoke, raised or lowered a hand, sent
 * a message, answered a poll, went on stage or entered a headcount. Connection and quality changes,
 * heartbeats and samples are not activity: a classroom left connected over lunch does not make a lesson.
 */
export class LessonActivity {
  readonly #now: () => Date;
  readonly #scheduledEnd: Date | null;
  #lastActivityAt: Date;
  #leadSeenAt: Date;
  /** Someone is the active speaker: talking is activity for as long as it lasts. */
  #speaking = false;

  constructor(running: RunningLesson, scheduledEnd: Date | null, now: () => Date) {
    this.#now = now;
    this.#scheduledEnd = scheduledEnd;
    this.#lastActivityAt = running.lesson.options.startedAt;
    this.#leadSeenAt = running.lesson.options.startedAt;
    const { lesson } = running;
    const touch = () => {
      this.#lastActivityAt = this.#now();
    };
    lesson.on('participant-joined', touch);
    lesson.on('participant-left', (participant, reason) => {
      // A site dropped by its link left when the link dropped (counted below), not when its grace ran out.
      if (reason === 'connection_lost') return;
      if (participant.isLeadTeacher) this.#leadSeenAt = this.#now();
      touch();
    });
    lesson.on('participant-updated', (participant) => {
      // The lead teacher's link dropped: she was last there now (the grace period is not presence).
      if (!participant.isLeadTeacher || participant.connection !== 'reconnecting') return;
      this.#leadSeenAt = this.#now();
      touch();
    });
    for (const event of ['participation', 'stage-changed', 'headcount'] as const) lesson.on(event, touch);
    running.watchMedia((media) =>
      media.on('active-speaker', ({ participantId }) => {
        touch();
        this.#speaking = participantId !== null;
      }),
    );
  }

  /** The last real activity: where a lesson that timed out is counted to end. */
  get lastActivityAt(): Date {
    return this.#speaking ? this.#now() : this.#lastActivityAt;
  }

  /** Whether the lesson has timed out now: no lead teacher for too long, or long past its scheduled end. */
  timedOut(running: RunningLesson, options: LessonTimeoutOptions): boolean {
    const now = this.#now().getTime();
    const leadConnected = running.lesson.participants.some((p) => p.isLeadTeacher && p.connection === 'connected');
    if (leadConnected) this.#leadSeenAt = new Date(now);
    if (now - this.#leadSeenAt.getTime() >= options.noLeadTeacherMs) return true;
    return this.#scheduledEnd !== null && now - this.#scheduledEnd.getTime() >= options.overrunGraceMs;
  }
}
