import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LESSON_REQUESTS, type Ack, type LessonRequestName } from '../../shared/lesson/protocol.js';
import { LessonMediaError } from '../../media/index.js';
import type { AuthenticatedPrincipal } from '../accounts/principal.js';
import { ApiError } from '../core/errors.js';
import type { HandlerContext, LessonHandlerTable } from './handlers.js';
import { LESSON_REQUEST_LIMITS, LessonRequestQuotas } from './quotas.js';
import { lessonRequestPipeline, MEDIA_REFUSAL_CODES, viewerMay, type RequestSession } from './request-pipeline.js';

/** A pipeline whose `chat:send` handler does what the test says; every other request answers `{}`. */
function pipelineWith(chat: (ctx: HandlerContext) => Promise<unknown>, limits = LESSON_REQUEST_LIMITS) {
  const handlers = Object.fromEntries(
    (Object.keys(LESSON_REQUESTS) as LessonRequestName[]).map((name) => [name, { access: 'open', run: name === 'chat:send' ? chat : async () => ({}) }]),
  ) as unknown as LessonHandlerTable;
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const serve = lessonRequestPipeline({ handlers, quotas: new LessonRequestQuotas(limits), message: (_locale, code) => `msg:${code}`, services: { coursewareDocument: async () => null, observationOpened: async () => undefined } });
  const principal = { userId: 7, grants: [], courseOnly: null, username: 'u', displayName: 'u', locale: null, sessionKind: 'password', sessionTokenHash: 'x' } as unknown as AuthenticatedPrincipal;
  const session: RequestSession = { principal, locale: 'zh-CN', channel: { emit: () => undefined, disconnect: () => undefined, drop: () => undefined }, joined: null, log };
  const ask = (name: LessonRequestName, payload: unknown) =>
    new Promise<Ack<unknown>>((resolve) => void serve(session, name, payload, resolve));
  return { ask, lines, serve, session };
}

const errorsLogged = (lines: Array<{ level: number }>) => lines.filter((l) => l.level >= 50).length;

describe('the lesson request pipeline', () => {
  it('answers a bug in a handler — a TypeError of our own code too — with internal, logged as an error', async () => {
    const { ask, lines } = pipelineWith(async () => {
      const missing = undefined as unknown as { text: string };
      return missing.text; // TypeError: a handler bug, not the caller's fault
    });
    expect(await ask('chat:send', { text: 'hi' })).toEqual({ ok: false, error: { code: 'internal', message: 'msg:internal' } });
    expect(errorsLogged(lines)).toBe(1);
  });

  it('answers a media refusal by its reason (unknown id → not_found, bad parameters → bad_request) without logging an error', async () => {
    for (const [reason, code] of [
      ['unknown-consumer', 'not_found'],
      ['unknown-transport', 'not_found'],
      ['invalid-parameters', 'bad_request'],
      ['already-connected', 'conflict'],
    ] as const) {
      const { ask, lines } = pipelineWith(async () => {
        throw new LessonMediaError(reason, 'refused');
      });
      expect(await ask('chat:send', { text: 'hi' })).toMatchObject({ ok: false, error: { code } });
      expect(errorsLogged(lines), reason).toBe(0);
    }
    // Every reason the media layer gives is a caller's error code, never internal.
    expect(Object.values(MEDIA_REFUSAL_CODES)).not.toContain('internal');
  });

  it('passes an ApiError through and acks data on success', async () => {
    const refused = pipelineWith(async () => {
      throw new ApiError('forbidden');
    });
    expect(await refused.ask('chat:send', { text: 'hi' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const served = pipelineWith(async () => ({ id: 'm1' }));
    expect(await served.ask('chat:send', { text: 'hi' })).toEqual({ ok: true, data: { id: 'm1' } });
  });

  it('runs nothing for an invalid payload, a missing ack, or a request over the rate limit', async () => {
    let runs = 0;
    const limits = { ...LESSON_REQUEST_LIMITS, 'chat:send': { points: 2, seconds: 60 } };
    const { ask, serve, session } = pipelineWith(async () => ({ id: String(++runs) }), limits);
    expect(await ask('chat:send', { text: 42 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    await serve(session, 'chat:send', { text: 'no ack' }, 'not a function');
    expect(runs).toBe(0);
    expect(await ask('chat:send', { text: 'a' })).toMatchObject({ ok: true });
    expect(await ask('chat:send', { text: 'b' })).toMatchObject({ ok: true });
    expect(await ask('chat:send', { text: 'c' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(runs).toBe(2);
  });

  it('lets a broadcast viewer receive, raise her hand and step down; send only on stage; nothing else', () => {
    const receiving = ['transport:connect', 'consumer:create', 'consumers:resume', 'consumer:tile', 'media:audio-only', 'quality:report', 'hand:raise', 'hand:lower', 'stage:return'] as const;
    for (const name of receiving) expect(viewerMay(name, {}, false), name).toBe(true);
    expect(viewerMay('transport:create', { direction: 'recv' }, false)).toBe(true);
    expect(viewerMay('transport:create', { direction: 'send' }, false)).toBe(false);
    expect(viewerMay('producer:create', {}, false)).toBe(false);
    expect(viewerMay('transport:create', { direction: 'send' }, true)).toBe(true);
    expect(viewerMay('producer:create', {}, true)).toBe(true);
    // Every other request of the contract, on stage or not: a new one is refused until allowed on purpose.
    const allowed = new Set<LessonRequestName>(['lesson:capabilities', 'lesson:join', 'lesson:leave', 'transport:create', 'transport:restart-ice', 'consumer:resume', 'producer:close', 'producer:pause', 'producer:resume', 'producer:create', ...receiving]);
    const refused = (Object.keys(LESSON_REQUESTS) as LessonRequestName[]).filter((name) => !allowed.has(name));
    expect(refused).toContain('chat:send');
    expect(refused).toContain('stage:invite');
    for (const name of refused) expect(viewerMay(name, {}, true), name).toBe(false);
  });
});
