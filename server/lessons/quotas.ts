import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { LessonRequestName } from '../../shared/lesson/protocol.js';

/**
 * How often one person may send each lesson request: `points` requests per `seconds`, counted per account
 * (a student link counts as its student), so that reconnecting or opening a second socket does not start
 * afresh. Typed over every request of the protocol: a new request does not compile without its limit.
 *
 * The numbers leave an honest site plenty of room — a browser reports quality every few seconds, a
 * teacher's page consumes two or three streams per receiving classroom and re-tiles them on a resize —
 * while a script that floods a request is refused after a handful. A refused request never reaches the
 * lesson, so it is never recorded as evidence.
 */
export const LESSON_REQUEST_LIMITS: Record<LessonRequestName, { points: number; seconds: number }> = {
  'lesson:capabilities': { points: 30, seconds: 60 },
  'lesson:join': { points: 20, seconds: 60 },
  'lesson:start': { points: 10, seconds: 60 },
  'lesson:end': { points: 10, seconds: 60 },
  'lesson:leave': { points: 20, seconds: 60 },
  'lesson:lock': { points: 20, seconds: 60 },
  'transport:create': { points: 30, seconds: 60 },
  'transport:connect': { points: 30, seconds: 60 },
  'transport:restart-ice': { points: 30, seconds: 60 },
  'producer:create': { points: 30, seconds: 60 },
  'producer:close': { points: 60, seconds: 60 },
  'producer:pause': { points: 60, seconds: 60 },
  'producer:resume': { points: 60, seconds: 60 },
  'consumer:create': { points: 300, seconds: 60 },
  'consumer:resume': { points: 300, seconds: 60 },
  // One per join or rejoin (what its ack carried), and one per layout change that remounts several tiles.
  'consumers:resume': { points: 60, seconds: 60 },
  // The page reports a tile at most twice a second while a window is resized (tile-reporter.ts).
  'consumer:tile': { points: 1200, seconds: 60 },
  'media:audio-only': { points: 30, seconds: 60 },
  // A hand goes up and down a few times a lesson; a raise is participation evidence.
  'hand:raise': { points: 10, seconds: 60 },
  'hand:lower': { points: 60, seconds: 60 },
  'stage:invite': { points: 30, seconds: 60 },
  'stage:return': { points: 30, seconds: 60 },
  // A teacher starts and stops recording a few times a lesson; each start spawns FFmpeg per track.
  'recording:start': { points: 6, seconds: 60 },
  'recording:stop': { points: 6, seconds: 60 },
  'moderate:mute': { points: 60, seconds: 60 },
  'moderate:stop-camera': { points: 60, seconds: 60 },
  'moderate:remove': { points: 30, seconds: 60 },
  'moderate:readmit': { points: 30, seconds: 60 },
  // Twenty messages a minute is a lively class; a message is participation evidence.
  'chat:send': { points: 20, seconds: 60 },
  'chat:set-enabled': { points: 20, seconds: 60 },
  'observers:chat': { points: 20, seconds: 60 },
  'board:open': { points: 30, seconds: 60 },
  'board:add-blank': { points: 30, seconds: 60 },
  'board:show-document': { points: 30, seconds: 60 },
  // A teacher paging through a deck quickly, back and forth.
  'board:turn': { points: 120, seconds: 60 },
  // Pieces go every ~100 ms while the pen is down: ten a second of continuous drawing, and then some.
  'board:stroke': { points: 900, seconds: 60 },
  'board:place': { points: 120, seconds: 60 },
  'board:erase': { points: 300, seconds: 60 },
  // The pointer is sent at most ~10 times a second while it moves.
  'board:laser': { points: 900, seconds: 60 },
  'board:pen': { points: 30, seconds: 60 },
  'poll:create': { points: 20, seconds: 60 },
  'poll:answer': { points: 30, seconds: 60 },
  'poll:close': { points: 20, seconds: 60 },
  // The client reports every second (link adaptation acts within seconds), and then some.
  'quality:report': { points: 90, seconds: 60 },
  'classroom:headcount': { points: 20, seconds: 60 },
};

/**
 * Consumers one participant may hold at once. A lead teacher receives every site's camera and microphone
 * (at most six receiving classrooms plus students and observers in practice); a site receives the teacher
 * and whoever is on stage. Each consumer costs the worker a stream and the server a fan-out.
 */
export const MAX_CONSUMERS_PER_PARTICIPANT = 100;

/**
 * `/lesson` sockets one account may hold at once: a teacher's laptop and a spare tab or device, and the
 * sockets a flapping link leaves behind until their ping times out. A new one beyond this closes the
 * oldest (see SocketsPerAccount); a script opening sockets by the thousand holds three.
 */
export const MAX_LESSON_SOCKETS_PER_ACCOUNT = 3;

/** The per-account rate limits of lesson requests, one fixed-window counter per request name. */
export class LessonRequestQuotas {
  readonly #limiters: Map<LessonRequestName, RateLimiterMemory>;

  constructor(limits: Record<LessonRequestName, { points: number; seconds: number }> = LESSON_REQUEST_LIMITS) {
    this.#limiters = new Map(
      (Object.entries(limits) as Array<[LessonRequestName, { points: number; seconds: number }]>).map(([name, { points, seconds }]) => [
        name,
        new RateLimiterMemory({ keyPrefix: name, points, duration: seconds }),
      ]),
    );
  }

  /** Counts one request of `accountId`: null when allowed, else the seconds to wait. */
  async take(name: LessonRequestName, accountId: number): Promise<number | null> {
    const limiter = this.#limiters.get(name);
    if (!limiter) throw new Error(`no rate limit for lesson request ${name}`);
    try {
      await limiter.consume(String(accountId));
      return null;
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw refusal;
    }
  }
}
