import type { LessonSnapshot } from '../../../../shared/lesson/model.js';
import type { FeatureEvents } from './feature-client.js';

/**
 * The broadcast (直播) of the lesson as this site knows it: whether the teacher started it as one, and — for
 * the lead teacher and observers, who alone are told — how many viewers watch it (never who: a viewer is
 * listed only once she raises a hand).
 */
export class BroadcastManager {
  #enabled = $state(false);
  #viewers = $state(0);

  get enabled(): boolean {
    return this.#enabled;
  }
  get viewers(): number {
    return this.#viewers;
  }

  fromSnapshot(snapshot: Pick<LessonSnapshot, 'broadcast'>): void {
    this.#enabled = snapshot.broadcast.enabled;
    this.#viewers = snapshot.broadcast.viewers;
  }

  readonly events: FeatureEvents<'viewers:changed'> = {
    'viewers:changed': ({ count }) => {
      this.#viewers = count;
    },
  };
}
