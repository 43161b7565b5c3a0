import type { ChatMessage, LessonSnapshot } from '../../../../shared/lesson/model.js';
import type { FeatureClientHost, FeatureEvents } from './feature-client.js';

/** Messages a page keeps (the server's snapshot has the last 50; a long lesson adds up). */
const CHAT_KEPT = 200;

/** The lesson's chat as this site knows it: the messages, and whether the sites may write. */
export class ChatManager {
  #messages = $state.raw<ChatMessage[]>([]);
  #enabled = $state(true);
  readonly #host: FeatureClientHost;

  constructor(host: FeatureClientHost) {
    this.#host = host;
  }

  get messages(): ChatMessage[] {
    return this.#messages;
  }
  get enabled(): boolean {
    return this.#enabled;
  }

  fromSnapshot(snapshot: Pick<LessonSnapshot, 'chat' | 'chatEnabled'>): void {
    this.#messages = snapshot.chat;
    this.#enabled = snapshot.chatEnabled;
  }

  readonly events: FeatureEvents<'chat:message' | 'chat:enabled'> = {
    // A message the snapshot already had (it arrived while the join was under way) is not shown twice.
    'chat:message': (message) => {
      if (this.#messages.some((m) => m.id === message.id)) return;
      this.#messages = [...this.#messages, message].slice(-CHAT_KEPT);
    },
    'chat:enabled': ({ enabled }) => {
      this.#enabled = enabled;
      this.#host.notify('info', enabled ? 'live.notice.chatOn' : 'live.notice.chatOff');
    },
  };

  send = (text: string) => this.#host.request('chat:send', { text });
  /** Lead teacher: let the sites write, or not. */
  setEnabled = (enabled: boolean) => this.#host.request('chat:set-enabled', { enabled });
}
