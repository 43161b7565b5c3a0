import type { BroadcastView } from '../../../../shared/lesson/features/broadcast.js';
import { followsEverySite, type LessonParticipant } from '../../participant.js';
import type { FeatureHost, LessonFeature } from '../feature.js';

/**
 * How often at most the lead teacher and observers hear the number of viewers. A thousand viewers joining
 * in a minute would otherwise cost each follower a thousand messages; gathered, it costs a few a second.
 */
export const VIEWER_COUNT_WINDOW_MS = 1_000;

/**
 * The broadcast (直播) of a lesson to receive-only viewers. Viewers are no site: RunningLesson keeps them
 * out of every list until one raises a hand or goes on stage (see `shownToFollowers`); what the followers
 * learn is this count, the first change at once and the rest at most once per window; the sites, nothing.
 * Raising a hand and going on stage are the hands and stage features, as for any site.
 */
export class LessonBroadcast implements LessonFeature {
  readonly name = 'broadcast';
  readonly #host: FeatureHost;
  #viewers = 0;
  #announced = 0;
  #window: NodeJS.Timeout | null = null;

  constructor(host: FeatureHost) {
    this.#host = host;
  }

  get enabled(): boolean {
    return this.#host.lesson.broadcast;
  }

  /** Viewers in the lesson now (reconnecting ones included: they have not left). */
  get viewers(): number {
    return this.#viewers;
  }

  participantJoined(participant: LessonParticipant): void {
    if (!participant.isViewer) return;
    this.#viewers += 1;
    this.#changed();
  }

  participantLeft(participant: LessonParticipant): void {
    if (!participant.isViewer) return;
    this.#viewers -= 1;
    // Nobody is left to tell once the lesson ends.
    if (!this.#host.lesson.ended) this.#changed();
  }

  end(): void {
    if (this.#window) clearTimeout(this.#window);
    this.#window = null;
  }

  /** The lead teacher and observers see the count; the sites and the viewers themselves only that it is live. */
  snapshotFor(viewer: LessonParticipant): { broadcast: BroadcastView } {
    return { broadcast: { enabled: this.enabled, viewers: followsEverySite(viewer) ? this.#viewers : 0 } };
  }

  #changed(): void {
    if (this.#window) return;
    this.#announce();
    const closeWindow = () => {
      this.#window = null;
      if (this.#viewers === this.#announced || this.#host.lesson.ended) return;
      this.#announce();
      this.#window = setTimeout(closeWindow, VIEWER_COUNT_WINDOW_MS);
      this.#window.unref();
    };
    this.#window = setTimeout(closeWindow, VIEWER_COUNT_WINDOW_MS);
    this.#window.unref();
  }

  #announce(): void {
    this.#announced = this.#viewers;
    this.#host.toFollowers('viewers:changed', { count: this.#viewers });
  }
}
