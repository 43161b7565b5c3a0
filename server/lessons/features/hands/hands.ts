import type { Static } from 'typebox';
import type { HandQueueEntry } from '../../../../shared/lesson/features/hands.js';
import { ApiError } from '../../../core/errors.js';
import type { LessonParticipant } from '../../participant.js';
import type { FeatureHost, LessonFeature } from '../feature.js';

/**
 * Raised hands: a site (or student) asks to speak; the lead teacher sees the queue, oldest first, and lowers
 * a hand or calls the site on stage. The hand itself is the participant's `handRaisedAt`, so that every
 * site's tile shows it; each raise and lower is the site's participation.
 */
export class LessonHands implements LessonFeature {
  readonly name = 'hands';
  readonly #host: FeatureHost;

  constructor(host: FeatureHost) {
    this.#host = host;
  }

  /** The raised hands, oldest first. */
  queue(): Array<Static<typeof HandQueueEntry>> {
    return this.#host.lesson.participants
      .filter((p) => p.handRaisedAt)
      .sort((a, b) => a.handRaisedAt!.getTime() - b.handRaisedAt!.getTime())
      .map((p) => ({ participantId: p.id, raisedAt: p.handRaisedAt!.toISOString() }));
  }

  /** A hand goes up (the lead teacher has none; a hand already up stays where it is in the queue). */
  raise(participantId: string, now = new Date()): void {
    const participant = this.#host.lesson.participant(participantId);
    if (participant.isLeadTeacher || participant.handRaisedAt) return;
    participant.handRaisedAt = now;
    this.#host.participation(participant, 'hand_raised');
    this.#host.participantChanged(participant);
    this.#sendQueue();
  }

  /** A site lowers its own hand; only the lead teacher lowers someone else's. */
  lower(by: LessonParticipant, participantId: string = by.id): void {
    if (participantId !== by.id && !by.isLeadTeacher) throw new ApiError('forbidden');
    const participant = this.#host.lesson.participant(participantId);
    if (!participant.handRaisedAt) return;
    participant.handRaisedAt = null;
    this.#host.participation(participant, 'hand_lowered');
    this.#host.participantChanged(participant);
    this.#sendQueue();
  }

  /**
   * The hand was answered (its site went on stage): it leaves the queue without counting as the site
   * lowering it. The caller sends the participant's change.
   */
  answered(participant: LessonParticipant): void {
    if (!participant.handRaisedAt) return;
    participant.handRaisedAt = null;
    this.#sendQueue();
  }

  participantLeft(participant: LessonParticipant): void {
    if (participant.handRaisedAt) this.#sendQueue();
  }

  #sendQueue(): void {
    this.#host.broadcast('hand:queue', { queue: this.queue() });
  }
}
