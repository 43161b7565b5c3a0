/**
 * One lesson on more than one worker: real workers, real VP8 RTP on loopback, through mediasoup's pipes.
 * The threshold is set to two consumers a worker so that a handful of receivers shows the growth.
 */
import type dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';

import { MediaWorkerPool, type LessonMedia, type LessonMediaEvents } from './index.js';
import { plainReceiver, plainRtpCapabilities, plainSender, recordingLogger, totalReceived, vp8Parameters, type PlainReceiver } from './testing/lesson.js';
import { LOOPBACK, delay, eventMatching, simulcastFrame, startSending, withTimeout } from './testing/rtp.js';

const CAMERA_SSRCS = [0x200, 0x201, 0x202];

describe('a lesson that outgrows one worker', () => {
  let pool: MediaWorkerPool | undefined;
  const sockets: dgram.Socket[] = [];
  const stops: Array<() => void> = [];

  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    pool?.close();
    for (const socket of sockets.splice(0)) socket.close();
  });

  async function poolOf(workerCount: number): Promise<MediaWorkerPool> {
    pool = await MediaWorkerPool.create({
      workerCount,
      rtcMinPort: 55000,
      rtcMaxPort: 55099,
      listenIp: LOOPBACK,
      announcedIp: '',
      webRtcServerPort: 55150,
      consumersPerWorker: 2,
      logger: recordingLogger([]),
    });
    return pool;
  }

  /** The teacher's camera (three layers, 25 fps) and `count` receivers each consuming it with a 720p tile. */
  async function cameraTo(lesson: LessonMedia, count: number): Promise<{ producerId: string; receivers: Array<{ receiver: PlainReceiver; consumerId: string; participantId: string }> }> {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    const producerId = await lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'video', source: 'camera', rtpParameters: vp8Parameters(CAMERA_SSRCS) });
    stops.push(startSending(teacher.socket, teacher.port, 40, (i) => simulcastFrame(CAMERA_SSRCS, i)));
    const receivers = [];
    for (let i = 0; i < count; i++) {
      const participantId = `classroom-${i}`;
      const receiver = await plainReceiver(lesson, participantId, sockets);
      const consumer = await lesson.consume(participantId, { producerId, rtpCapabilities: plainRtpCapabilities(lesson.rtpCapabilities) });
      await lesson.setTile(participantId, consumer.id, { width: 1280, height: 720, visible: true });
      await lesson.resumeConsumer(participantId, consumer.id);
      receivers.push({ receiver, consumerId: consumer.id, participantId });
    }
    return { producerId, receivers };
  }

  it('puts later receivers on a router of the other worker, and every receiver gets the camera through the pipe', async () => {
    const media = await poolOf(2);
    const lesson = await media.createLessonMedia({ lessonId: 'big-lesson' });
    const { producerId, receivers } = await cameraTo(lesson, 5);

    // Two consumers a worker: the first two at home, the next two on the other worker, the fifth where
    // there is least (both full: home).
    expect(media.workers.map((w) => w.consumerCount).sort()).toEqual([2, 3]);
    expect(media.workers.map((w) => w.lessonCount)).toEqual([1, 1]);
    await withTimeout(
      (async () => {
        while (!receivers.every(({ receiver }) => totalReceived(receiver) > 20)) await delay(50);
      })(),
      5000,
      'the camera at every receiver',
    );

    // Pausing the camera reaches the consumers behind the pipe too.
    await lesson.pauseProducer('lead-teacher', producerId);
    await withTimeout(
      (async () => {
        while (!receivers.every(({ participantId, consumerId }) => lesson.consumerState(participantId, consumerId).producerPaused)) await delay(20);
      })(),
      3000,
      'every consumer to see the camera paused',
    );

    // Closing it ends every consumer, on both workers, as closed with its producer.
    const closed = receivers.map(({ consumerId }) =>
      eventMatching<LessonMediaEvents['consumer-closed'][0]>(lesson, 'consumer-closed', (e) => e.consumerId === consumerId && e.reason === 'producer-closed'),
    );
    lesson.closeProducer('lead-teacher', producerId);
    await withTimeout(Promise.all(closed), 3000, 'every consumer closed with the camera');
    expect(media.workers.map((w) => w.consumerCount)).toEqual([0, 0]);

    lesson.close();
    expect(media.workers.map((w) => w.lessonCount)).toEqual([0, 0]);
    expect(media.workers.map((w) => w.routerCount)).toEqual([0, 0]);
  });

  it('ends the lesson media as worker-died when the worker it grew onto dies, and the pool names the lesson', async () => {
    const media = await poolOf(2);
    const lesson = await media.createLessonMedia({ lessonId: 'grown-lesson' });
    await cameraTo(lesson, 3);
    const home = media.workers.find((w) => w.consumerCount === 2)!;
    const other = media.workers.find((w) => w.index !== home.index)!;
    const lost = eventMatching<LessonMediaEvents['closed'][0]>(lesson, 'closed', (e) => e.reason === 'worker-died');
    const died = new Promise<{ lessonIds: string[] }>((resolve) => media.once('worker-died', resolve));
    process.kill(other.pid, 'SIGKILL');
    await withTimeout(lost, 5000, 'the lesson media to end');
    expect((await withTimeout(died, 5000, 'the pool to report the death')).lessonIds).toEqual(['grown-lesson']);
    // Home is alive and holds nothing of the lesson any more.
    const homeNow = media.workers.find((w) => w.index === home.index)!;
    expect(homeNow).toMatchObject({ alive: true, lessonCount: 0, consumerCount: 0, routerCount: 0 });
  });

  it('stays on its one worker when the pool has no other, however many receivers come', async () => {
    const media = await poolOf(1);
    const lesson = await media.createLessonMedia({ lessonId: 'one-worker-lesson' });
    const { receivers } = await cameraTo(lesson, 4);
    expect(media.workers).toMatchObject([{ consumerCount: 4, routerCount: 1, lessonCount: 1 }]);
    await withTimeout(
      (async () => {
        while (!receivers.every(({ receiver }) => totalReceived(receiver) > 20)) await delay(50);
      })(),
      5000,
      'the camera at every receiver',
    );
  });
});
