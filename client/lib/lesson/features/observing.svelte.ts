import type { LessonSnapshot } from '../../../../shared/lesson/model.js';
import type { FeatureClientHost, FeatureEvents } from './feature-client.js';

/**
 * Observers (听课) of the lesson as this site knows them: how many there are (never who — they are no
 * site), and whether the lead teacher lets them chat.
 */
export class ObservingManager {
  #count = $state(0);
  #chatAllowed = $state(false);
  readonly #host: FeatureClientHost;

  constructor(host: FeatureClientHost) {
    this.#host = host;
  }

  get count(): number {
    return this.#count;
  }
  get chatAllowed(): boolean {
    return this.#chatAllowed;
  }

  fromSnapshot(snapshot: Pick<LessonSnapshot, 'observing'>): void {
    this.#count = snapshot.observing.count;
    this.#chatAllowed = snapshot.observing.chatAllowed;
  }

  readonly events: FeatureEvents<'observers:changed'> = {
    'observers:changed': ({ count, chatAllowed }) => {
      this.#count = count;
      this.#chatAllowed = chatAllowed;
    },
  };

  /** Lead teacher: let observers write in the chat, or stop them. */
  setChatAllowed = (allowed: boolean) => this.#host.request('observers:chat', { allowed });
}
