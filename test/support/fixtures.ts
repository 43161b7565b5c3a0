import { eq } from 'drizzle-orm';
import type { Role } from '../../shared/roles.js';
import { addDays, shanghaiDate } from '../../shared/time.js';
import { hashPassword } from '../../server/accounts/passwords.js';
import type { TongkeDb } from '../../server/db/store.js';
import {
  attendanceIntervals,
  classrooms,
  courseReceivers,
  courseStudents,
  courses,
  educationGroups,
  lessonSessions,
  regions,
  roleGrants,
  scheduledLessons,
  schools,
  studentProfiles,
  terms,
  timetableSlots,
  users,
} from '../../server/db/schema/index.js';
import { expandTimetable } from '../../server/teaching/schedule.js';
import type { TongkeConfig } from '../../server/config.js';
import { createTestApp, TestClient, type TestApp, type TestAppOptions } from './app.js';

/** Everyone the authorization matrix distinguishes. `student_link` is the student signed in by her course link. */
export const PRINCIPALS = [
  'anonymous',
  'system_admin',
  'region_admin',
  'other_region_admin',
  'group_admin',
  /** Admin of a second education group of the same region (it has no schools): reaches nothing of the course. */
  'other_group_admin',
  'school_admin',
  /** School admin of the independent school of the same region. */
  'other_school_admin',
  'teacher',
  'assistant_teacher',
  'student',
  'classroom_device',
  'student_link',
] as const;
export type PrincipalKey = (typeof PRINCIPALS)[number];
type AccountKey = Exclude<PrincipalKey, 'anonymous' | 'student_link'>;

/** The password of every fixture account. */
export const FIXTURE_PASSWORD = 'fixture-password';
let sharedHash: Promise<string> | undefined;
/** argon2 is slow on purpose: hash the fixture password once per test file and reuse it. */
export function fixturePasswordHash(): Promise<string> {
  sharedHash ??= hashPassword(FIXTURE_PASSWORD);
  return sharedHash;
}

export interface FixtureIds {
  regionId: number;
  otherRegionId: number;
  groupId: number;
  /** A second education group of the region, with no schools. */
  otherGroupId: number;
  /** 龙头校: hosts the course; the school admin, teacher and host classroom are here. */
  leadSchoolId: number;
  /** 教学点 in the group: the receiving classroom, assistant teacher and student are here. */
  teachingPointId: number;
  /** A school of the region in no group. */
  independentSchoolId: number;
  /** A school of the other region. */
  otherSchoolId: number;
  hostClassroomId: number;
  receivingClassroomId: number;
  otherClassroomId: number;
  termId: number;
  courseId: number;
  users: Record<AccountKey, number>;
}

export interface OrganisationFixture {
  t: TestApp;
  db: TongkeDb;
  ids: FixtureIds;
  /** A client signed in as that principal (signed in once, then reused); `anonymous` is a fresh client each time. */
  as(principal: PrincipalKey): Promise<TestClient>;
  /** A new account with one grant (same shared password), for tests that change someone. */
  addUser(username: string, role: Role, scope: Partial<Record<'regionId' | 'groupId' | 'schoolId' | 'classroomId', number>>): Promise<number>;
  close(): Promise<void>;
}

/**
 * A small county built straight into a fresh database: region 示范县 with an education group (lead school +
 * teaching point) and an independent school, a second region with one school, classrooms, one account per
 * role (and a second-region admin), a current term, and a delivered course from the lead school's host
 * classroom to the teaching point's receiving classroom with one enrolled student and a Mon/Thu timetable
 * already expanded into scheduled lessons.
 */
