import { randomUUID } from 'node:crypto';
import type { ChatMessage, LessonSnapshot } from '../../../../shared/lesson/model.js';
import { ApiError } from '../../../core/errors.js';
import type { LessonParticipant } from '../../participant.js';
import type { FeatureHost, LessonFeature } from '../feature.js';

/** Messages a site that joins late (or reloads) gets in its snapshot. */
const CHAT_HISTORY = 50;

/**
 * The lesson's chat: the last messages, and whether the sites may write. A message is counted as the
 * site's participation; its text stays in the live lesson and is never stored.
 */
export class LessonChat implements LessonFeature {
  readonly name = 'chat';
  readonly #host: FeatureHost;
  readonly #messages: ChatMessage[] = [];
  #enabled = true;

  constructor(
    host: FeatureHost,
    private readonly observers: { readonly chatAllowed: boolean },
  ) {
    this.#host = host;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /**
   * A chat message; refused while the teacher has turned chat off (she can always write), and from an
   * observer unless the teacher lets observers chat.
   */
  send(participantId: string, text: string, now = new Date()): ChatMessage {
    const participant = this.#host.lesson.participant(participantId);
    if (!this.#enabled && !participant.isLeadTeacher) throw new ApiError('forbidden');
    const fromObserver = participant.kind === 'observer';
    if (fromObserver && !this.observers.chatAllowed) throw new ApiError('forbidden');
    const message: ChatMessage = {
      id: randomUUID(),
      participantId,
      displayName: participant.identity.displayName,
      text: text.trim(),
      sentAt: now.toISOString(),
      ...(fromObserver && { fromObserver }),
    };
    if (!message.text) throw new ApiError('bad_request');
    this.#messages.push(message);
    if (this.#messages.length > CHAT_HISTORY) this.#messages.shift();
    this.#host.broadcast('chat:message', message);
    this.#host.participation(participant, 'chat_message');
    return message;
  }

  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    this.#host.broadcast('chat:enabled', { enabled });
  }

  snapshotFor(_viewer: LessonParticipant): Pick<LessonSnapshot, 'chat' | 'chatEnabled'> {
    return { chat: [...this.#messages], chatEnabled: this.#enabled };
  }
}
