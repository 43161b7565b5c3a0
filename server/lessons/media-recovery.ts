import type { FastifyBaseLogger as Logger } from 'fastify';
import type { LessonMediaFactory, LessonMediaPort } from './media-port.js';

/** What a running lesson does when the worker under it dies. */
export interface MediaRecoveryOptions {
  /** How long to keep trying to rebuild the lesson's media on a live worker before giving up (ms). */
  rebuildWithinMs: number;
  /** The media could not be rebuilt in time: the lesson cannot go on (the registry ends it). */
  onMediaFailed: () => void;
}

export const DEFAULT_RECOVERY: MediaRecoveryOptions = { rebuildWithinMs: 30_000, onMediaFailed: () => undefined };

/** The first wait between attempts, doubled each time up to MAX_RETRY_DELAY_MS. */
const FIRST_RETRY_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * New media for a lesson whose worker died. With one worker, the replacement takes a moment to start: it
 * retries with backoff until `rebuildWithinMs` has passed, then calls `onMediaFailed` and answers null.
 * Null too, without a word, when the lesson ended meanwhile (`ended`).
 */
export async function rebuildLessonMedia(
  factory: LessonMediaFactory,
  lessonSessionId: number,
  recovery: MediaRecoveryOptions,
  ended: () => boolean,
  log: Logger,
): Promise<LessonMediaPort | null> {
  const deadline = Date.now() + recovery.rebuildWithinMs;
  for (let attempt = 1, delay = FIRST_RETRY_DELAY_MS; ; attempt++, delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)) {
    if (ended()) return null;
    try {
      return await factory.createLessonMedia({ lessonId: String(lessonSessionId) });
    } catch (error) {
      const wait = Math.min(delay, deadline - Date.now());
      if (wait <= 0) {
        log.error({ err: error, lessonSessionId, attempts: attempt }, 'could not rebuild lesson media; ending the lesson');
        recovery.onMediaFailed();
        return null;
      }
      log.warn({ err: error, attempt }, 'lesson media rebuild failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
