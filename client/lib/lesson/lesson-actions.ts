import type { LessonRequestName, LessonRequestPayload } from '../../../shared/lesson/protocol.js';
import { ApiError } from '../api.js';
import type { LessonConnection } from './connection.js';
import type { Notices } from './notices.svelte.js';

/**
 * The things people do in a lesson besides sending media: the stage, moderation, the lock, the headcount,
 * ending (the features' own requests — hands, chat, polls — are their managers', sent through `request`).
 * Each resolves true when the server accepted it; a refusal is shown as a notice in the server's words
 * (already in the user's language).
 */
export class LessonActions {
  readonly #connection: LessonConnection;
  readonly #notices: Notices;

  constructor(connection: LessonConnection, notices: Notices) {
    this.#connection = connection;
    this.#notices = notices;
  }

  inviteToStage = (participantId: string) => this.request('stage:invite', { participantId });
  returnFromStage = (participantId: string) => this.request('stage:return', { participantId });

  mute = (participantId: string | 'all') => this.request('moderate:mute', { participantId });
  stopCamera = (participantId: string) => this.request('moderate:stop-camera', { participantId });
  remove = (participantId: string) => this.request('moderate:remove', { participantId });
  /** Lets a removed site (by its account) join this lesson again. */
  readmit = (userId: number) => this.request('moderate:readmit', { userId });
  lock = (locked: boolean) => this.request('lesson:lock', { locked });
  endLesson = () => this.request('lesson:end', {});

  setHeadcount = (count: number) => this.request('classroom:headcount', { count });

  /** Sends any lesson request: true when accepted; a refusal becomes a notice. */
  readonly request = async <K extends LessonRequestName>(name: K, payload: LessonRequestPayload<K>): Promise<boolean> => {
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
  };
}
