import type { LessonEventName, LessonEventPayload } from '../../shared/lesson/protocol.js';
import type { SiteChannel } from './running-lesson.js';

/**
 * Every site attached to one live lesson, reached with one send. In the gateway it is a Socket.IO room: an
 * event is encoded once for the whole lesson rather than once per socket. RunningLesson keeps it in step
 * with the channels it has attached.
 */
export interface LessonAudience {
  add(channel: SiteChannel): void;
  remove(channel: SiteChannel): void;
  emit<K extends LessonEventName>(event: K, payload: LessonEventPayload<K>): void;
}

/** Makes the audience of a live lesson, by its lesson session id. */
export type LessonAudienceFactory = (lessonSessionId: number) => LessonAudience;

/** An audience that emits on each channel in turn: for a lesson run without the gateway (unit tests). */
export class ChannelAudience implements LessonAudience {
  readonly #channels = new Set<SiteChannel>();

  add(channel: SiteChannel): void {
    this.#channels.add(channel);
  }

  remove(channel: SiteChannel): void {
    this.#channels.delete(channel);
  }

  emit<K extends LessonEventName>(event: K, payload: LessonEventPayload<K>): void {
    for (const channel of this.#channels) channel.emit(event, payload);
  }
}
