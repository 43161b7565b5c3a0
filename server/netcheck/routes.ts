import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ERROR_RESPONSES } from '../../shared/api/common.js';
import {
  ConnectProbe,
  DownloadQuery,
  MAX_SAMPLE_BYTES,
  NetcheckPlan,
  OpenProbe,
  PingResponse,
  ProbeOpened,
  ProbeParams,
  ProbeState,
  PROBES_PER_MINUTE,
  UploadReceived,
} from '../../shared/api/netcheck.js';
import type { TongkeApp } from '../core/app-types.js';
import { ApiError } from '../core/errors.js';
import { NetworkCheckService } from './service.js';

const tags = ['netcheck'];

/** Samples are counted per account (a school's classrooms share one address), else per address. */
const perAccount = (request: FastifyRequest) => (request.principal ? `netcheck:user:${request.principal.userId}` : `netcheck:ip:${request.ip}`);
const limit = (max: number) => ({ rateLimit: { max, timeWindow: '1 minute', keyGenerator: perAccount } });

/** Round-trip samples: a check takes five; a few re-runs a minute fit. */
const PINGS_PER_MINUTE = 60;
/** Download and upload samples: one each per check. */
const SAMPLES_PER_MINUTE = 10;

/** Bytes of a download sample: random, so no compression on the path makes the link look faster. */
const NOISE = Buffer.alloc(MAX_SAMPLE_BYTES, 0);
for (let i = 0; i < NOISE.length; i++) NOISE[i] = (i * 2654435761) >>> 24;

const NO_STORE = 'no-store, no-cache, must-revalidate';

/** Raw bytes past the typed reply (whose 200 schema says "binary"). */
const sendBytes = (reply: FastifyReply, bytes: Buffer) => reply.type('application/octet-stream').send(bytes);

/**
 * The pre-join network check (issue #15): the plan (ports to tell a network admin), probe transports the
 * browser connects to over UDP / TCP / TURN, and round-trip, download and upload samples against this
 * server. Signed-in callers only; every route is rate limited per account, probes are bounded per account
 * and close on their own.
 */
export default async function netcheckRoutes(app: TongkeApp) {
  const probes = new NetworkCheckService(app.tongke.media, app.tongke.config);
  app.addHook('onClose', async () => probes.closeAll());
  app.addHook('onRequest', async (request, reply) => {
    app.requirePrincipal(request);
    void reply.header('cache-control', NO_STORE);
  });
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_SAMPLE_BYTES }, (_request, body, done) => done(null, body));

  app.get(
    '/api/netcheck/plan',
    { config: limit(PINGS_PER_MINUTE), schema: { tags, summary: 'What the network check probes, and the media ports a school firewall must allow', response: { 200: NetcheckPlan, ...ERROR_RESPONSES } } },
    async () => probes.plan(),
  );

  app.post(
    '/api/netcheck/probes',
    { config: limit(PROBES_PER_MINUTE), schema: { tags, summary: 'Opens a short-lived probe transport to connect to over UDP, TCP or TURN', body: OpenProbe, response: { 201: ProbeOpened, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { userId } = app.requirePrincipal(request);
      const opened = await probes.open(userId, request.body.kind);
      request.log.debug({ probeId: opened.probeId, kind: opened.kind, userId }, 'network probe opened');
      return reply.code(201).send(opened);
    },
  );

  app.post(
    '/api/netcheck/probes/:probeId/connect',
    { config: limit(PROBES_PER_MINUTE), schema: { tags, summary: "The browser's DTLS parameters for a probe", params: ProbeParams, body: ConnectProbe, response: { 200: Type.Object({}), ...ERROR_RESPONSES } } },
    async (request) => {
      await probes.connect(app.requirePrincipal(request).userId, request.params.probeId, request.body.dtlsParameters);
      return {};
    },
  );

  app.get(
    '/api/netcheck/probes/:probeId',
    { config: limit(PINGS_PER_MINUTE), schema: { tags, summary: "A probe's connection as the media server sees it", params: ProbeParams, response: { 200: ProbeState, ...ERROR_RESPONSES } } },
    async (request) => probes.state(app.requirePrincipal(request).userId, request.params.probeId),
  );

  app.delete(
    '/api/netcheck/probes/:probeId',
    { config: limit(PROBES_PER_MINUTE), schema: { tags, summary: 'Closes a probe the browser is done with', params: ProbeParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      probes.close(app.requirePrincipal(request).userId, request.params.probeId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/netcheck/ping',
    { config: limit(PINGS_PER_MINUTE), schema: { tags, summary: 'A tiny answer for round-trip samples', response: { 200: PingResponse, ...ERROR_RESPONSES } } },
    async () => ({ serverTime: Date.now() }),
  );

  app.get(
    '/api/netcheck/download',
    { config: limit(SAMPLES_PER_MINUTE), schema: { tags, produces: ['application/octet-stream'], summary: 'That many bytes, for a download estimate', querystring: DownloadQuery, response: { 200: Type.String({ format: 'binary' }), ...ERROR_RESPONSES } } },
    async (request, reply) => sendBytes(reply, NOISE.subarray(0, request.query.bytes)),
  );

  app.post(
    '/api/netcheck/upload',
    { config: limit(SAMPLES_PER_MINUTE), bodyLimit: MAX_SAMPLE_BYTES, schema: { tags, summary: 'Accepts up to 1 MiB of bytes, for an upload estimate', response: { 200: UploadReceived, ...ERROR_RESPONSES } } },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) throw new ApiError('bad_request');
      return { bytes: request.body.length };
    },
  );
}
