import { classrooms, courseReceivers, courseStudents, courses, educationGroups, schools, studentProfiles, terms } from '../../server/db/schema/index.js';
import { PRINCIPALS, type OrganisationFixture, type PrincipalKey } from './fixtures.js';

/*
 * The authorization matrix's vocabulary (test/integration/authz-matrix.test.ts): a case per route, the
 * principal sets it allows, and the cases that send ids out of the caller's reach in bodies.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface Call {
  method: Method;
  url: string;
  body?: unknown;
  /** Headers of its own (an upload of raw bytes says `content-type: application/octet-stream`). */
  headers?: Record<string, string>;
}
export interface RouteCase {
  route: string;
  /** Builds the request; `n` is unique per case (for names), and setup may create what the case changes. */
  call(f: OrganisationFixture, n: number): Call | Promise<Call>;
  allowed: readonly PrincipalKey[];
  /** What the allowed principals get (default 200); 400 for a body that is refused whoever sends it. */
  success?: 200 | 201 | 204 | 400;
}

export const ADMINS: readonly PrincipalKey[] = ['system_admin', 'region_admin', 'other_region_admin', 'group_admin', 'other_group_admin', 'school_admin', 'other_school_admin'];
export const OUTSIDERS: readonly PrincipalKey[] = ['other_region_admin', 'other_group_admin', 'other_school_admin'];
/** Those who may administer the other region (a body naming something there). */
export const OTHER_REGION_MANAGERS: readonly PrincipalKey[] = ['system_admin', 'other_region_admin'];
export const REGION_MANAGERS: readonly PrincipalKey[] = ['system_admin', 'region_admin'];
export const GROUP_MANAGERS: readonly PrincipalKey[] = ['system_admin', 'region_admin', 'group_admin'];
/** Admins covering the lead school (which hosts the course). */
export const LEAD_SCHOOL_MANAGERS: readonly PrincipalKey[] = ['system_admin', 'region_admin', 'group_admin', 'school_admin'];
export const SIGNED_IN: readonly PrincipalKey[] = PRINCIPALS.filter((p) => p !== 'anonymous');
export const COURSE_READERS: readonly PrincipalKey[] = SIGNED_IN.filter((p) => !OUTSIDERS.includes(p));

export const LESSON_REPORT_READERS: readonly PrincipalKey[] = [...LEAD_SCHOOL_MANAGERS, 'teacher', 'assistant_teacher', 'student', 'classroom_device'];

/**
 * Things of the same region that the lead school's and the group's admins do not administer (the
 * independent school's receiving classroom, teacher and student, and a second assistant at the teaching
 * point), made once per fixture: bodies naming them test scope on ids, not on routes.
 */
interface OutOfReach {
  /**
   * A second teacher of the lead school, who leads the courses these cases make, so that they do not
   * change what the fixture's teacher may read (the cases run in any order).
   */
  leadSchoolTeacherId: number;
  classroomId: number;
  teacherId: number;
  studentId: number;
  teachingPointAssistantId: number;
}
const outOfReachMade = new WeakMap<OrganisationFixture, Promise<OutOfReach>>();
function outOfReach(f: OrganisationFixture): Promise<OutOfReach> {
  let made = outOfReachMade.get(f);
  if (!made) {
    made = (async () => {
      const classroomId = (await f.db.insert(classrooms).values({ schoolId: f.ids.independentSchoolId, name: '河口中学录播教室', receiving: true }).returning())[0]!.id;
      const teacherId = await f.addUser('hekou.teacher', 'teacher', { schoolId: f.ids.independentSchoolId });
      const studentId = await addStudent(f, 'hekou.student', f.ids.independentSchoolId);
      const teachingPointAssistantId = await f.addUser('shimen.assistant2', 'assistant_teacher', { schoolId: f.ids.teachingPointId });
      const leadSchoolTeacherId = await f.addUser('chengguan.teacher2', 'teacher', { schoolId: f.ids.leadSchoolId });
      return { leadSchoolTeacherId, classroomId, teacherId, studentId, teachingPointAssistantId };
    })();
    outOfReachMade.set(f, made);
  }
  return made;
}

export async function addStudent(f: OrganisationFixture, username: string, schoolId: number): Promise<number> {
  const id = await f.addUser(username, 'student', { schoolId });
  await f.db.insert(studentProfiles).values({ userId: id, schoolId, grade: 3, className: '三年级', homeDelivery: false });
  return id;
}

