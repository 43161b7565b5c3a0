/**
 * LessonMedia with media flowing: real Opus packets with RFC 6464 audio levels, real VP8 simulcast RTP and
 * real RTCP receiver reports, all on loopback. Each test is bounded to a few seconds of traffic.
 */
import type dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { MediaWorkerPool, type LessonMedia, type LessonMediaEvents } from './index.js';
import {
  opusParameters,
  plainReceiver,
  plainRtpCapabilities,
  plainSender,
  recordingLogger,
  vp8Parameters,
  type PlainReceiver,
} from './testing/lesson.js';
import { LOOPBACK, eventMatching, opusPacket, receiverReport, simulcastFrame, startSending, withTimeout } from './testing/rtp.js';

type Advice = LessonMediaEvents['advice'][0];
type Layers = LessonMediaEvents['consumer-layers'][0];

const TEACHER_CAMERA_SSRCS = [0x100, 0x101, 0x102];

/** Audio levels (−dBov) of someone talking: syllables at −12 dBov, pauses at −90 dBov, 20 ms per packet. */
const speech = (index: number) => (index % 8 < 5 ? 12 : 90);

describe('LessonMedia with RTP flowing', () => {
  let pool: MediaWorkerPool;
  let lesson: LessonMedia;
  let sockets: dgram.Socket[];
  const stops: Array<() => void> = [];

  beforeEach(async () => {
    sockets = [];
    pool = await MediaWorkerPool.create({
      workerCount: 1,
      rtcMinPort: 52300,
      rtcMaxPort: 52399,
      listenIp: LOOPBACK,
      announcedIp: '',
      webRtcServerPort: 52450,
      logger: recordingLogger([]),
    });
    lesson = await pool.createLessonMedia({
      lessonId: 'rtp-lesson',
      // Short windows so that a whole lower-then-recover episode fits in a test.
      adaptation: { badForMs: 1000, goodForMs: 1500 },
      adaptationIntervalMs: 200,
    });
  });

  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    pool.close();
    for (const socket of sockets) socket.close();
  });

  it('names the dominant speaker from the audio levels of real Opus packets, and null when she mutes', async () => {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    const classroom = await plainSender(lesson, 'classroom-1', sockets);
    const teacherMic = await lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x1a) });
    await lesson.produce('classroom-1', { transportId: classroom.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x1b) });

    // The teacher talks while the classroom is silent (−127 dBov) ...
    let teacherTalks = true;
    let classroomTalks = false;
    stops.push(startSending(teacher.socket, teacher.port, 20, (i) => [opusPacket(0x1a, i, teacherTalks ? speech(i) : 127)]));
    stops.push(startSending(classroom.socket, classroom.port, 20, (i) => [opusPacket(0x1b, i, classroomTalks ? speech(i) : 127)]));
    const teacherSpeaks = eventMatching<LessonMediaEvents['active-speaker'][0]>(lesson, 'active-speaker', (e) => e.participantId === 'lead-teacher');
    await withTimeout(teacherSpeaks, 8000, 'the teacher as active speaker');

    // ... then a student in the classroom answers and the teacher listens.
    const classroomSpeaks = eventMatching<LessonMediaEvents['active-speaker'][0]>(lesson, 'active-speaker', (e) => e.participantId === 'classroom-1');
    [teacherTalks, classroomTalks] = [false, true];
    const switchedAt = performance.now();
    await withTimeout(classroomSpeaks, 10_000, 'the classroom as active speaker');
    const switchMs = Math.round(performance.now() - switchedAt);
    expect(switchMs).toBeLessThan(10_000);

    [teacherTalks, classroomTalks] = [true, false];
    await withTimeout(
      eventMatching<LessonMediaEvents['active-speaker'][0]>(lesson, 'active-speaker', (e) => e.participantId === 'lead-teacher'),
      10_000,
      'the teacher as active speaker again',
    );
    const silence = eventMatching<LessonMediaEvents['active-speaker'][0]>(lesson, 'active-speaker', (e) => e.participantId === null);
    await lesson.pauseProducer('lead-teacher', teacherMic);
    await withTimeout(silence, 1000, 'no active speaker after the mute');
    console.info(`active speaker switched ${switchMs} ms after the classroom started speaking`);
  });

  /** The lead teacher's 3-layer camera, consumed and resumed by each receiver with a 720p tile. */
  async function teacherCameraTo(receiverIds: readonly string[]): Promise<Array<{ receiver: PlainReceiver; consumerId: string; ssrc: number }>> {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    const camera = await lesson.produce('lead-teacher', {
      transportId: teacher.transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8Parameters(TEACHER_CAMERA_SSRCS),
    });
    // Three layers at 25 frames per second each; every frame is a key frame, so layers switch at once.
    stops.push(startSending(teacher.socket, teacher.port, 40, (i) => simulcastFrame(TEACHER_CAMERA_SSRCS, i)));
    const receivers = [];
    for (const participantId of receiverIds) {
      const receiver = await plainReceiver(lesson, participantId, sockets);
      const consumer = await lesson.consume(participantId, { producerId: camera, rtpCapabilities: plainRtpCapabilities(lesson.rtpCapabilities) });
      await lesson.setTile(participantId, consumer.id, { width: 1280, height: 720, visible: true });
      await lesson.resumeConsumer(participantId, consumer.id);
      receivers.push({ receiver, consumerId: consumer.id, ssrc: consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0 });
    }
    return receivers;
  }

  it('switches the simulcast layer a receiver gets when its tile changes size', async () => {
    const [classroom] = await teacherCameraTo(['classroom-1']);
    if (!classroom) throw new Error('no consumer');
    const atLayer = (spatialLayer: number) =>
      eventMatching<Layers>(lesson, 'consumer-layers', (e) => e.consumerId === classroom.consumerId && e.spatialLayer === spatialLayer);

    // mediasoup moves up from layer 0 once a higher stream has been active for 2 s.
    await withTimeout(atLayer(2), 8000, 'the top layer for a 720p tile');
    const small = atLayer(0);
    await lesson.setTile('classroom-1', classroom.consumerId, { width: 320, height: 180, visible: true });
    await withTimeout(small, 3000, 'layer 0 for a thumbnail');
    expect(lesson.consumerState('classroom-1', classroom.consumerId)).toMatchObject({ currentSpatialLayer: 0, preferredSpatialLayer: 0 });

    const hidden = eventMatching<Layers>(lesson, 'consumer-layers', (e) => e.consumerId === classroom.consumerId && e.spatialLayer === null);
    await lesson.setTile('classroom-1', classroom.consumerId, { width: 320, height: 180, visible: false });
    await withTimeout(hidden, 3000, 'no layer while the tile is hidden');
  });

  it('lowers only the receiver whose link reports loss, suggests audio only, and recovers when the link does', async () => {
    const [village, town] = await teacherCameraTo(['village-classroom', 'town-classroom']);
    if (!village || !town) throw new Error('no consumers');
    const advice: Advice[] = [];
    lesson.on('advice', (event) => advice.push(event));
    await withTimeout(
      Promise.all(
        [village, town].map(({ consumerId }) =>
          eventMatching<Layers>(lesson, 'consumer-layers', (e) => e.consumerId === consumerId && e.spatialLayer === 2),
        ),
      ),
      8000,
      'both sites at the top layer',
    );
    const townLayers: Array<number | null> = [];
    lesson.on('consumer-layers', (e) => {
      if (e.consumerId === town.consumerId) townLayers.push(e.spatialLayer);
    });

    // Both sites report back every 200 ms as a browser does; the village claims to lose what it gets.
    let villageLost = 0;
    let villageLosing = true;
    const report = (site: typeof village, lost: number) =>
      site.receiver.socket.send(
        receiverReport({ senderSsrc: 0xbeef, sourceSsrc: site.ssrc, fractionLost: lost > 0 ? 128 : 0, totalLost: lost, highestSequence: 0 }),
        site.receiver.port,
        LOOPBACK,
      );
    const villageLayers: Array<number | null> = [];
    lesson.on('consumer-layers', (e) => {
      if (e.consumerId === village.consumerId) villageLayers.push(e.spatialLayer);
    });
    const adviceAt = new Map<string, number>();
    const lossStartedAt = performance.now();
    lesson.on('advice', (e) => {
      if (!adviceAt.has(e.advice)) adviceAt.set(e.advice, Math.round(performance.now() - lossStartedAt));
    });
    const timer = setInterval(() => {
      if (villageLosing) villageLost += 10;
      report(village, villageLost);
      report(town, 0);
    }, 200);
    stops.push(() => clearInterval(timer));

    const suggested = eventMatching<Advice>(lesson, 'advice', (e) => e.advice === 'audio_only_suggested');
    await withTimeout(suggested, 12_000, 'audio only suggested to the village');
    expect(advice).toEqual([
      { participantId: 'village-classroom', advice: 'lowered' },
      { participantId: 'village-classroom', advice: 'lowered' },
      { participantId: 'village-classroom', advice: 'audio_only_suggested' },
    ]);
    expect(lesson.consumerState('village-classroom', village.consumerId)).toMatchObject({ preferredSpatialLayer: 0, currentSpatialLayer: 0 });
    expect(villageLayers).toEqual([1, 0]);
    expect(lesson.consumerState('village-classroom', village.consumerId).score).toBeLessThan(5);
    // The town's link is fine: it kept the top layer and a full score throughout.
    expect(lesson.consumerState('town-classroom', town.consumerId)).toMatchObject({ preferredSpatialLayer: 2, currentSpatialLayer: 2, score: 10 });
    expect(townLayers).toEqual([]);

    villageLosing = false;
    const recoveryStartedAt = performance.now();
    await withTimeout(
      eventMatching<Advice>(lesson, 'advice', (e) => e.advice === 'recovered'),
      12_000,
      'the village recovered',
    );
    expect(lesson.consumerState('village-classroom', village.consumerId).preferredSpatialLayer).toBe(1);
    expect(advice.filter((event) => event.participantId === 'town-classroom')).toEqual([]);
    console.info(
      `adaptation (bad window 1 s, good window 1.5 s): first advice after the loss began ${JSON.stringify(Object.fromEntries(adviceAt))} ms;` +
        ` recovered ${Math.round(performance.now() - recoveryStartedAt)} ms after the loss stopped`,
    );
  });
});
