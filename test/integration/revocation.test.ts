import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PASSWORD, createOrganisationFixture, studentLinkToken, type OrganisationFixture } from '../support/fixtures.js';
import { TestClient } from '../support/app.js';
import { LessonSocket } from '../support/lesson-socket.js';

/**
 * Ending a session ends what runs on it: for each way a session ends, a site in a live lesson (real Socket.IO,
 * real mediasoup worker) leaves the lesson as "removed", its socket closes, and the old cookie cannot open a
 * new one. The lesson itself goes on for the others.
 */
describe('revocation reaches live lesson sockets', () => {
  let f: OrganisationFixture;
  let baseUrl: string;
  let teacher: LessonSocket;
  const sockets: LessonSocket[] = [];

  const open = async (cookie: string) => {
    const socket = new LessonSocket(baseUrl, cookie);
    sockets.push(socket);
    await socket.connected();
    return socket;
  };
  const join = (socket: LessonSocket) => socket.joinLesson(f.ids.courseId);
  /** A new account of the region (it observes the lesson), signed in on its own client. */
  const observer = async (username: string) => {
    const id = await f.addUser(username, 'region_admin', { regionId: f.ids.regionId });
    const client = new TestClient(f.t.app);
    expect((await client.login(username, FIXTURE_PASSWORD)).statusCode).toBe(200);
    return { id, client };
  };
  const disconnected = (socket: LessonSocket) =>
    new Promise<void>((resolve, reject) => {
      if (socket.socket.disconnected) return resolve();
      const timer = setTimeout(() => reject(new Error('socket still connected 1 s after its session ended')), 1_000);
      socket.socket.once('disconnect', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  /** Joins with the cookie, runs `revoke`, and checks the site was removed within a second and cannot come back on that session. */
  const expectRemovedBy = async (cookie: string, revoke: () => Promise<unknown>) => {
    const site = await open(cookie);
    const before = teacher.received.length;
    const { participantId, snapshot } = await join(site);
    // An admin of the region observes: the teacher sees her only in the observers' count, not in her list.
    const observing = snapshot.participants.find((p) => p.id === participantId)?.kind === 'observer' ? await observersAfter(before, () => true) : null;
    const gone = disconnected(site);
    await revoke();
    await gone;
    expect(site.received).toContainEqual({ event: 'moderation:applied', payload: { action: 'removed' } });
    if (observing) await observersAfter(observing.index + 1, (count) => count === observing.count - 1);
    else await teacher.nextParticipant('left', (p) => p.participantId === participantId && p.reason === 'removed', 1_000);
    const again = new LessonSocket(baseUrl, cookie);
    sockets.push(again);
    await expect(again.connected()).rejects.toThrow('unauthenticated');
    // The lesson goes on for the others.
    expect(teacher.socket.connected).toBe(true);
  };

  /** The first `observers:changed` the teacher heard from her `from`-th event on whose count matches (within a second). */
  const observersAfter = async (from: number, match: (count: number) => boolean) => {
    const deadline = Date.now() + 1_000;
    for (;;) {
      const index = teacher.received.findIndex((r, i) => i >= from && r.event === 'observers:changed' && match((r.payload as { count: number }).count));
      if (index >= 0) return { index, count: (teacher.received[index]!.payload as { count: number }).count };
      if (Date.now() > deadline) throw new Error('the teacher was not told how many observe');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true });
    baseUrl = f.t.baseUrl!;
    teacher = await open((await f.as('teacher')).cookieHeader());
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await join(teacher);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('sign-out; signed in again, the same person may rejoin', async () => {
    const { client } = await observer('rev-signout');
    await expectRemovedBy(client.cookieHeader(), () => client.post('/api/auth/logout'));
    expect((await client.login('rev-signout', FIXTURE_PASSWORD)).statusCode).toBe(200);
    const back = await open(client.cookieHeader());
    expect((await join(back)).resumed).toBe(false);
  });

  it('deactivation', async () => {
    const { id, client } = await observer('rev-deactivated');
    const admin = await f.as('system_admin');
    await expectRemovedBy(client.cookieHeader(), async () => expect((await admin.patch(`/api/users/${id}`, { active: false })).statusCode).toBe(200));
  });

  it('password reset by an administrator', async () => {
    const { id, client } = await observer('rev-password');
    const admin = await f.as('system_admin');
    await expectRemovedBy(client.cookieHeader(), async () => expect((await admin.patch(`/api/users/${id}`, { password: 'a-new-password' })).statusCode).toBe(200));
  });

  it('role change: a grant added, and a grant removed', async () => {
    const admin = await f.as('system_admin');
    const added = await observer('rev-grant-added');
    await expectRemovedBy(added.client.cookieHeader(), async () =>
      expect((await admin.post(`/api/users/${added.id}/grants`, { role: 'teacher', schoolId: f.ids.leadSchoolId })).statusCode).toBe(201),
    );
    const removed = await observer('rev-grant-removed');
    const extra = await admin.post(`/api/users/${removed.id}/grants`, { role: 'teacher', schoolId: f.ids.leadSchoolId });
    const grantId = (extra.json() as { grants: Array<{ id: number; role: string }> }).grants.find((g) => g.role === 'teacher')?.id;
    expect((await removed.client.login('rev-grant-removed', FIXTURE_PASSWORD)).statusCode).toBe(200);
    await expectRemovedBy(removed.client.cookieHeader(), async () => expect((await admin.delete(`/api/users/${removed.id}/grants/${grantId}`)).statusCode).toBe(200));
  });

  it('device unpairing', async () => {
    const device = await f.as('classroom_device');
    const admin = await f.as('system_admin');
    await expectRemovedBy(device.cookieHeader(), async () => expect((await admin.delete(`/api/classrooms/${f.ids.receivingClassroomId}/device`)).statusCode).toBe(200));
  });

  it('a revoked student link: its session ends and the link no longer signs in', async () => {
    const teacherClient = await f.as('teacher');
    const issued = await teacherClient.post(`/api/courses/${f.ids.courseId}/student-links`, { studentId: f.ids.users.student, validDays: 7 });
    const token = studentLinkToken(String(issued.json().url));
    const student = new TestClient(f.t.app);
    expect((await student.post('/api/auth/student-link', { token })).statusCode).toBe(200);
    const listed = (await teacherClient.get(`/api/courses/${f.ids.courseId}/student-links`)).json() as { links: Array<{ id: number; revokedAt: string | null }> };
    const link = listed.links[0]!;
    expect(link.revokedAt).toBeNull();
    await expectRemovedBy(student.cookieHeader(), async () => expect((await teacherClient.delete(`/api/courses/${f.ids.courseId}/student-links/${link.id}`)).statusCode).toBe(200));
    const retry = await new TestClient(f.t.app).post('/api/auth/student-link', { token });
    expect(retry.json().error.code).toBe('link_invalid');
  });
});
