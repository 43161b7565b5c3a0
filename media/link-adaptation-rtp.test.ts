/**
 * Link adaptation with media flowing through a real worker on loopback: a receiver whose browser reports a
 * lossy link is lowered within seconds (its consumer score stays high), the other keeps the top layer; and
 * audio-only mode really keeps what flows down to a site under ~64 kbit/s. Bounded to seconds of traffic.
 */
import type dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { MediaWorkerPool, type LessonMedia, type LessonMediaEvents } from './index.js';
import { opusParameters, plainReceiver, plainRtpCapabilities, plainSender, recordingLogger, vp8Parameters, type PlainReceiver } from './testing/lesson.js';
import { LOOPBACK, delay, eventMatching, opusPacket, simulcastFrame, startSending, withTimeout } from './testing/rtp.js';

type Layers = LessonMediaEvents['consumer-layers'][0];
type Advice = LessonMediaEvents['advice'][0];

const CAMERA_SSRCS = [0x200, 0x201, 0x202];
const MIC_SSRC = 0x2a;
/** A VP8 frame of ~1 kB per layer (25 fps: ~200 kbit/s a layer), so video is plainly more than audio. */
const VIDEO_PADDING = Buffer.alloc(1000, 0x5a);
/** Opus at ~32 kbit/s: 80 bytes every 20 ms. */
const OPUS_PADDING = Buffer.alloc(77, 0x55);

describe('link adaptation with RTP flowing', () => {
  let pool: MediaWorkerPool;
  let lesson: LessonMedia;
  let sockets: dgram.Socket[];
  const stops: Array<() => void> = [];

  beforeEach(async () => {
    sockets = [];
    pool = await MediaWorkerPool.create({
      workerCount: 1,
      rtcMinPort: 52500,
      rtcMaxPort: 52599,
      listenIp: LOOPBACK,
      announcedIp: '',
      webRtcServerPort: 52650,
      logger: recordingLogger([]),
    });
    // The default policy and a 1 s evaluation, as a lesson runs them.
    lesson = await pool.createLessonMedia({ lessonId: 'adaptation-lesson' });
  });

  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    pool.close();
    for (const socket of sockets) socket.close();
  });

  /** The lead teacher's mic and 3-layer camera, consumed and resumed by each receiver with a 720p tile. */
  async function teacherTo(receiverIds: readonly string[]) {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    const transportId = teacher.transportId;
    const camera = await lesson.produce('lead-teacher', { transportId, kind: 'video', source: 'camera', rtpParameters: vp8Parameters(CAMERA_SSRCS) });
    const mic = await lesson.produce('lead-teacher', { transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(MIC_SSRC) });
    stops.push(startSending(teacher.socket, teacher.port, 40, (i) => simulcastFrame(CAMERA_SSRCS, i).map((packet) => (packet[1] === 200 ? packet : Buffer.concat([packet, VIDEO_PADDING])))));
    stops.push(startSending(teacher.socket, teacher.port, 20, (i) => [Buffer.concat([opusPacket(MIC_SSRC, i, 12), OPUS_PADDING])]));
    const receivers: Array<{ id: string; receiver: PlainReceiver; video: string; bytes: () => number }> = [];
    for (const id of receiverIds) {
      const receiver = await plainReceiver(lesson, id, sockets);
      let bytes = 0;
      receiver.socket.on('message', (packet) => (bytes += packet.length));
      const rtpCapabilities = plainRtpCapabilities(lesson.rtpCapabilities);
      const video = await lesson.consume(id, { producerId: camera, rtpCapabilities });
      const audio = await lesson.consume(id, { producerId: mic, rtpCapabilities });
      await lesson.setTile(id, video.id, { width: 1280, height: 720, visible: true });
      await lesson.resumeConsumer(id, video.id);
      await lesson.resumeConsumer(id, audio.id);
      receivers.push({ id, receiver, video: video.id, bytes: () => bytes });
    }
    await withTimeout(
      Promise.all(receivers.map(({ video }) => eventMatching<Layers>(lesson, 'consumer-layers', (e) => e.consumerId === video && e.spatialLayer === 2))),
      8000,
      'every receiver at the top layer',
    );
    return receivers;
  }

  /** kbit/s arriving at a receiver over `ms`. */
  async function downKbps(bytes: () => number, ms: number): Promise<number> {
    const before = bytes();
    await delay(ms);
    return ((bytes() - before) * 8) / ms;
  }

  it('lowers a receiver reporting 5 % loss within 5 s although its score stays 10; the other keeps the top layer', async () => {
    const [village, town] = await teacherTo(['village-classroom', 'town-classroom']);
    if (!village || !town) throw new Error('no receivers');
    const advice: Advice[] = [];
    lesson.on('advice', (event) => advice.push(event));
    const townLayers: Array<number | null> = [];
    lesson.on('consumer-layers', (e) => e.consumerId === town.video && townLayers.push(e.spatialLayer));

    // Each browser reports once a second, as QualityProbe does; the village's link loses 5 % of its video.
    const lossStartedAt = performance.now();
    const timer = setInterval(() => {
      lesson.reportLink('village-classroom', { lossPct: 5, rttMs: 600, freezeCount: 0, freezeMs: 0 });
      lesson.reportLink('town-classroom', { lossPct: 0, rttMs: 30, freezeCount: 0, freezeMs: 0 });
    }, 1000);
    stops.push(() => clearInterval(timer));

    await withTimeout(
      eventMatching<Layers>(lesson, 'consumer-layers', (e) => e.consumerId === village.video && e.spatialLayer === 1),
      8000,
      'the village at layer 1',
    );
    const loweredMs = Math.round(performance.now() - lossStartedAt);
    // The feature: within 5 s of the loss (plus a tick of slack for a loaded machine).
    expect(loweredMs).toBeLessThan(6000);
    expect(advice).toEqual([{ participantId: 'village-classroom', advice: 'lowered' }]);
    // No RTCP loss reached the SFU, so the consumer score alone would never have acted.
    expect(lesson.consumerState('village-classroom', village.video)).toMatchObject({ preferredSpatialLayer: 1, currentSpatialLayer: 1, score: 10 });

    // 360p holds at 5 % loss: no further step, and the town never moved.
    await delay(4000);
    expect(lesson.consumerState('village-classroom', village.video).preferredSpatialLayer).toBe(1);
    expect(lesson.consumerState('town-classroom', town.video)).toMatchObject({ preferredSpatialLayer: 2, currentSpatialLayer: 2 });
    expect(townLayers).toEqual([]);
    expect(advice.filter((event) => event.participantId === 'town-classroom')).toEqual([]);
    console.info(`a 5 %-loss receiver was lowered ${loweredMs} ms after its first lossy report`);
  });

  it('keeps an audio-only site under 64 kbit/s down while its audio still flows', async () => {
    const [village] = await teacherTo(['village-classroom']);
    if (!village) throw new Error('no receiver');
    const withVideo = await downKbps(village.bytes, 2000);

    await lesson.setAudioOnly('village-classroom', true);
    await delay(500); // what was in flight arrives
    const audioOnly = await downKbps(village.bytes, 3000);

    expect(withVideo).toBeGreaterThan(150);
    expect(audioOnly).toBeLessThan(64);
    expect(audioOnly).toBeGreaterThan(16); // the teacher is still heard
    expect(lesson.consumerState('village-classroom', village.video).paused).toBe(true);
    console.info(`down to the site: ${withVideo.toFixed(0)} kbit/s with video, ${audioOnly.toFixed(1)} kbit/s audio only`);
  });
});
