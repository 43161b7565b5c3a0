import type { LessonRequestName, LessonRequestPayload } from '../../../shared/lesson/protocol.js';
import { ApiError } from '../api.js';
import type { LessonConnection } from './connection.js';
import type { Notices } from './notices.svelte.js';

/**
 * The things people do in a lesson besides sending media: hands, the stage, moderation, chat, polls, the
 * lock, the headcount, ending. Each resolves true when the server accepted it; a refusal is shown as a
 * notice in the server's words (already in the user's language).
 */
export class LessonActions {
  readonly #connection: LessonConnection;
  readonly #notices: Notices;

  constructor(connection: LessonConnection, notices: Notices) {
    this.#connection = connection;
    this.#notices = notices;
  }

  raiseHand = () => this.#send('hand:raise', {});
  /** Lowers my own hand, or (lead teacher) someone else's. */
  lowerHand = (participantId?: string) => this.#send('hand:lower', participantId ? { participantId } : {});
  inviteToStage = (participantId: string) => this.#send('stage:invite', { participantId });
  returnFromStage = (participantId: string) => this.#send('stage:return', { participantId });

  mute = (participantId: string | 'all') => this.#send('moderate:mute', { participantId });
  stopCamera = (participantId: string) => this.#send('moderate:stop-camera', { participantId });
  remove = (participantId: string) => this.#send('moderate:remove', { participantId });
  /** Lets a removed site (by its account) join this lesson again. */
  readmit = (userId: number) => this.#send('moderate:readmit', { userId });
  lock = (locked: boolean) => this.#send('lesson:lock', { locked });
  endLesson = () => this.#send('lesson:end', {});

  sendChat = (text: string) => this.#send('chat:send', { text });
  setChatEnabled = (enabled: boolean) => this.#send('chat:set-enabled', { enabled });

  createPoll = (payload: LessonRequestPayload<'poll:create'>) => this.#send('poll:create', payload);
  answerPoll = (pollId: string, choices: number[]) => this.#send('poll:answer', { pollId, choices });
  closePoll = (pollId: string) => this.#send('poll:close', { pollId });

  setHeadcount = (count: number) => this.#send('classroom:headcount', { count });

  async #send<K extends LessonRequestName>(name: K, payload: LessonRequestPayload<K>): Promise<boolean> {
    try {
      await this.#connection.request(name, payload);
      return true;
    } catch (error) {
      // 下课 is answered by the lesson ending (and the link closing) before its ack arrives.
      if (error instanceof ApiError && error.code === 'network' && this.#connection.closed) return false;
      if (error instanceof ApiError) {
        console.warn(`${name} was refused: ${error.code}`);
        this.#notices.push('error', error.message);
      } else {
        console.error(`${name} failed`, error);
        this.#notices.push('error', String(error));
      }
      return false;
    }
  }
}
