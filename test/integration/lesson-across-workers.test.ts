import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courseStudents } from '../../server/db/schema/index.js';
import { TestClient } from '../support/app.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, type OrganisationFixture } from '../support/fixtures.js';
import { LessonSocket } from '../support/lesson-socket.js';

const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 11111111 }] };
const VP8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 22222222 }, { ssrc: 22222223 }] };

/**
 * A lesson whose receivers outgrow one media worker goes on with its next receivers on another worker of
 * the node (TONGKE_MEDIA_CONSUMERS_PER_WORKER, here 2 so that three students show it): real Socket.IO, two
 * real mediasoup workers, each with its own WebRtcServer port.
 */
describe('a lesson across two media workers (real Socket.IO, two real workers)', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true, mediaWorkers: 2 }, { mediaConsumersPerWorker: 2, loginRateLimit: 1_000 });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  const connect = async (cookie: string) => {
    const socket = new LessonSocket(f.t.baseUrl!, cookie);
    sockets.push(socket);
    await socket.connected();
    return socket;
  };

  it("gives the students past one worker's share a transport on the other worker's port, and every consumer resumes", async () => {
    const teacher = await connect((await f.as('teacher')).cookieHeader());
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await teacher.joinLesson(f.ids.courseId);
    const send = await teacher.request('transport:create', { direction: 'send' });
    await teacher.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS });
    await teacher.request('producer:create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: VP8 });
    const pool = f.t.media!;
    const home = pool.workers.find((w) => w.lessonCount === 1)!;
    const other = pool.workers.find((w) => w.index !== home.index)!;

    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const userId = await f.addUser(`span-student-${i}`, 'student', { schoolId: f.ids.teachingPointId });
      await f.db.insert(courseStudents).values({ courseId: f.ids.courseId, studentId: userId });
      const client = new TestClient(f.t.app);
      expect((await client.login(`span-student-${i}`, FIXTURE_PASSWORD)).statusCode).toBe(200);
      const student = await connect(client.cookieHeader());
      const joined = await student.joinLesson(f.ids.courseId, { receive: true });
      const { transport, consumers } = joined.receiving!;
      expect(consumers).toHaveLength(2);
      // The transport's options travel as the protocol's opaque object: its ICE candidates name the port.
      const candidates = (transport as { iceCandidates: Array<{ port: number }> }).iceCandidates;
      ports.push(...new Set(candidates.map((c) => c.port)));
      await student.request('consumers:resume', { consumerIds: consumers.map((c) => c.id) });
    }

    // Two consumers a worker: the first student at home, the second on the other worker, the third where
    // there is least (both full, no third worker: home).
    expect(ports).toEqual([home.webRtcServerPort, other.webRtcServerPort, home.webRtcServerPort]);
    const now = (index: number) => pool.workers.find((w) => w.index === index)!;
    expect(now(home.index)).toMatchObject({ consumerCount: 4, lessonCount: 1 });
    expect(now(other.index)).toMatchObject({ consumerCount: 2, lessonCount: 1 });

    await teacher.request('lesson:end', {});
    // Ending is acknowledged first and done on the next turn.
    for (let waited = 0; waited < 5000 && pool.workers.some((w) => w.lessonCount > 0); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pool.workers.map((w) => [w.lessonCount, w.consumerCount, w.routerCount])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});
