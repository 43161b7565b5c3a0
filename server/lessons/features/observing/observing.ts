import type { ObservingView } from '../../../../shared/lesson/features/observing.js';
import type { LessonParticipant } from '../../participant.js';
import type { FeatureHost, LessonFeature } from '../feature.js';

/**
 * Observers (听课) of a live lesson. They are no site: the lesson's lists leave them out (see
 * RunningLesson), and what the sites learn of them is this count. Whether they may chat is the lead
 * teacher's choice, off until she allows it.
 */
export class LessonObserving implements LessonFeature {
  readonly name = 'observing';
  readonly #host: FeatureHost;
  #chatAllowed = false;

  constructor(host: FeatureHost) {
    this.#host = host;
  }

  get chatAllowed(): boolean {
    return this.#chatAllowed;
  }

  /** Observers in the lesson now (reconnecting ones included: they have not left). */
  get count(): number {
    return this.#host.lesson.participants.filter((p) => p.kind === 'observer').length;
  }

  participantJoined(participant: LessonParticipant): void {
    if (participant.kind === 'observer') this.#announce();
  }

  participantLeft(participant: LessonParticipant): void {
    // Nobody is left to tell once the lesson ends.
    if (participant.kind === 'observer' && !this.#host.lesson.ended) this.#announce();
  }

  setChatAllowed(allowed: boolean): void {
    this.#chatAllowed = allowed;
    this.#announce();
  }

  snapshot(): { observing: ObservingView } {
    return { observing: this.#view() };
  }

  #view(): ObservingView {
    return { count: this.count, chatAllowed: this.#chatAllowed };
  }

  #announce(): void {
    this.#host.broadcast('observers:changed', this.#view());
  }
}
