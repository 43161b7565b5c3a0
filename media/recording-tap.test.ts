/**
 * Recording taps with a real worker: RTP into a producer's plain transport comes out, as plain RTP, at a
 * UDP socket standing in for the recorder (RTP and RTCP on ports of their own, as FFmpeg listens).
 */
import type dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { MediaWorkerPool, type LessonMedia, type LessonMediaEvents } from './index.js';
import { opusParameters, plainSender, recordingLogger, vp8Parameters } from './testing/lesson.js';
import { LOOPBACK, eventMatching, isRtp, opusPacket, portOf, simulcastFrame, startSending, udpSocket, withTimeout } from './testing/rtp.js';

type Closed = LessonMediaEvents['recording-closed'][0];
type Flowing = LessonMediaEvents['recording-flowing'][0];

const CAMERA_SSRCS = [0x200, 0x201, 0x202];

describe('LessonMedia recording taps', () => {
  let pool: MediaWorkerPool;
  let lesson: LessonMedia;
  let sockets: dgram.Socket[];
  const stops: Array<() => void> = [];

  beforeEach(async () => {
    sockets = [];
    pool = await MediaWorkerPool.create({
      workerCount: 1,
      rtcMinPort: 54000,
      rtcMaxPort: 54099,
      listenIp: LOOPBACK,
      announcedIp: '',
      webRtcServerPort: 54150,
      logger: recordingLogger([]),
    });
    lesson = await pool.createLessonMedia({ lessonId: 'tap-lesson' });
  });

  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    pool.close();
    for (const socket of sockets) socket.close();
  });

  /** A recorder's two sockets; counts the RTP packets it gets, by SSRC and payload type. */
  async function recorder() {
    const rtp = await udpSocket();
    const rtcp = await udpSocket();
    sockets.push(rtp, rtcp);
    const packets: Array<{ ssrc: number; payloadType: number }> = [];
    rtp.on('message', (packet) => {
      if (isRtp(packet)) packets.push({ ssrc: packet.readUInt32BE(8), payloadType: (packet[1] ?? 0) & 0x7f });
    });
    return { receiver: { ip: LOOPBACK, rtpPort: portOf(rtp), rtcpPort: portOf(rtcp) }, packets };
  }

  async function teacherCamera(): Promise<string> {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    const camera = await lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'video', source: 'camera', rtpParameters: vp8Parameters(CAMERA_SSRCS) });
    stops.push(startSending(teacher.socket, teacher.port, 40, (i) => simulcastFrame(CAMERA_SSRCS, i)));
    return camera;
  }

  it('feeds a simulcast camera to the recorder once resumed, one SSRC with the codec it announced', async () => {
    const camera = await teacherCamera();
    const { receiver, packets } = await recorder();
    const tap = await lesson.recordProducer(camera, receiver);
    expect(tap).toMatchObject({ producerId: camera, kind: 'video', codec: { mimeType: 'video/VP8', clockRate: 90000 } });

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(packets).toHaveLength(0); // paused until the recorder listens

    const flowing = eventMatching<Flowing>(lesson, 'recording-flowing', (e) => e.consumerId === tap.consumerId);
    const resumedAt = Date.now();
    await lesson.resumeRecording(tap.consumerId);
    const { at } = await withTimeout(flowing, 3000, 'the first packet to the recorder');
    expect(at.getTime()).toBeGreaterThanOrEqual(resumedAt - 5);
    await lesson.requestKeyFrame(tap.consumerId);
    await withTimeout(
      (async () => {
        while (packets.length < 20) await new Promise((resolve) => setTimeout(resolve, 50));
      })(),
      3000,
      '20 packets',
    );
    expect(new Set(packets.map((p) => p.ssrc))).toEqual(new Set([tap.ssrc]));
    expect(new Set(packets.map((p) => p.payloadType))).toEqual(new Set([tap.codec.payloadType]));
    // The tap is no participant: the lesson's producers are untouched and no one else may close it.
    expect(lesson.producers).toHaveLength(1);
    lesson.closeParticipant('someone-else');
  });

  it('reports the tap closed when its producer closes, when it is stopped, and when the lesson closes', async () => {
    const camera = await teacherCamera();
    const teacher = await plainSender(lesson, 'classroom-1', sockets);
    const mic = await lesson.produce('classroom-1', { transportId: teacher.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x30) });
    stops.push(startSending(teacher.socket, teacher.port, 20, (i) => [opusPacket(0x30, i, 40)]));

    const cameraTap = await lesson.recordProducer(camera, (await recorder()).receiver);
    const micTap = await lesson.recordProducer(mic, (await recorder()).receiver);
    expect(micTap.codec).toMatchObject({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });

    const micClosed = eventMatching<Closed>(lesson, 'recording-closed', (e) => e.consumerId === micTap.consumerId);
    lesson.closeProducer('classroom-1', mic);
    expect(await withTimeout(micClosed, 2000, 'the mic tap closing')).toMatchObject({ reason: 'producer-closed' });

    const again = await lesson.recordProducer(camera, (await recorder()).receiver);
    const stopped = eventMatching<Closed>(lesson, 'recording-closed', (e) => e.consumerId === again.consumerId);
    lesson.stopRecording(again.consumerId);
    expect(await withTimeout(stopped, 2000, 'the stopped tap closing')).toMatchObject({ reason: 'closed' });

    const lessonClosed = eventMatching<Closed>(lesson, 'recording-closed', (e) => e.consumerId === cameraTap.consumerId);
    lesson.close();
    expect(await withTimeout(lessonClosed, 2000, 'the camera tap closing with the lesson')).toMatchObject({ reason: 'closed' });
  });

  it("reports 'worker-died' when the worker under the tap is killed", async () => {
    const camera = await teacherCamera();
    const tap = await lesson.recordProducer(camera, (await recorder()).receiver);
    await lesson.resumeRecording(tap.consumerId);
    const closed = eventMatching<Closed>(lesson, 'recording-closed', (e) => e.consumerId === tap.consumerId);
    const [worker] = pool.workers;
    process.kill(worker!.pid, 'SIGKILL');
    expect(await withTimeout(closed, 5000, 'the tap closing with its worker')).toMatchObject({ reason: 'worker-died' });
  });
});
