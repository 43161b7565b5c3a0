import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonMedia } from '../../media/index.js';
import type { LessonRequestPayload } from '../../shared/lesson/protocol.js';
import { createOrganisationFixture, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import { LessonSocket } from '../support/lesson-socket.js';

const OPUS = (ssrc: number) => ({ codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] });
/** The lead teacher's camera with two simulcast layers. */
const VP8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 44444444 }, { ssrc: 44444445 }] };

type Report = LessonRequestPayload<'quality:report'>;
/** What QualityProbe sends from a village classroom whose link loses a quarter of its packets and freezes. */
const VILLAGE_BAD: Report = { rttMs: 900, packetLossPct: 22, videoLossPct: 25, freezeCount: 1, freezeMs: 400, framesPerSecond: 4, frameHeight: 720, recvBitrate: 300_000, sendBitrate: 40_000 };
const TOWN_CLEAN: Report = { rttMs: 30, packetLossPct: 0, videoLossPct: 0, freezeCount: 0, freezeMs: 0, framesPerSecond: 25, frameHeight: 720, availableIncomingBitrate: 4_000_000 };

/**
 * Link adaptation through the real gateway and worker: a site's own `quality:report`s lower its layer
 * ceiling (its consumer's preferred layer changes on the worker) and bring it `media:advice`, down to the
 * audio-only suggestion; the other site's consumer and advice stay as they were.
 */
describe('a site reporting a bad link gets a lower layer and advice; the other site does not', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];
  let media: LessonMedia | null = null;

  const connect = async (principal: PrincipalKey) => {
    const socket = new LessonSocket(f.t.baseUrl!, (await f.as(principal)).cookieHeader());
    sockets.push(socket);
    await socket.connected();
    return socket;
  };
  /** Joins receiving and resumes everything, as the page does; returns its camera consumer of the teacher. */
  const receive = async (socket: LessonSocket) => {
    const joined = await socket.joinLesson(f.ids.courseId, { receive: true });
    const consumers = joined.receiving!.consumers;
    await socket.request('consumers:resume', { consumerIds: consumers.map((c) => c.id) });
    return { participantId: joined.participantId, camera: consumers.find((c) => c.kind === 'video')!.id };
  };

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true, mediaWorkers: 1 });
    const pool = f.t.media!;
    const create = pool.createLessonMedia.bind(pool);
    pool.createLessonMedia = async (options) => (media = await create(options));

    const teacher = await connect('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await teacher.joinLesson(f.ids.courseId);
    const send = await teacher.request('transport:create', { direction: 'send' });
    await teacher.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS(11111111) });
    await teacher.request('producer:create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: VP8 });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('lowers the reporting site one layer, then suggests audio only; the other site keeps its layer and hears nothing', async () => {
    const village = await connect('classroom_device');
    const town = await connect('student');
    const villageSite = await receive(village);
    const townSite = await receive(town);
    const preferred = (site: { participantId: string; camera: string }) => media!.consumerState(site.participantId, site.camera).preferredSpatialLayer;
    expect(preferred(villageSite)).toBe(1);
    expect(preferred(townSite)).toBe(1);

    // Each browser reports once a second; the policy samples once a second.
    const timer = setInterval(() => {
      void village.request('quality:report', VILLAGE_BAD);
      void town.request('quality:report', TOWN_CLEAN);
    }, 1000);
    try {
      const lowered = await village.nextEvent('media:advice', (e) => e.advice === 'lowered', 8000);
      expect(lowered.quality).toBe('poor');
      expect(preferred(villageSite)).toBe(0);
      await village.nextEvent('media:advice', (e) => e.advice === 'audio_only_suggested', 10_000);
    } finally {
      clearInterval(timer);
    }
    expect(preferred(villageSite)).toBe(0);
    expect(preferred(townSite)).toBe(1);
    expect(town.received.filter((r) => r.event === 'media:advice')).toEqual([]);
  });

  it('refuses a report whose link figures are out of range', async () => {
    const site = await connect('assistant_teacher');
    await site.joinLesson(f.ids.courseId);
    const refused = await site.ask('quality:report', { videoLossPct: 140, freezeCount: -1 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await site.ask('quality:report', TOWN_CLEAN)).toEqual({ ok: true, data: {} });
  });
});
