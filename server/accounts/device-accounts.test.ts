import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createOrganisationFixture, type OrganisationFixture } from '../../test/support/fixtures.js';
import { TestClient } from '../../test/support/app.js';
import { classrooms, roleGrants, users } from '../db/schema/index.js';
import { execute, type DatabaseHandle } from '../db/store.js';

/** Device accounts and people never share a name, and pairing either fully happens or leaves its code usable. */
describe('device accounts and pairing', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  const pairingCode = async (classroomId: number) => (await (await f.as('system_admin')).post(`/api/classrooms/${classroomId}/pairing-code`)).json().code as string;
  const newClassroom = async (name: string) => (await f.db.insert(classrooms).values({ schoolId: f.ids.teachingPointId, name, receiving: true }).returning())[0]!.id;

  it('refuses a person the device namespace, by hand and by CSV import', async () => {
    const admin = await f.as('system_admin');
    const byHand = await admin.post('/api/users', { username: 'Classroom-42', displayName: '冒名', password: 'a long secret', grants: [{ role: 'teacher', schoolId: f.ids.leadSchoolId }] });
    expect(byHand.statusCode).toBe(400);
    expect(byHand.json().error).toMatchObject({ code: 'username_reserved', message: expect.stringContaining('接收教室终端') });
    const csv = 'username,display_name,role\r\nclassroom-43,冒名,teacher\r\nok.teacher,好老师,teacher\r\n';
    const imported = await admin.post('/api/users/import', { schoolId: f.ids.leadSchoolId, csv });
    expect(imported.json().error.code).toBe('import_invalid');
    expect(imported.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ line: 2, column: 'username', message: expect.stringContaining('classroom-43') })]));
    expect((await f.db.select().from(users).where(eq(users.username, 'ok.teacher')))[0]).toBeUndefined();
  });

  it('pairs a classroom even when an older person account holds its device name', async () => {
    const classroomId = await newClassroom('旧账号教室');
    await f.db.insert(users).values({ username: `classroom-${classroomId}`, displayName: '历史遗留', passwordHash: null });
    const device = new TestClient(f.t.app);
    const paired = await device.post('/api/auth/pair', { code: await pairingCode(classroomId) });
    expect(paired.statusCode).toBe(200);
    expect(paired.json().user.username).toBe(`classroom-${classroomId}-2`);
    expect(paired.json().grants).toEqual([expect.objectContaining({ role: 'classroom_device', classroomId })]);
  });

  it('a pairing that fails half-way leaves the code usable', async () => {
    const classroomId = await newClassroom('半途教室');
    const code = await pairingCode(classroomId);
    // The session cannot be written (a real store failure at the last step of pairing).
    await refuseSessions(f.t.database);
    try {
      expect((await new TestClient(f.t.app).post('/api/auth/pair', { code })).statusCode).toBe(500);
    } finally {
      await acceptSessions(f.t.database);
    }
    expect(await f.db.select().from(roleGrants).where(eq(roleGrants.classroomId, classroomId))).toEqual([]);
    const retry = await new TestClient(f.t.app).post('/api/auth/pair', { code });
    expect(retry.statusCode).toBe(200);
  });
});

/** A trigger that makes the store refuse every new session, in each dialect's words. */
async function refuseSessions({ db, dialect }: DatabaseHandle): Promise<void> {
  if (dialect === 'sqlite') {
    await execute(db, sql.raw(`CREATE TRIGGER refuse_sessions BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'disk full'); END`));
    return;
  }
  await execute(db, sql.raw(`CREATE FUNCTION refuse_session() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`));
  await execute(db, sql.raw('CREATE TRIGGER refuse_sessions BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_session()'));
}

async function acceptSessions({ db, dialect }: DatabaseHandle): Promise<void> {
  if (dialect === 'sqlite') {
    await execute(db, sql.raw('DROP TRIGGER refuse_sessions'));
    return;
  }
  await execute(db, sql.raw('DROP TRIGGER refuse_sessions ON sessions'));
  await execute(db, sql.raw('DROP FUNCTION refuse_session()'));
}
