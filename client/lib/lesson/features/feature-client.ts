import type { LessonEventName, LessonEventPayload, LessonRequestName, LessonRequestPayload } from '../../../../shared/lesson/protocol.js';
import type { MessageKey } from '../../i18n.svelte.js';
import type { NoticeKind } from '../notices.svelte.js';

/*
 * The client side of an in-lesson feature (chat, hands, polls …) is a small manager: its state from the join
 * snapshot, the server events that change it (`events`, one handler per event of its wire contract, which the
 * lesson's event wiring registers), and its requests. LessonState composes the managers.
 */

/** Sends a request; resolves true when the server accepted it (a refusal is shown to the user as a notice). */
export type LessonRequest = <K extends LessonRequestName>(name: K, payload: LessonRequestPayload<K>) => Promise<boolean>;

/** What a feature manager may use of the lesson page. */
export interface FeatureClientHost {
  request: LessonRequest;
  /** A short message to the people in the room, in their language. */
  notify(kind: NoticeKind, key: MessageKey): void;
}

/** A feature's handlers of the server events it owns. */
export type FeatureEvents<K extends LessonEventName> = { [E in K]: (payload: LessonEventPayload<E>) => void };

/** Where server events come from (the lesson connection). */
export interface LessonEventSource {
  on<K extends LessonEventName>(event: K, listener: (payload: LessonEventPayload<K>) => void): unknown;
}

/** Registers a feature's event handlers with the connection. */
export function listenTo<K extends LessonEventName>(source: LessonEventSource, events: FeatureEvents<K>): void {
  for (const event of Object.keys(events) as K[]) source.on(event, events[event]);
}