/** A course like the fixture's (lead school → teaching point, one student), for a case that edits it. */
async function freshCourse(f: OrganisationFixture, n: number): Promise<number> {
  const { leadSchoolTeacherId } = await outOfReach(f);
  const [course] = await f.db
    .insert(courses)
    .values({ termId: f.ids.termId, schoolId: f.ids.leadSchoolId, name: `编辑课程${n}`, subject: 'art', grade: 3, kind: 'delivered', leadTeacherId: leadSchoolTeacherId, hostClassroomId: f.ids.hostClassroomId })
    .returning();
  const id = course!.id;
  await f.db.insert(courseReceivers).values({ courseId: id, classroomId: f.ids.receivingClassroomId, assistantTeacherId: f.ids.users.assistant_teacher, expectedStudents: 12 });
  await f.db.insert(courseStudents).values({ courseId: id, studentId: f.ids.users.student });
  return id;
}

const fixtureReceiver = (f: OrganisationFixture) => ({ classroomId: f.ids.receivingClassroomId, assistantTeacherId: f.ids.users.assistant_teacher, expectedStudents: 12 });

/** A course body hosted in the lead school's host classroom, with the fixture's receiver and student unless overridden. */
export const courseBody = (f: OrganisationFixture, n: number, overrides: Record<string, unknown> = {}) => ({
  termId: f.ids.termId,
  schoolId: f.ids.leadSchoolId,
  name: `课程${n}`,
  subject: 'music',
  grade: 3,
  kind: 'delivered',
  leadTeacherId: f.ids.users.teacher,
  hostClassroomId: f.ids.hostClassroomId,
  receivers: [fixtureReceiver(f)],
  studentIds: [f.ids.users.student],
  ...overrides,
});

