import type { FastifyBaseLogger as Logger } from 'fastify';
import type { LessonRequestData } from '../../shared/lesson/protocol.js';
import type { LessonParticipant } from './participant.js';
import { classifyFailure } from './request-pipeline.js';
import type { RunningLesson } from './running-lesson.js';

/** What a `lesson:join` with `receive` carries besides the snapshot. */
export type JoinReceiving = NonNullable<LessonRequestData<'lesson:join'>['receiving']>;

/**
 * Opens a joining site's receiving side in the join itself: her recv transport, then a consumer (paused
 * until `consumers:resume`) of every producer she may receive now, through the same `consume` as
 * `consumer:create` — who may see whom, the per-site cap and the one record of her consumers apply alike.
 * A producer that cannot be consumed here (it went meanwhile, her device cannot decode it) is left out
 * rather than failing the join: the snapshot still lists it, and the client asks for it with
 * `consumer:create` as for a producer that appears later, hearing the reason there. Only a bug fails the join.
 */
export async function openReceivingAtJoin(running: RunningLesson, viewer: LessonParticipant, log: Logger): Promise<JoinReceiving> {
  const transport = await running.media.createTransport(viewer.id, 'recv');
  const made = await Promise.all(
    running.visibleProducers(viewer).map(async (producer) => {
      try {
        return await running.consume(viewer, producer.id);
      } catch (error) {
        if (classifyFailure(error).fault === 'server') throw error;
        log.debug({ err: error, producerId: producer.id }, 'producer left out of the join; the client may consume it itself');
        return null;
      }
    }),
  );
  return { transport, consumers: made.filter((consumer) => consumer !== null) };
}
