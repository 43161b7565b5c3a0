import type { ParticipantView } from '../../../../shared/lesson/model.js';
import type { LessonEventPayload } from '../../../../shared/lesson/protocol.js';
import type { FeatureClientHost, FeatureEvents } from './feature-client.js';

export type HandQueueEntry = LessonEventPayload<'hand:queue'>['queue'][number];

/** Raised hands as this site knows them: the queue (oldest first) the lead teacher works through. */
export class HandsManager {
  #queue = $state.raw<HandQueueEntry[]>([]);
  readonly #host: FeatureClientHost;

  constructor(host: FeatureClientHost) {
    this.#host = host;
  }

  get queue(): HandQueueEntry[] {
    return this.#queue;
  }

  /** The snapshot carries each participant's hand; the queue is theirs in the order they went up. */
  fromSnapshot(participants: ParticipantView[]): void {
    this.#queue = participants
      .filter((p) => p.handRaisedAt !== null)
      .map((p) => ({ participantId: p.id, raisedAt: p.handRaisedAt ?? '' }))
      .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
  }

  readonly events: FeatureEvents<'hand:queue'> = {
    'hand:queue': ({ queue }) => {
      this.#queue = queue;
    },
  };

  raise = () => this.#host.request('hand:raise', {});
  /** Lowers my own hand, or (lead teacher) someone else's. */
  lower = (participantId?: string) => this.#host.request('hand:lower', participantId ? { participantId } : {});
}
