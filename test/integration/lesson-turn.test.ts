import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnCredential } from '../../server/lessons/turn-credentials.js';
import { createOrganisationFixture, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import { LessonSocket } from '../support/lesson-socket.js';

const SECRET = 'the-county-relays-secret';
const TURN_URLS = 'turns:turn.example.edu.cn:443?transport=tcp,turn:turn.example.edu.cn:3478';

/**
 * The join ack gives each site its own time-limited TURN credential for the configured relay (real worker,
 * real Socket.IO): user name `<expiry>:<userId>`, the HMAC coturn checks, valid TONGKE_TURN_CREDENTIAL_SECONDS.
 */
describe('TURN credentials in the join ack', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];
  const connect = async (principal: PrincipalKey) => {
    const socket = new LessonSocket(f.t.baseUrl!, (await f.as(principal)).cookieHeader());
    sockets.push(socket);
    await socket.connected();
    return socket;
  };

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true, mediaWorkers: 1 }, { turnUrls: TURN_URLS, turnSecret: SECRET, turnCredentialSeconds: 3600 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await f?.close();
  });

  it('gives the teacher and each classroom a credential of their own that expires an hour after the join', async () => {
    const teacher = await connect('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    const before = Math.floor(Date.now() / 1000);
    const joins = { teacher: await teacher.joinLesson(f.ids.courseId), classroom_device: await (await connect('classroom_device')).joinLesson(f.ids.courseId) };
    const after = Math.floor(Date.now() / 1000);
    for (const [who, joined] of Object.entries(joins) as Array<[keyof typeof joins, (typeof joins)['teacher']]>) {
      const [server, ...more] = joined.iceServers;
      expect(more).toEqual([]);
      expect(server?.urls).toEqual(TURN_URLS.split(','));
      const [expiry, userId] = (server?.username ?? '').split(':').map(Number);
      expect(userId).toBe(f.ids.users[who]);
      expect(expiry).toBeGreaterThanOrEqual(before + 3600);
      expect(expiry).toBeLessThanOrEqual(after + 3600);
      expect(server?.credential).toBe(turnCredential(SECRET, userId!, new Date((expiry! - 3600) * 1000), 3600).credential);
    }
  });
});