export async function createOrganisationFixture(options: TestAppOptions = {}, config: Partial<TongkeConfig> = {}): Promise<OrganisationFixture> {
  const t = await createTestApp(config, options);
  const db = t.database.db;
  const passwordHash = await fixturePasswordHash();

  const region = first(await db.insert(regions).values({ name: '示范县', code: 'demo' }).returning());
  const otherRegion = first(await db.insert(regions).values({ name: '邻县', code: 'other' }).returning());
  const group = first(await db.insert(educationGroups).values({ regionId: region.id, name: '城关教育集团' }).returning());
  const otherGroup = first(await db.insert(educationGroups).values({ regionId: region.id, name: '西岭教育集团' }).returning());
  const school = async (values: typeof schools.$inferInsert) => first(await db.insert(schools).values(values).returning());
  const leadSchool = await school({ regionId: region.id, groupId: group.id, name: '城关第一小学', groupRole: 'lead', locality: 'urban', stage: 'primary', studentCount: 1200 });
  await db.update(educationGroups).set({ leadSchoolId: leadSchool.id }).where(eq(educationGroups.id, group.id));
  const teachingPoint = await school({ regionId: region.id, groupId: group.id, name: '石门教学点', groupRole: 'teaching_point', locality: 'rural', stage: 'primary', studentCount: 18 });
  const independent = await school({ regionId: region.id, groupId: null, name: '河口中学', groupRole: 'member', locality: 'township', stage: 'junior', studentCount: 600 });
  const otherSchool = await school({ regionId: otherRegion.id, groupId: null, name: '邻县实验小学', groupRole: 'member', locality: 'urban', stage: 'primary', studentCount: 900 });
  const classroom = async (schoolId: number, name: string, receiving: boolean) => first(await db.insert(classrooms).values({ schoolId, name, receiving }).returning());
  const hostClassroom = await classroom(leadSchool.id, '三年级(1)班', false);
  const receivingClassroom = await classroom(teachingPoint.id, '教学点教室', true);
  const otherClassroom = await classroom(otherSchool.id, '三年级(2)班', true);

  const account = async (username: string, displayName: string, role: Role, scope: Partial<typeof roleGrants.$inferInsert>, hash: string | null = passwordHash) => {
    const user = first(await db.insert(users).values({ username, displayName, passwordHash: hash }).returning());
    await db.insert(roleGrants).values({ userId: user.id, role, ...scope });
    return user.id;
  };
  const userIds: Record<AccountKey, number> = {
    system_admin: await account('sys', '系统管理员', 'system_admin', {}),
    region_admin: await account('region', '示范县管理员', 'region_admin', { regionId: region.id }),
    other_region_admin: await account('region-other', '邻县管理员', 'region_admin', { regionId: otherRegion.id }),
    group_admin: await account('group', '集团管理员', 'group_admin', { groupId: group.id }),
    other_group_admin: await account('group-other', '西岭集团管理员', 'group_admin', { groupId: otherGroup.id }),
    school_admin: await account('school', '一小管理员', 'school_admin', { schoolId: leadSchool.id }),
    other_school_admin: await account('school-other', '河口中学管理员', 'school_admin', { schoolId: independent.id }),
    teacher: await account('teacher', '王老师', 'teacher', { schoolId: leadSchool.id }),
    assistant_teacher: await account('assistant', '李老师', 'assistant_teacher', { schoolId: teachingPoint.id }),
    student: await account('student', '小明', 'student', { schoolId: teachingPoint.id }),
    // The device account pairing would create for the classroom (pairing finds it by its grant).
    classroom_device: await account(`classroom-${receivingClassroom.id}`, '石门教学点 教学点教室', 'classroom_device', { classroomId: receivingClassroom.id }, null),
  };
  await db.insert(studentProfiles).values({ userId: userIds.student, schoolId: teachingPoint.id, grade: 3, className: '三年级', homeDelivery: false });

  const today = shanghaiDate(new Date());
  const term = first(await db.insert(terms).values({ regionId: region.id, name: '本学期', startsOn: addDays(today, -30), endsOn: addDays(today, 120) }).returning());
  const course = first(
    await db
      .insert(courses)
      .values({ termId: term.id, schoolId: leadSchool.id, name: '三年级音乐', subject: 'music', grade: 3, kind: 'delivered', leadTeacherId: userIds.teacher, hostClassroomId: hostClassroom.id })
      .returning(),
  );
  await db.insert(courseReceivers).values({ courseId: course.id, classroomId: receivingClassroom.id, assistantTeacherId: userIds.assistant_teacher, expectedStudents: 12 });
  await db.insert(courseStudents).values({ courseId: course.id, studentId: userIds.student });
  const slots = [
    first(await db.insert(timetableSlots).values({ courseId: course.id, weekday: 1, period: 2, startsAt: '09:00', endsAt: '09:40' }).returning()),
    first(await db.insert(timetableSlots).values({ courseId: course.id, weekday: 4, period: 2, startsAt: '09:00', endsAt: '09:40' }).returning()),
  ];
  const lessons = expandTimetable(slots, term).map((lesson) => ({ courseId: course.id, ...lesson }));
  if (lessons.length > 0) await db.insert(scheduledLessons).values(lessons);

  const ids: FixtureIds = {
    regionId: region.id,
    otherRegionId: otherRegion.id,
    groupId: group.id,
    otherGroupId: otherGroup.id,
    leadSchoolId: leadSchool.id,
    teachingPointId: teachingPoint.id,
    independentSchoolId: independent.id,
    otherSchoolId: otherSchool.id,
    hostClassroomId: hostClassroom.id,
    receivingClassroomId: receivingClassroom.id,
    otherClassroomId: otherClassroom.id,
    termId: term.id,
    courseId: course.id,
    users: userIds,
  };

  const clients = new Map<PrincipalKey, Promise<TestClient>>();
  const signIn = async (principal: PrincipalKey): Promise<TestClient> => {
    const client = new TestClient(t.app);
    if (principal === 'anonymous') return client;
    if (principal === 'classroom_device') {
      const admin = await as('system_admin');
      const code = (await admin.post(`/api/classrooms/${ids.receivingClassroomId}/pairing-code`)).json().code;
      await expectOk(client.post('/api/auth/pair', { code }), 'pair the classroom device');
    } else if (principal === 'student_link') {
      const teacher = await as('teacher');
      const link = await teacher.post(`/api/courses/${ids.courseId}/student-links`, { studentId: ids.users.student, validDays: 7 });
      const token = studentLinkToken(String(link.json().url));
      await expectOk(client.post('/api/auth/student-link', { token }), 'redeem the student link');
    } else {
      const username = { system_admin: 'sys', region_admin: 'region', other_region_admin: 'region-other', group_admin: 'group', other_group_admin: 'group-other', school_admin: 'school', other_school_admin: 'school-other', teacher: 'teacher', assistant_teacher: 'assistant', student: 'student' }[principal];
      await expectOk(client.login(username, FIXTURE_PASSWORD), `sign in as ${username}`);
    }
    return client;
  };
  const as = (principal: PrincipalKey): Promise<TestClient> => {
    if (principal === 'anonymous') return signIn(principal);
    let client = clients.get(principal);
    if (!client) {
      client = signIn(principal);
      clients.set(principal, client);
    }
    return client;
  };

  return {
    t,
    db,
    ids,
    as,
    async addUser(username, role, scope) {
      const user = first(await db.insert(users).values({ username, displayName: username, passwordHash: await fixturePasswordHash() }).returning());
      await db.insert(roleGrants).values({ userId: user.id, role, ...scope });
      return user.id;
    },
    close: () => t.close(),
  };
}

