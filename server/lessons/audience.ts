import type { LessonEventName, LessonEventPayload } from '../../shared/lesson/protocol.js';
import type { SiteChannel } from './running-lesson.js';

/**
 * The two parts of a lesson's audience: the followers (the lead teacher and observers, shown every site)
 * and every other site (see `shownTo` in participant.ts). Lesson-wide events go to both.
 */
export type AudiencePart = 'followers' | 'sites';

/**
 * Every site attached to one live lesson, reached with one send. In the gateway it is a Socket.IO room: an
 * event is encoded once for the whole lesson (or one part of it) rather than once per socket. RunningLesson
 * keeps it in step with the channels it has attached.
 */
export interface LessonAudience {
  add(channel: SiteChannel, part: AudiencePart): void;
  remove(channel: SiteChannel): void;
  /** To the whole lesson, or to one part of it. */
  emit<K extends LessonEventName>(event: K, payload: LessonEventPayload<K>, part?: AudiencePart): void;
}

/** Makes the audience of a live lesson, by its lesson session id. */
export type LessonAudienceFactory = (lessonSessionId: number) => LessonAudience;

/** An audience that emits on each channel in turn: for a lesson run without the gateway (unit tests). */
export class ChannelAudience implements LessonAudience {
  readonly #channels = new Map<SiteChannel, AudiencePart>();

  add(channel: SiteChannel, part: AudiencePart): void {
    this.#channels.set(channel, part);
  }

  remove(channel: SiteChannel): void {
    this.#channels.delete(channel);
  }

  emit<K extends LessonEventName>(event: K, payload: LessonEventPayload<K>, part?: AudiencePart): void {
    for (const [channel, itsPart] of this.#channels) if (part === undefined || part === itsPart) channel.emit(event, payload);
  }
}
