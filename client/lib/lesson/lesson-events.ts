import type { ProducerView } from '../../../shared/lesson/model.js';
import type { LessonEventPayload } from '../../../shared/lesson/protocol.js';
import type { MessageKey } from '../i18n.svelte.js';
import type { LessonConnection } from './connection.js';
import type { LessonState } from './lesson-state.svelte.js';
import { listenTo } from './features/feature-client.js';
import type { NoticeKind } from './notices.svelte.js';

/** What the session does when the server's events need more than a state change. */
export interface LessonEventHandlers {
  /** A producer we may now consume. */
  consume(producer: ProducerView): void;
  /** Close our side of a consumer and forget its track. */
  dropConsumer(consumerId: string): void;
  /** The media server restarted: join again and build everything anew. */
  rebuild(): void;
  moderated(action: LessonEventPayload<'moderation:applied'>['action']): void;
  /** The lesson is over; `reason` says why when it was not the teacher (timed out, media failed). */
  ended(reason: LessonEventPayload<'lesson:ended'>['reason']): void;
  /** This site was sent back from the stage. */
  leftStage(): void;
  notify(kind: NoticeKind, key: MessageKey): void;
}

/**
 * Applies the server's lesson events to the state, and hands the ones that touch media or the page's
 * fate to the session. One table, one listener per event.
 */
export function wireLessonEvents(connection: LessonConnection, state: LessonState, handlers: LessonEventHandlers): void {
  const mine = (participantId: string) => participantId === state.myId;

  // One message for a burst of joins, changes and leaves: each participant appears once, in her latest state.
  connection.on('participants:changed', ({ joined, updated, left }) => {
    for (const { participantId } of left) state.removeParticipant(participantId);
    // A site's own join can carry her first changes (she was put on stage at once): same rule for both.
    for (const participant of [...joined, ...updated]) {
      const before = state.participant(participant.id);
      state.upsertParticipant(participant);
      if (!mine(participant.id) || !before || before.onStage === participant.onStage) continue;
      if (participant.onStage) handlers.notify('info', 'live.notice.onStage');
      else {
        handlers.notify('info', 'live.notice.offStage');
        handlers.leftStage();
      }
    }
  });

  connection.on('producer:new', (producer) => {
    state.addProducer(producer);
    handlers.consume(producer);
  });
  connection.on('producer:closed', ({ producerId }) => {
    state.removeProducer(producerId);
    for (const media of state.mediaOfProducer(producerId)) handlers.dropConsumer(media.consumerId);
  });
  connection.on('producer:paused', ({ producerId, paused }) => state.setProducerPaused(producerId, paused));
  connection.on('consumer:closed', ({ consumerId }) => handlers.dropConsumer(consumerId));

  connection.on('media:advice', ({ advice }) => state.setAdvice(advice));
  connection.on('media:rebuild', () => handlers.rebuild());
  connection.on('speaker:active', ({ participantId }) => state.setSpeaker(participantId));

  // The in-lesson features apply their own events.
  listenTo(connection, state.hands.events);
  listenTo(connection, state.chat.events);
  listenTo(connection, state.polls.events);
  listenTo(connection, state.recording.events);
  listenTo(connection, state.observing.events);
  listenTo(connection, state.broadcast.events);
  connection.on('lesson:locked', ({ locked }) => state.setLocked(locked));
  connection.on('lesson:removed', ({ removed }) => state.setRemoved(removed));

  connection.on('moderation:applied', ({ action }) => handlers.moderated(action));
  connection.on('lesson:ended', ({ reason }) => handlers.ended(reason));
}
