import type { ParticipantChanges as ParticipantChangesPayload } from '../../shared/lesson/protocol.js';
import type { LeaveReason } from './live-lesson.js';
import type { LessonParticipant } from './participant.js';

/**
 * How long a burst of participant changes is gathered into one `participants:changed`. A lone change goes
 * out on the next turn of the event loop; the next one waits until this long after it.
 */
export const PARTICIPANT_CHANGES_WINDOW_MS = 50;

/**
 * The window for a lesson of `sites` sites. Every message is a socket write to each site, so a big lesson
 * gathers for longer (½ ms per site: 100 ms at 200 sites): a burst then costs at most ~2 000 writes a
 * second whatever the lesson's size, where a fixed window would cost in proportion to it.
 */
export function participantChangesWindowMs(sites: number): number {
  return Math.max(PARTICIPANT_CHANGES_WINDOW_MS, sites / 2);
}

/**
 * Gathers who joined, changed and left a lesson and sends it as one `participants:changed` to every site:
 * K sites joining together would otherwise send K messages to each of K sites. Each participant is sent
 * once per message with her view at the moment it is sent, so a join followed by changes is one `joined`
 * entry with the latest state, and a join and leave in one window is a `left` only.
 */
export class ParticipantChangeBatch {
  readonly #joined = new Map<string, LessonParticipant>();
  readonly #updated = new Map<string, LessonParticipant>();
  readonly #left = new Map<string, LeaveReason>();
  readonly #send: (changes: ParticipantChangesPayload) => void;
  readonly #windowMs: () => number;
  #pending: { cancel(): void } | null = null;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  /** `windowMs` is asked at each message (a lesson's window grows with its sites). */
  constructor(send: (changes: ParticipantChangesPayload) => void, windowMs: () => number = () => PARTICIPANT_CHANGES_WINDOW_MS) {
    this.#send = send;
    this.#windowMs = windowMs;
  }

  joined(participant: LessonParticipant): void {
    if (this.#closed) return;
    this.#joined.set(participant.id, participant);
    this.#schedule();
  }

  updated(participant: LessonParticipant): void {
    // A change of someone whose join is still unsent travels with the join; one who left has no changes.
    if (this.#closed || this.#joined.has(participant.id) || this.#left.has(participant.id)) return;
    this.#updated.set(participant.id, participant);
    this.#schedule();
  }

  left(participant: LessonParticipant, reason: LeaveReason): void {
    if (this.#closed) return;
    this.#joined.delete(participant.id);
    this.#updated.delete(participant.id);
    this.#left.set(participant.id, reason);
    this.#schedule();
  }

  /**
   * Sends what has gathered now. RunningLesson calls it before any other lesson event, so that sites never
   * hear of a participant (a chat line, a hand, a producer) before they have heard that she joined.
   */
  flush(): void {
    this.#pending?.cancel();
    this.#pending = null;
    if (this.#joined.size + this.#updated.size + this.#left.size === 0) return;
    const changes: ParticipantChangesPayload = {
      joined: [...this.#joined.values()].map((p) => p.view()),
      updated: [...this.#updated.values()].map((p) => p.view()),
      left: [...this.#left].map(([participantId, reason]) => ({ participantId, reason })),
    };
    this.#joined.clear();
    this.#updated.clear();
    this.#left.clear();
    this.#lastSentAt = performance.now();
    this.#send(changes);
  }

  /** The lesson is over: nothing more is sent (its sites are told `lesson:ended` and disconnected). */
  close(): void {
    this.#closed = true;
    this.#pending?.cancel();
    this.#pending = null;
    this.#joined.clear();
    this.#updated.clear();
    this.#left.clear();
  }

  #schedule(): void {
    if (this.#pending) return;
    const wait = this.#lastSentAt + this.#windowMs() - performance.now();
    if (wait <= 0) {
      const immediate = setImmediate(() => this.flush());
      this.#pending = { cancel: () => clearImmediate(immediate) };
    } else {
      const timer = setTimeout(() => this.flush(), wait);
      this.#pending = { cancel: () => clearTimeout(timer) };
    }
  }
}