/** A site of a recorded lesson: who was there, and from which classroom and school. */
export interface RecordedSite {
  participantId: string;
  userId: number;
  siteKind: 'host' | 'receiving_classroom' | 'student';
  classroomId: number | null;
  schoolId: number;
}

/**
 * A finished 40-minute lesson of the fixture course, as a live lesson leaves it: the session, ended by the
 * teacher, and each site present from start to end. Returns the lesson session id; the caller adds any
 * other evidence and refreshes the roll-ups.
 */
export async function recordFinishedLesson(f: OrganisationFixture, startedAt: Date, sites: readonly RecordedSite[]): Promise<number> {
  const { db, ids } = f;
  const endedAt = new Date(startedAt.getTime() + 40 * 60_000);
  const lessonSessionId = first(
    await db
      .insert(lessonSessions)
      .values({ courseId: ids.courseId, startedBy: ids.users.teacher, startedAt, endedAt, endedBy: ids.users.teacher, endReason: 'ended_by_teacher', lastHeartbeatAt: endedAt })
      .returning(),
  ).id;
  for (const site of sites) {
    await db
      .insert(attendanceIntervals)
      .values({ lessonSessionId, ...site, regionId: ids.regionId, joinedAt: startedAt, leftAt: endedAt, leaveReason: 'lesson_ended', lastHeartbeatAt: endedAt });
  }
  return lessonSessionId;
}

/** The one row an insert returned. */
function first<T>(rows: readonly T[]): T {
  const [row] = rows;
  if (row === undefined) throw new Error('the insert returned no row');
  return row;
}

async function expectOk(response: Promise<{ statusCode: number; body: string }>, what: string): Promise<void> {
  const res = await response;
  if (res.statusCode !== 200) throw new Error(`fixture could not ${what}: ${res.statusCode} ${res.body}`);
}

/** The token of a student link URL (`…/join#t=<token>`: in the fragment, which browsers never send). */
export function studentLinkToken(url: string): string {
  return new URLSearchParams(new URL(url).hash.slice(1)).get('t') ?? '';
}