/** One case per id field a write takes: each names something the lead school's or the group's admins do not administer. */
export const OUT_OF_REACH_CASES: RouteCase[] = [
  {
    route: 'POST /api/courses (receiver: the independent school classroom)',
    call: async (f, n) => ({ method: 'POST', url: '/api/courses', body: courseBody(f, n, { leadTeacherId: (await outOfReach(f)).leadSchoolTeacherId, receivers: [{ classroomId: (await outOfReach(f)).classroomId, assistantTeacherId: null, expectedStudents: 30 }], studentIds: [] }) }),
    allowed: REGION_MANAGERS,
    success: 201,
  },
  {
    route: 'POST /api/courses (lead teacher: the independent school teacher)',
    call: async (f, n) => ({ method: 'POST', url: '/api/courses', body: courseBody(f, n, { leadTeacherId: (await outOfReach(f)).teacherId, receivers: [], studentIds: [] }) }),
    allowed: REGION_MANAGERS,
    success: 201,
  },
  {
    route: 'POST /api/courses (student: the independent school student)',
    call: async (f, n) => ({ method: 'POST', url: '/api/courses', body: courseBody(f, n, { leadTeacherId: (await outOfReach(f)).leadSchoolTeacherId, receivers: [], studentIds: [(await outOfReach(f)).studentId] }) }),
    allowed: REGION_MANAGERS,
    success: 201,
  },
  {
    route: 'POST /api/courses (host school: the independent school)',
    call: async (f, n) => ({
      method: 'POST',
      url: '/api/courses',
      body: courseBody(f, n, { schoolId: f.ids.independentSchoolId, leadTeacherId: (await outOfReach(f)).teacherId, hostClassroomId: null, receivers: [], studentIds: [] }),
    }),
    allowed: [...REGION_MANAGERS, 'other_school_admin'],
    success: 201,
  },
  {
    route: 'PATCH /api/courses/:id (adds the independent school classroom)',
    call: async (f, n) => ({
      method: 'PATCH',
      url: `/api/courses/${await freshCourse(f, n)}`,
      body: { receivers: [fixtureReceiver(f), { classroomId: (await outOfReach(f)).classroomId, assistantTeacherId: null, expectedStudents: 30 }] },
    }),
    allowed: REGION_MANAGERS,
  },
  {
    route: 'PATCH /api/courses/:id (another assistant at the teaching point)',
    call: async (f, n) => ({
      method: 'PATCH',
      url: `/api/courses/${await freshCourse(f, n)}`,
      body: { receivers: [{ ...fixtureReceiver(f), assistantTeacherId: (await outOfReach(f)).teachingPointAssistantId }] },
    }),
    allowed: GROUP_MANAGERS,
  },
  {
    route: 'PATCH /api/courses/:id (enrols the independent school student)',
    call: async (f, n) => ({ method: 'PATCH', url: `/api/courses/${await freshCourse(f, n)}`, body: { studentIds: [f.ids.users.student, (await outOfReach(f)).studentId] } }),
    allowed: REGION_MANAGERS,
  },
  {
    route: 'PATCH /api/courses/:id (lead teacher: the independent school teacher)',
    call: async (f, n) => ({ method: 'PATCH', url: `/api/courses/${await freshCourse(f, n)}`, body: { leadTeacherId: (await outOfReach(f)).teacherId } }),
    allowed: REGION_MANAGERS,
  },
  {
    // What a wider admin put on the course stays when the host school's admin edits it.
    route: 'PATCH /api/courses/:id (keeps the receiver and students the group assigned)',
    call: async (f, n) => ({ method: 'PATCH', url: `/api/courses/${await freshCourse(f, n)}`, body: { receivers: [{ ...fixtureReceiver(f), expectedStudents: 15 }], studentIds: [f.ids.users.student] } }),
    allowed: LEAD_SCHOOL_MANAGERS,
  },
  {
    route: 'PATCH /api/courses/:id (moves it to the independent school)',
    call: async (f, n) => ({ method: 'PATCH', url: `/api/courses/${await freshCourse(f, n)}`, body: { schoolId: f.ids.independentSchoolId, hostClassroomId: null, receivers: [], studentIds: [] } }),
    allowed: REGION_MANAGERS,
  },
  {
    route: 'POST /api/courses/:id/student-links (a student not enrolled)',
    call: async (f) => ({ method: 'POST', url: `/api/courses/${f.ids.courseId}/student-links`, body: { studentId: (await outOfReach(f)).studentId, validDays: 7 } }),
    allowed: [...LEAD_SCHOOL_MANAGERS, 'teacher'],
    success: 400,
  },
  {
    // Structural refusals (400) for those allowed to write at all, 403 for everyone else: nothing outside the unit is reachable.
    route: 'POST /api/courses (term of another region)',
    call: async (f, n) => {
      const term = (await f.db.insert(terms).values({ regionId: f.ids.otherRegionId, name: `邻县学期 ${n}`, startsOn: '2027-02-22', endsOn: '2027-07-09' }).returning())[0]!;
      return { method: 'POST', url: '/api/courses', body: courseBody(f, n, { termId: term.id, receivers: [], studentIds: [] }) };
    },
    allowed: LEAD_SCHOOL_MANAGERS,
    success: 400,
  },
  {
    route: "POST /api/courses (host classroom: the teaching point's)",
    call: (f, n) => ({ method: 'POST', url: '/api/courses', body: courseBody(f, n, { hostClassroomId: f.ids.receivingClassroomId, receivers: [], studentIds: [] }) }),
    allowed: LEAD_SCHOOL_MANAGERS,
    success: 400,
  },
  {
    route: 'POST /api/groups (lead school of another region)',
    call: (f, n) => ({ method: 'POST', url: '/api/groups', body: { regionId: f.ids.otherRegionId, name: `抢校集团${n}`, leadSchoolId: f.ids.leadSchoolId } }),
    allowed: OTHER_REGION_MANAGERS,
    success: 400,
  },
  {
    route: 'PATCH /api/groups/:id (lead school of another region)',
    call: async (f, n) => {
      const group = (await f.db.insert(educationGroups).values({ regionId: f.ids.regionId, name: `新集团${n}` }).returning())[0]!;
      return { method: 'PATCH', url: `/api/groups/${group.id}`, body: { leadSchoolId: f.ids.otherSchoolId } };
    },
    allowed: REGION_MANAGERS,
    success: 400,
  },
  {
    route: 'POST /api/schools (another region)',
    call: (f, n) => ({
      method: 'POST',
      url: '/api/schools',
      body: { regionId: f.ids.otherRegionId, name: `邻县小学${n}`, groupRole: 'member', locality: 'urban', stage: 'primary', studentCount: 300 },
    }),
    allowed: OTHER_REGION_MANAGERS,
    success: 201,
  },
  { route: 'POST /api/groups (another region)', call: (f, n) => ({ method: 'POST', url: '/api/groups', body: { regionId: f.ids.otherRegionId, name: `邻县集团${n}` } }), allowed: OTHER_REGION_MANAGERS, success: 201 },
  {
    route: 'POST /api/schools (another group)',
    call: (f, n) => ({
      method: 'POST',
      url: '/api/schools',
      body: { regionId: f.ids.regionId, groupId: f.ids.otherGroupId, name: `西岭小学${n}`, groupRole: 'member', locality: 'rural', stage: 'primary', studentCount: 80 },
    }),
    allowed: [...REGION_MANAGERS, 'other_group_admin'],
    success: 201,
  },
  {
    route: 'PATCH /api/schools/:id (moves it to another group)',
    call: async (f, n) => {
      const school = (await f.db.insert(schools).values({ regionId: f.ids.regionId, groupId: f.ids.groupId, name: `迁出小学${n}`, groupRole: 'member', locality: 'rural', stage: 'primary', studentCount: 50 }).returning())[0]!;
      return { method: 'PATCH', url: `/api/schools/${school.id}`, body: { groupId: f.ids.otherGroupId } };
    },
    allowed: REGION_MANAGERS,
  },
  { route: 'POST /api/classrooms (teaching point)', call: (f, n) => ({ method: 'POST', url: '/api/classrooms', body: { schoolId: f.ids.teachingPointId, name: `教学点教室${n}` } }), allowed: GROUP_MANAGERS, success: 201 },
  { route: 'POST /api/classrooms (another region)', call: (f, n) => ({ method: 'POST', url: '/api/classrooms', body: { schoolId: f.ids.otherSchoolId, name: `邻县教室${n}` } }), allowed: OTHER_REGION_MANAGERS, success: 201 },
  {
    route: 'POST /api/users (a grant at the teaching point)',
    call: (f, n) => ({ method: 'POST', url: '/api/users', body: { username: `tp.${n}`, displayName: `教学点教师${n}`, grants: [{ role: 'assistant_teacher', schoolId: f.ids.teachingPointId }] } }),
    allowed: GROUP_MANAGERS,
    success: 201,
  },
  {
    route: 'POST /api/users/:id/grants (at the independent school)',
    call: async (f, n) => ({
      method: 'POST',
      url: `/api/users/${await f.addUser(`twoschools.${n}`, 'teacher', { schoolId: f.ids.leadSchoolId })}/grants`,
      body: { role: 'teacher', schoolId: f.ids.independentSchoolId },
    }),
    allowed: REGION_MANAGERS,
    success: 201,
  },
  {
    route: 'PATCH /api/users/:id (moves a student to the independent school)',
    call: async (f, n) => ({
      method: 'PATCH',
      url: `/api/users/${await addStudent(f, `mover.${n}`, f.ids.teachingPointId)}`,
      body: { student: { schoolId: f.ids.independentSchoolId, grade: 3, className: '三年级', homeDelivery: false } },
    }),
    allowed: REGION_MANAGERS,
  },
  {
    route: 'POST /api/users/import (the independent school)',
    call: (f, n) => ({ method: 'POST', url: '/api/users/import', body: { schoolId: f.ids.independentSchoolId, csv: `username,display_name,role,grade\nhekou.${n},学生${n},student,3\n` } }),
    allowed: [...REGION_MANAGERS, 'other_school_admin'],
  },
  {
    route: 'POST /api/terms (another region)',
    call: (f, n) => ({ method: 'POST', url: '/api/terms', body: { regionId: f.ids.otherRegionId, name: `邻县学期${n}`, startsOn: '2027-02-22', endsOn: '2027-07-09' } }),
    allowed: OTHER_REGION_MANAGERS,
    success: 201,
  },
  { route: 'GET /api/reports/usage (another region)', call: (f) => ({ method: 'GET', url: `/api/reports/usage?scope=region&id=${f.ids.otherRegionId}` }), allowed: OTHER_REGION_MANAGERS },
  { route: 'GET /api/reports/indicators (another region)', call: (f) => ({ method: 'GET', url: `/api/reports/indicators?regionId=${f.ids.otherRegionId}` }), allowed: OTHER_REGION_MANAGERS },
  { route: 'GET /api/regions/:id/targets (another region)', call: (f) => ({ method: 'GET', url: `/api/regions/${f.ids.otherRegionId}/targets` }), allowed: OTHER_REGION_MANAGERS },
  {
    route: 'GET /api/evaluation/regions/:regionId/preview (another region)',
    call: async (f, n) => {
      const [term] = await f.db.insert(terms).values({ regionId: f.ids.otherRegionId, name: `邻县评估学期${n}`, startsOn: '2020-02-17', endsOn: '2020-07-03' }).returning();
      return { method: 'GET', url: `/api/evaluation/regions/${f.ids.otherRegionId}/preview?termId=${term!.id}` };
    },
    allowed: OTHER_REGION_MANAGERS,
  },
  {
    route: 'POST /api/evaluation/regions/:regionId/submissions (a term of another region)',
    call: async (f, n) => {
      const [term] = await f.db.insert(terms).values({ regionId: f.ids.otherRegionId, name: `邻县提交学期${n}`, startsOn: '2020-02-17', endsOn: '2020-07-03' }).returning();
      return { method: 'POST', url: `/api/evaluation/regions/${f.ids.regionId}/submissions`, body: { termId: term!.id } };
    },
    allowed: REGION_MANAGERS,
    success: 400,
  },

];
