import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_INPUTS } from '../../shared/api/evaluation-resources.js';
import { TEMPLATE_COLUMNS, TEMPLATE_HEADERS } from '../../server/evaluation/resources/import-file.js';
import { and, eq } from 'drizzle-orm';
import { boardPages, calendarDays, lessonSessions, regions, scheduledLessons, terms } from '../../server/db/schema/index.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { SatisfactionRepository } from '../../server/evaluation/satisfaction/repository.js';
import { SatisfactionService } from '../../server/evaluation/satisfaction/service.js';
import { MINIMAL_PDF } from '../../server/evaluation/attachments/sample-files.js';
import { createOrganisationFixture, PRINCIPALS, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import {
  ADMINS,
  COURSE_READERS,
  courseBody,
  GROUP_MANAGERS,
  LEAD_SCHOOL_MANAGERS,
  LESSON_REPORT_READERS,
  OTHER_REGION_MANAGERS,
  OUT_OF_REACH_CASES,
  REGION_MANAGERS,
  SIGNED_IN,
  type RouteCase,
} from '../support/authz-cases.js';
import { MATERIALS_CASES } from '../support/materials-cases.js';
import { finishedLesson, makeRecording } from '../support/recordings.js';
import { RECORDING_VIEWING_CASES } from '../support/recording-viewing-cases.js';
import { RESEARCH_REVIEW_CASES } from '../support/research-review-cases.js';
import { OBSERVATION_NOTES_CASES } from '../support/observation-notes-cases.js';
import { RESEARCH_SESSION_CASES } from '../support/research-session-cases.js';

/*
 * THE role × route matrix: for every admin and teaching route, the exact status each principal gets.
 * Signed out → 401. Allowed → the route's success status. Signed in but not allowed → 403, also when the
 * thing exists but is out of the principal's reach (404 is only for ids that do not exist, tested beside
 * each feature). Every state-changing case uses its own names or its own freshly made account, so the
 * cases can run in any order against one shared organisation.
 *
 * Scope is checked on every id, not only on the route: OUT_OF_REACH_CASES send, for each id field a write
 * takes, something of another school, group or region. And the matrix is complete by construction: a
 * route Fastify registered without a case here (and not in NOT_IN_MATRIX, with its reason) fails the
 * coverage test by name — add its cases when you add a route.
 */

/** A finished lesson session of the fixture course, as a live lesson leaves it. */
async function recordedLesson(f: OrganisationFixture): Promise<number> {
  const startedAt = new Date('2026-09-07T01:00:00Z');
  const [session] = await f.db
    .insert(lessonSessions)
    .values({ courseId: f.ids.courseId, startedBy: f.ids.users.teacher, startedAt, lastHeartbeatAt: startedAt, endedAt: new Date(startedAt.getTime() + 40 * 60_000), endReason: 'ended_by_teacher' })
    .returning({ id: lessonSessions.id });
  return session!.id;
}

/** A recorded lesson whose board kept one blank page with a stroke (for the board's export). */
async function lessonWithBoard(f: OrganisationFixture): Promise<number> {
  const lessonSessionId = await recordedLesson(f);
  const stroke = { kind: 'stroke' as const, id: 's', tool: 'pen' as const, colour: 'red' as const, width: 30, points: [[100, 100], [900, 900]] as Array<[number, number]> };
  await f.db.insert(boardPages).values({ lessonSessionId, position: 0, sourceKind: 'blank', items: [stroke] });
  return lessonSessionId;
}

/** The fixture region's survey of its term, opening in a year (so every case may change it), made once. */
const surveyBody = (f: OrganisationFixture) => {
  const opensOn = addDays(shanghaiDate(new Date()), 365);
  return { regionId: f.ids.regionId, termId: f.ids.termId, title: '满意度调查', opensOn, closesOn: addDays(opensOn, 30), questions: [{ key: 'q1', text: '总体满意吗？' }] };
};
async function matrixSurvey(f: OrganisationFixture): Promise<number> {
  return (await new SatisfactionService(new SatisfactionRepository(f.db)).save(surveyBody(f), f.ids.users.region_admin)).id;
}

const slots = [
  { weekday: 1, period: 2, startsAt: '09:00', endsAt: '09:40' },
  { weekday: 4, period: 2, startsAt: '09:00', endsAt: '09:40' },
];

const resourcesUrl = (f: OrganisationFixture) => `/api/evaluation/regions/${f.ids.regionId}/terms/${f.ids.termId}/resources`;
const RESOURCE_PART = { stage: 'primary', students: 1000, degreeTeachers: 42, keyTeachers: 10, peArtTeachers: 9, floorArea: 4500, sportsArea: 7500, equipmentValue: 2_000_000, networkedClassrooms: 23 };
/** A filled-in resource template with the lead school's primary part (base64 XLSX). */
async function resourceFile(): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('资源配置');
  sheet.addRow(TEMPLATE_COLUMNS.map((c) => TEMPLATE_HEADERS[c]));
  sheet.addRow(['城关第一小学', '小学', ...RESOURCE_INPUTS.map((input) => RESOURCE_PART[input])]);
  return Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
}

const RAW_BYTES = { 'content-type': 'application/octet-stream' };
/** `course.teach` (the lead teacher) or `course.manage` (admins over the host school). */
const COURSEWARE_TEACHERS: readonly PrincipalKey[] = [...LEAD_SCHOOL_MANAGERS, 'teacher'];

const ROUTES: RouteCase[] = [
  // ---- Organisation ----
  { route: 'GET /api/organisation', call: () => ({ method: 'GET', url: '/api/organisation' }), allowed: ADMINS },
  { route: 'GET /api/regions', call: () => ({ method: 'GET', url: '/api/regions' }), allowed: ADMINS },
  { route: 'POST /api/regions', call: (_f, n) => ({ method: 'POST', url: '/api/regions', body: { name: `县${n}`, code: `m-${n}` } }), allowed: ['system_admin'], success: 201 },
  { route: 'PATCH /api/regions/:id', call: (f, n) => ({ method: 'PATCH', url: `/api/regions/${f.ids.regionId}`, body: { name: `示范县${n}` } }), allowed: ['system_admin'] },
  { route: 'GET /api/groups', call: () => ({ method: 'GET', url: '/api/groups' }), allowed: ADMINS },
  { route: 'POST /api/groups', call: (f, n) => ({ method: 'POST', url: '/api/groups', body: { regionId: f.ids.regionId, name: `集团${n}` } }), allowed: REGION_MANAGERS, success: 201 },
  { route: 'PATCH /api/groups/:id', call: (f, n) => ({ method: 'PATCH', url: `/api/groups/${f.ids.groupId}`, body: { name: `城关教育集团${n}` } }), allowed: REGION_MANAGERS },
  { route: 'GET /api/schools', call: () => ({ method: 'GET', url: '/api/schools' }), allowed: ADMINS },
  {
    route: 'POST /api/schools',
    call: (f, n) => ({
      method: 'POST',
      url: '/api/schools',
      body: { regionId: f.ids.regionId, groupId: f.ids.groupId, name: `成员校${n}`, groupRole: 'member', locality: 'rural', stage: 'primary', studentCount: 100 },
    }),
    allowed: GROUP_MANAGERS,
    success: 201,
  },
  { route: 'PATCH /api/schools/:id', call: (f) => ({ method: 'PATCH', url: `/api/schools/${f.ids.teachingPointId}`, body: { studentCount: 18 } }), allowed: GROUP_MANAGERS },
  // A school admin may not edit her own school's record: schools are the group's and region's to manage.
  { route: 'PATCH /api/schools/:id (lead school)', call: (f) => ({ method: 'PATCH', url: `/api/schools/${f.ids.leadSchoolId}`, body: { studentCount: 1200 } }), allowed: GROUP_MANAGERS },
  { route: 'GET /api/classrooms', call: () => ({ method: 'GET', url: '/api/classrooms' }), allowed: ADMINS },
  { route: 'POST /api/classrooms', call: (f, n) => ({ method: 'POST', url: '/api/classrooms', body: { schoolId: f.ids.leadSchoolId, name: `教室${n}` } }), allowed: LEAD_SCHOOL_MANAGERS, success: 201 },
  { route: 'PATCH /api/classrooms/:id', call: (f) => ({ method: 'PATCH', url: `/api/classrooms/${f.ids.hostClassroomId}`, body: { multimedia: true } }), allowed: LEAD_SCHOOL_MANAGERS },
  { route: 'POST /api/classrooms/:id/pairing-code', call: (f) => ({ method: 'POST', url: `/api/classrooms/${f.ids.receivingClassroomId}/pairing-code` }), allowed: GROUP_MANAGERS },
  { route: 'DELETE /api/classrooms/:id/device', call: (f) => ({ method: 'DELETE', url: `/api/classrooms/${f.ids.hostClassroomId}/device` }), allowed: LEAD_SCHOOL_MANAGERS },

  // ---- People ----
  { route: 'GET /api/users', call: () => ({ method: 'GET', url: '/api/users' }), allowed: ADMINS },
  { route: 'GET /api/users/import-template', call: () => ({ method: 'GET', url: '/api/users/import-template?format=xlsx' }), allowed: ADMINS },
  { route: 'GET /api/users/:id', call: (f) => ({ method: 'GET', url: `/api/users/${f.ids.users.teacher}` }), allowed: [...LEAD_SCHOOL_MANAGERS, 'teacher'] },
  {
    route: 'POST /api/users',
    call: (f, n) => ({
      method: 'POST',
      url: '/api/users',
      body: { username: `matrix.${n}`, displayName: `教师${n}`, grants: [{ role: 'teacher', schoolId: f.ids.leadSchoolId }] },
    }),
    allowed: LEAD_SCHOOL_MANAGERS,
    success: 201,
  },
  {
    route: 'PATCH /api/users/:id',
    call: async (f, n) => ({ method: 'PATCH', url: `/api/users/${await f.addUser(`edit.${n}`, 'teacher', { schoolId: f.ids.leadSchoolId })}`, body: { displayName: `改名${n}` } }),
    allowed: LEAD_SCHOOL_MANAGERS,
  },
  {
    // Managing an account needs a rank at least its own over every place it holds a role in.
    route: 'PATCH /api/users/:id (a group admin)',
    call: async (f, n) => ({ method: 'PATCH', url: `/api/users/${await f.addUser(`peer.${n}`, 'group_admin', { groupId: f.ids.groupId })}`, body: { displayName: `集团管理员${n}` } }),
    allowed: GROUP_MANAGERS,
  },
  {
    route: 'POST /api/users/:id/grants',
    call: async (f, n) => ({
      method: 'POST',
      url: `/api/users/${await f.addUser(`grant.${n}`, 'teacher', { schoolId: f.ids.leadSchoolId })}/grants`,
      body: { role: 'assistant_teacher', schoolId: f.ids.leadSchoolId },
    }),
    allowed: LEAD_SCHOOL_MANAGERS,
    success: 201,
  },
  {
    route: 'DELETE /api/users/:id/grants/:grantId',
    call: async (f, n) => {
      const userId = await f.addUser(`ungrant.${n}`, 'teacher', { schoolId: f.ids.leadSchoolId });
      const admin = await f.as('system_admin');
      const user = (await admin.post(`/api/users/${userId}/grants`, { role: 'assistant_teacher', schoolId: f.ids.leadSchoolId })).json();
      const grant = user.grants.find((g: { role: string }) => g.role === 'assistant_teacher');
      return { method: 'DELETE', url: `/api/users/${userId}/grants/${grant.id}` };
    },
    allowed: LEAD_SCHOOL_MANAGERS,
  },
  {
    route: 'POST /api/users/import',
    call: (f, n) => ({ method: 'POST', url: '/api/users/import', body: { schoolId: f.ids.leadSchoolId, csv: `username,display_name,role,grade\nimported.${n},学生${n},student,3\n` } }),
    allowed: LEAD_SCHOOL_MANAGERS,
  },

  // ---- Teaching ----
  { route: 'GET /api/terms', call: () => ({ method: 'GET', url: '/api/terms' }), allowed: ADMINS },
  {
    route: 'POST /api/terms',
    call: (f, n) => ({ method: 'POST', url: '/api/terms', body: { regionId: f.ids.regionId, name: `学期${n}`, startsOn: '2027-02-22', endsOn: '2027-07-09' } }),
    allowed: REGION_MANAGERS,
    success: 201,
  },
  { route: 'PATCH /api/terms/:id', call: (f, n) => ({ method: 'PATCH', url: `/api/terms/${f.ids.termId}`, body: { name: `本学期${n}` } }), allowed: REGION_MANAGERS },
  { route: 'GET /api/courses', call: () => ({ method: 'GET', url: '/api/courses' }), allowed: SIGNED_IN },
  { route: 'GET /api/courses/:id', call: (f) => ({ method: 'GET', url: `/api/courses/${f.ids.courseId}` }), allowed: COURSE_READERS },
  // The fixture's course: the teaching point's classroom, assistant and student are the group's, not the lead school admin's.
  { route: 'POST /api/courses', call: (f, n) => ({ method: 'POST', url: '/api/courses', body: courseBody(f, n) }), allowed: GROUP_MANAGERS, success: 201 },
  {
    route: 'POST /api/courses (within the lead school)',
    call: (f, n) => ({ method: 'POST', url: '/api/courses', body: courseBody(f, n, { receivers: [], studentIds: [] }) }),
    allowed: LEAD_SCHOOL_MANAGERS,
    success: 201,
  },
  { route: 'PATCH /api/courses/:id', call: (f, n) => ({ method: 'PATCH', url: `/api/courses/${f.ids.courseId}`, body: { name: `三年级音乐${n}` } }), allowed: LEAD_SCHOOL_MANAGERS },
  { route: 'GET /api/courses/:id/timetable', call: (f) => ({ method: 'GET', url: `/api/courses/${f.ids.courseId}/timetable` }), allowed: COURSE_READERS },
  { route: 'PUT /api/courses/:id/timetable', call: (f) => ({ method: 'PUT', url: `/api/courses/${f.ids.courseId}/timetable`, body: { slots } }), allowed: LEAD_SCHOOL_MANAGERS },
  {
    route: 'POST /api/courses/:id/student-links',
    call: (f) => ({ method: 'POST', url: `/api/courses/${f.ids.courseId}/student-links`, body: { studentId: f.ids.users.student, validDays: 7 } }),
    allowed: [...LEAD_SCHOOL_MANAGERS, 'teacher'],
  },
  { route: 'GET /api/courses/:id/student-links', call: (f) => ({ method: 'GET', url: `/api/courses/${f.ids.courseId}/student-links` }), allowed: [...LEAD_SCHOOL_MANAGERS, 'teacher'] },
  {
    route: 'DELETE /api/courses/:id/student-links/:linkId',
    call: async (f) => {
      await f.t.app.tongke.accounts.createStudentLink(f.ids.users.student, f.ids.courseId, 7, f.ids.users.teacher);
      const [newest] = await f.t.app.tongke.accounts.studentLinksOf(f.ids.courseId);
      return { method: 'DELETE', url: `/api/courses/${f.ids.courseId}/student-links/${newest?.id ?? 0}` };
    },
    allowed: [...LEAD_SCHOOL_MANAGERS, 'teacher'],
  },
  // 调课 / 停课 / 临时上课: each call gets a lesson of its own, days apart, so that no call clashes with another.
  {
    route: 'POST /api/scheduled-lessons/:id/move',
    call: async (f, n) => {
      const { id, date, hour } = await plannedLesson(f, n);
      const later = String(hour + 9).padStart(2, '0');
      return { method: 'POST', url: `/api/scheduled-lessons/${id}/move`, body: { date, startsAt: `${later}:00`, endsAt: `${later}:40`, reason: '调课' } };
    },
    allowed: [...LEAD_SCHOOL_MANAGERS, 'teacher'],
    success: 204,
  },
  {
    route: 'POST /api/scheduled-lessons/:id/cancel',
    call: async (f, n) => ({ method: 'POST', url: `/api/scheduled-lessons/${(await plannedLesson(f, n)).id}/cancel`, body: { reason: '停课' } }),
    allowed: [...LEAD_SCHOOL_MANAGERS, 'teacher'],
    success: 204,
  },
  {
    route: 'POST /api/courses/:id/ad-hoc-lessons',
    call: async (f) => {
      // Each allowed caller makes a lesson of her own (else she is handed the previous caller's).
      await f.db.delete(scheduledLessons).where(and(eq(scheduledLessons.courseId, f.ids.courseId), eq(scheduledLessons.adHoc, true)));
      return { method: 'POST', url: `/api/courses/${f.ids.courseId}/ad-hoc-lessons`, body: { minutes: 40 } };
    },
    allowed: [...LEAD_SCHOOL_MANAGERS, 'teacher'],
  },
  { route: 'GET /api/regions/:id/calendar-days', call: (f) => ({ method: 'GET', url: `/api/regions/${f.ids.regionId}/calendar-days` }), allowed: ADMINS.filter((p) => p !== 'other_region_admin') },
  {
    route: 'POST /api/regions/:id/calendar-days',
    call: (f, n) => {
      const day = addDays('2030-01-01', n * 2);
      return { method: 'POST', url: `/api/regions/${f.ids.regionId}/calendar-days`, body: { kind: 'holiday', name: `假期${n}`, startsOn: day, endsOn: day } };
    },
    allowed: REGION_MANAGERS,
    success: 201,
  },
  {
    route: 'DELETE /api/calendar-days/:id',
    call: async (f, n) => {
      const day = addDays('2031-01-01', n * 2);
      const id = (await f.db.insert(calendarDays).values({ regionId: f.ids.regionId, kind: 'holiday', name: `删除${n}`, startsOn: day, endsOn: day }).returning())[0]!.id;
      return { method: 'DELETE', url: `/api/calendar-days/${id}` };
    },
    allowed: REGION_MANAGERS,
    success: 204,
  },
  { route: 'GET /api/me/lessons', call: () => ({ method: 'GET', url: '/api/me/lessons?from=2026-09-01T00:00:00%2B08:00&to=2026-09-15T00:00:00%2B08:00' }), allowed: SIGNED_IN },

  // ---- Ids in bodies that point outside the caller's reach: one case per referenced id field ----
  ...OUT_OF_REACH_CASES,

  // ---- Lists filtered by what the caller may read ----
  { route: 'GET /api/reports/lessons', call: () => ({ method: 'GET', url: '/api/reports/lessons' }), allowed: SIGNED_IN },
  { route: 'GET /api/lessons/live', call: () => ({ method: 'GET', url: '/api/lessons/live' }), allowed: SIGNED_IN },

  // ---- The pre-join network check (issue #15): anyone signed in checks her own link ----
  { route: 'GET /api/netcheck/plan', call: () => ({ method: 'GET', url: '/api/netcheck/plan' }), allowed: SIGNED_IN },
  { route: 'GET /api/netcheck/ping', call: () => ({ method: 'GET', url: '/api/netcheck/ping' }), allowed: SIGNED_IN },
  { route: 'GET /api/netcheck/download', call: () => ({ method: 'GET', url: '/api/netcheck/download?bytes=1024' }), allowed: SIGNED_IN },
  { route: 'POST /api/netcheck/upload', call: () => ({ method: 'POST', url: '/api/netcheck/upload', body: Buffer.alloc(1024, 1), headers: RAW_BYTES }), allowed: SIGNED_IN },
  { route: 'POST /api/netcheck/probes', call: () => ({ method: 'POST', url: '/api/netcheck/probes', body: { kind: 'udp' } }), allowed: SIGNED_IN, success: 201 },

  // ---- Usage reports ----
  // Admins see the units they cover; the lead teacher sees her own course's figures wherever it is hosted or received.
  { route: 'GET /api/reports/usage (region)', call: (f) => ({ method: 'GET', url: `/api/reports/usage?scope=region&id=${f.ids.regionId}` }), allowed: [...REGION_MANAGERS, 'teacher'] },
  { route: 'GET /api/reports/usage (group)', call: (f) => ({ method: 'GET', url: `/api/reports/usage?scope=group&id=${f.ids.groupId}` }), allowed: [...GROUP_MANAGERS, 'teacher'] },
  { route: 'GET /api/reports/usage (lead school)', call: (f) => ({ method: 'GET', url: `/api/reports/usage?scope=school&id=${f.ids.leadSchoolId}` }), allowed: [...LEAD_SCHOOL_MANAGERS, 'teacher'] },
  { route: 'GET /api/reports/usage (teaching point)', call: (f) => ({ method: 'GET', url: `/api/reports/usage?scope=school&id=${f.ids.teachingPointId}` }), allowed: [...GROUP_MANAGERS, 'teacher'] },
  // No course of the teacher reaches the independent school.
  { route: 'GET /api/reports/usage (independent school)', call: (f) => ({ method: 'GET', url: `/api/reports/usage?scope=school&id=${f.ids.independentSchoolId}` }), allowed: [...REGION_MANAGERS, 'other_school_admin'] },
  {
    route: 'GET /api/reports/usage (receiving classroom, CSV)',
    call: (f) => ({ method: 'GET', url: `/api/reports/usage?scope=classroom&id=${f.ids.receivingClassroomId}&format=csv` }),
    allowed: [...GROUP_MANAGERS, 'teacher'],
  },
  // 名师课堂: the teachers' research figures and who is below the target, like the other usage tables (a teacher's CSV of it is empty).
  { route: 'GET /api/reports/usage (region, 名师课堂 CSV)', call: (f) => ({ method: 'GET', url: `/api/reports/usage?scope=region&id=${f.ids.regionId}&format=csv&table=research` }), allowed: [...REGION_MANAGERS, 'teacher'] },
  {
    route: 'GET /api/reports/usage (independent school, below-target CSV)',
    call: (f) => ({ method: 'GET', url: `/api/reports/usage?scope=school&id=${f.ids.independentSchoolId}&format=csv&table=researchTarget` }),
    allowed: [...REGION_MANAGERS, 'other_school_admin'],
  },
  // ---- Link health (issue #15): the unit's administrators only, no own-course reach for teachers ----
  { route: 'GET /api/reports/link-health (region)', call: (f) => ({ method: 'GET', url: `/api/reports/link-health?scope=region&id=${f.ids.regionId}` }), allowed: REGION_MANAGERS },
  { route: 'GET /api/reports/link-health (group)', call: (f) => ({ method: 'GET', url: `/api/reports/link-health?scope=group&id=${f.ids.groupId}` }), allowed: GROUP_MANAGERS },
  { route: 'GET /api/reports/link-health (lead school)', call: (f) => ({ method: 'GET', url: `/api/reports/link-health?scope=school&id=${f.ids.leadSchoolId}` }), allowed: LEAD_SCHOOL_MANAGERS },
  { route: 'GET /api/reports/link-health (teaching point)', call: (f) => ({ method: 'GET', url: `/api/reports/link-health?scope=school&id=${f.ids.teachingPointId}` }), allowed: GROUP_MANAGERS },
  { route: 'GET /api/reports/link-health (independent school)', call: (f) => ({ method: 'GET', url: `/api/reports/link-health?scope=school&id=${f.ids.independentSchoolId}` }), allowed: [...REGION_MANAGERS, 'other_school_admin'] },
  { route: 'GET /api/reports/link-health (region, XLSX)', call: (f) => ({ method: 'GET', url: `/api/reports/link-health?scope=region&id=${f.ids.regionId}&format=xlsx` }), allowed: REGION_MANAGERS },
  // ---- Lesson reports ----
  // The whole lesson for the lead teacher and admins over the host or a receiver; a site of the course (its
  // classroom, assistant, enrolled student) gets its own figures; a student link reaches no report.
  { route: 'GET /api/reports/lessons/:lessonSessionId', call: async (f) => ({ method: 'GET', url: `/api/reports/lessons/${await recordedLesson(f)}` }), allowed: LESSON_REPORT_READERS },
  { route: 'GET /api/reports/lessons/:lessonSessionId/board', call: async (f) => ({ method: 'GET', url: `/api/reports/lessons/${await lessonWithBoard(f)}/board` }), allowed: LESSON_REPORT_READERS },
  { route: 'GET /api/reports/lessons/:lessonSessionId/board.pdf', call: async (f) => ({ method: 'GET', url: `/api/reports/lessons/${await lessonWithBoard(f)}/board.pdf` }), allowed: LESSON_REPORT_READERS },
  { route: 'GET /api/reports/lessons/:lessonSessionId (XLSX)', call: async (f) => ({ method: 'GET', url: `/api/reports/lessons/${await recordedLesson(f)}?format=xlsx` }), allowed: LESSON_REPORT_READERS },
  { route: 'GET /api/reports/indicators', call: (f) => ({ method: 'GET', url: `/api/reports/indicators?regionId=${f.ids.regionId}` }), allowed: REGION_MANAGERS },
  { route: 'GET /api/reports/indicators (XLSX)', call: (f) => ({ method: 'GET', url: `/api/reports/indicators?regionId=${f.ids.regionId}&format=xlsx` }), allowed: REGION_MANAGERS },
  { route: 'GET /api/regions/:id/targets', call: (f) => ({ method: 'GET', url: `/api/regions/${f.ids.regionId}/targets` }), allowed: REGION_MANAGERS },
  {
    route: 'PUT /api/regions/:id/targets',
    call: (f, n) => ({ method: 'PUT', url: `/api/regions/${f.ids.regionId}/targets`, body: { lessonsPerWeek: n % 5, subjectsPerTerm: 3, attendancePct: 85, requiredSubjects: ['music', 'art'], maxCv: 0.5 } }),
    allowed: REGION_MANAGERS,
  },

  // ---- The review chain of the self-evaluation file ----
  // The county (and the system admin) read and submit its file; only the reviewers above it (their own
  // matrix is in evaluation-review.test.ts: the fixture has no city) comment and decide — none of these.
  { route: 'GET /api/evaluation/regions/:regionId/preview', call: (f) => ({ method: 'GET', url: `/api/evaluation/regions/${f.ids.regionId}/preview?termId=${f.ids.termId}` }), allowed: REGION_MANAGERS },
  {
    route: 'POST /api/evaluation/regions/:regionId/submissions',
    call: async (f, n) => ({ method: 'POST', url: `/api/evaluation/regions/${f.ids.regionId}/submissions`, body: { termId: await evaluationTerm(f, n) } }),
    allowed: REGION_MANAGERS,
    success: 201,
  },
  { route: 'GET /api/evaluation/submissions', call: () => ({ method: 'GET', url: '/api/evaluation/submissions' }), allowed: SIGNED_IN },
  { route: 'GET /api/evaluation/submissions/:id', call: async (f, n) => ({ method: 'GET', url: `/api/evaluation/submissions/${await submittedFile(f, n)}` }), allowed: REGION_MANAGERS },
  { route: 'GET /api/evaluation/submissions/:id/versions/:version', call: async (f, n) => ({ method: 'GET', url: `/api/evaluation/submissions/${await submittedFile(f, n)}/versions/1` }), allowed: REGION_MANAGERS },
  {
    route: 'GET /api/evaluation/submissions/:id/versions/:version/attachments/:sha256',
    call: async (f, n) => ({ method: 'GET', url: await frozenAttachment(f, n) }),
    allowed: REGION_MANAGERS,
  },
  {
    route: 'GET /api/evaluation/submissions/:id/versions/:version (XLSX)',
    call: async (f, n) => ({ method: 'GET', url: `/api/evaluation/submissions/${await submittedFile(f, n)}/versions/1?format=xlsx` }),
    allowed: REGION_MANAGERS,
  },
  {
    route: 'POST /api/evaluation/submissions/:id/comments',
    call: async (f, n) => ({ method: 'POST', url: `/api/evaluation/submissions/${await submittedFile(f, n)}/comments`, body: { version: 1, body: '批注' } }),
    allowed: [],
  },
  {
    route: 'POST /api/evaluation/submissions/:id/decision',
    call: async (f, n) => ({ method: 'POST', url: `/api/evaluation/submissions/${await submittedFile(f, n)}/decision`, body: { decision: 'approve', revision: 1 } }),
    allowed: [],
  },
  // ---- Satisfaction survey (evaluation.read / evaluation.manage on the survey's region) ----
  { route: 'GET /api/evaluation/satisfaction', call: (f) => ({ method: 'GET', url: `/api/evaluation/satisfaction?regionId=${f.ids.regionId}&termId=${f.ids.termId}` }), allowed: REGION_MANAGERS },
  { route: 'PUT /api/evaluation/satisfaction', call: (f, n) => ({ method: 'PUT', url: '/api/evaluation/satisfaction', body: { ...surveyBody(f), title: `满意度调查${n}` } }), allowed: REGION_MANAGERS },
  {
    route: 'POST /api/evaluation/satisfaction/:id/codes',
    call: async (f) => ({ method: 'POST', url: `/api/evaluation/satisfaction/${await matrixSurvey(f)}/codes`, body: { schoolId: f.ids.teachingPointId, respondentGroup: 'parent', count: 2 } }),
    allowed: REGION_MANAGERS,
  },
  { route: 'GET /api/evaluation/satisfaction/:id/codes', call: async (f) => ({ method: 'GET', url: `/api/evaluation/satisfaction/${await matrixSurvey(f)}/codes` }), allowed: REGION_MANAGERS },
  { route: 'GET /api/evaluation/satisfaction/:id/codes (CSV)', call: async (f) => ({ method: 'GET', url: `/api/evaluation/satisfaction/${await matrixSurvey(f)}/codes?format=csv` }), allowed: REGION_MANAGERS },
  { route: 'GET /api/evaluation/satisfaction/:id/results', call: async (f) => ({ method: 'GET', url: `/api/evaluation/satisfaction/${await matrixSurvey(f)}/results` }), allowed: REGION_MANAGERS },
  { route: 'GET /api/evaluation/satisfaction/:id/results (XLSX)', call: async (f) => ({ method: 'GET', url: `/api/evaluation/satisfaction/${await matrixSurvey(f)}/results?format=xlsx` }), allowed: REGION_MANAGERS },
  // ---- Self-evaluation: resource indicators (region admins the region's file, any admin of a school its own inputs) ----
  { route: 'GET /api/evaluation/regions/:regionId/terms/:termId/resources', call: (f) => ({ method: 'GET', url: resourcesUrl(f) }), allowed: REGION_MANAGERS },
  { route: 'GET /api/evaluation/regions/:regionId/terms/:termId/resources/export', call: (f) => ({ method: 'GET', url: `${resourcesUrl(f)}/export` }), allowed: REGION_MANAGERS },
  { route: 'GET /api/evaluation/regions/:regionId/terms/:termId/resources/template.xlsx', call: (f) => ({ method: 'GET', url: `${resourcesUrl(f)}/template.xlsx` }), allowed: REGION_MANAGERS },
  {
    route: 'POST /api/evaluation/regions/:regionId/terms/:termId/resources/import',
    call: async (f) => ({ method: 'POST', url: `${resourcesUrl(f)}/import`, body: { file: await resourceFile(), dryRun: true } }),
    allowed: REGION_MANAGERS,
  },
  { route: 'GET /api/evaluation/regions/:regionId/terms/:termId/resources/schools/:schoolId', call: (f) => ({ method: 'GET', url: `${resourcesUrl(f)}/schools/${f.ids.leadSchoolId}` }), allowed: LEAD_SCHOOL_MANAGERS },
  {
    route: 'PUT /api/evaluation/regions/:regionId/terms/:termId/resources/schools/:schoolId',
    call: (f, n) => ({ method: 'PUT', url: `${resourcesUrl(f)}/schools/${f.ids.leadSchoolId}`, body: { parts: [{ ...RESOURCE_PART, students: 1000 + n }] } }),
    allowed: LEAD_SCHOOL_MANAGERS,
  },
  // ---- Evaluation: the government-guarantee and quality checklist, the teacher-exchange register ----
  { route: 'GET /api/evaluation/regions/:regionId/terms/:termId/checklist', call: (f) => ({ method: 'GET', url: `${evaluationBase(f)}/checklist` }), allowed: REGION_MANAGERS },
  { route: 'GET /api/evaluation/regions/:regionId/terms/:termId/checklist (XLSX)', call: (f) => ({ method: 'GET', url: `${evaluationBase(f)}/checklist?format=xlsx` }), allowed: REGION_MANAGERS },
  {
    route: 'PUT /api/evaluation/regions/:regionId/terms/:termId/checklist/items/:itemKey',
    call: (f, n) => ({ method: 'PUT', url: `${evaluationBase(f)}/checklist/items/gov.class_size`, body: { status: 'in_progress', note: `核查中 ${n}` } }),
    allowed: REGION_MANAGERS,
  },
  {
    route: 'POST /api/evaluation/regions/:regionId/terms/:termId/checklist/items/:itemKey/attachments',
    call: (f, n) => ({ method: 'POST', url: `${evaluationBase(f)}/checklist/items/gov.layout/attachments`, body: { name: `规划${n}.pdf`, data: MINIMAL_PDF.toString('base64') } }),
    allowed: REGION_MANAGERS,
    success: 201,
  },
  {
    route: 'GET /api/evaluation/regions/:regionId/terms/:termId/checklist/attachments/:attachmentId',
    call: async (f, n) => ({ method: 'GET', url: `${evaluationBase(f)}/checklist/attachments/${await evaluationAttachment(f, n)}` }),
    allowed: REGION_MANAGERS,
  },
  {
    route: 'DELETE /api/evaluation/regions/:regionId/terms/:termId/checklist/attachments/:attachmentId',
    call: async (f, n) => ({ method: 'DELETE', url: `${evaluationBase(f)}/checklist/attachments/${await evaluationAttachment(f, n)}` }),
    allowed: REGION_MANAGERS,
    success: 204,
  },
  { route: 'GET /api/evaluation/regions/:regionId/terms/:termId/exchange', call: (f) => ({ method: 'GET', url: `${evaluationBase(f)}/exchange` }), allowed: REGION_MANAGERS },
  { route: 'GET /api/evaluation/regions/:regionId/terms/:termId/exchange (XLSX)', call: (f) => ({ method: 'GET', url: `${evaluationBase(f)}/exchange?format=xlsx` }), allowed: REGION_MANAGERS },
  {
    route: 'PUT /api/evaluation/regions/:regionId/terms/:termId/exchange/eligible',
    call: (f, n) => ({ method: 'PUT', url: `${evaluationBase(f)}/exchange/eligible`, body: { eligibleTeachers: 100 + n } }),
    allowed: REGION_MANAGERS,
  },
  {
    route: 'POST /api/evaluation/regions/:regionId/terms/:termId/exchange/entries',
    call: (f, n) => ({ method: 'POST', url: `${evaluationBase(f)}/exchange/entries`, body: exchangeEntryBody(f, n) }),
    allowed: REGION_MANAGERS,
    success: 201,
  },
  {
    route: 'PUT /api/evaluation/regions/:regionId/terms/:termId/exchange/entries/:entryId',
    call: async (f, n) => ({ method: 'PUT', url: `${evaluationBase(f)}/exchange/entries/${await exchangeEntry(f, n)}`, body: { ...exchangeEntryBody(f, n), keyTeacher: true } }),
    allowed: REGION_MANAGERS,
  },
  {
    route: 'DELETE /api/evaluation/regions/:regionId/terms/:termId/exchange/entries/:entryId',
    call: async (f, n) => ({ method: 'DELETE', url: `${evaluationBase(f)}/exchange/entries/${await exchangeEntry(f, n)}` }),
    allowed: REGION_MANAGERS,
    success: 204,
  },
  ...MATERIALS_CASES,
  ...RECORDING_VIEWING_CASES,
  ...RESEARCH_REVIEW_CASES,
  ...OBSERVATION_NOTES_CASES,
  ...RESEARCH_SESSION_CASES,
  // ---- Courseware (文档课件): the lead teacher and admins over the course change it, its sites read it ----
  { route: 'GET /api/courses/:courseId/courseware', call: (f) => ({ method: 'GET', url: `/api/courses/${f.ids.courseId}/courseware` }), allowed: COURSE_READERS },
  {
    route: 'POST /api/courses/:courseId/courseware',
    call: (f, n) => ({ method: 'POST', url: `/api/courses/${f.ids.courseId}/courseware?name=${encodeURIComponent(`课件${n}.pdf`)}`, body: MINIMAL_PDF, headers: RAW_BYTES }),
    allowed: COURSEWARE_TEACHERS,
    success: 201,
  },
  { route: 'GET /api/courseware/:coursewareId', call: async (f, n) => ({ method: 'GET', url: `/api/courseware/${await matrixCourseware(f, n)}` }), allowed: COURSE_READERS },
  { route: 'PATCH /api/courseware/:coursewareId', call: async (f, n) => ({ method: 'PATCH', url: `/api/courseware/${await matrixCourseware(f, n)}`, body: { title: `改名${n}` } }), allowed: COURSEWARE_TEACHERS },
  { route: 'DELETE /api/courseware/:coursewareId', call: async (f, n) => ({ method: 'DELETE', url: `/api/courseware/${await matrixCourseware(f, n)}` }), allowed: COURSEWARE_TEACHERS, success: 204 },
  { route: 'GET /api/courseware/:coursewareId/document', call: async (f, n) => ({ method: 'GET', url: `/api/courseware/${await matrixCourseware(f, n)}/document` }), allowed: COURSE_READERS },
  { route: 'GET /api/courseware/:coursewareId/source', call: async (f, n) => ({ method: 'GET', url: `/api/courseware/${await matrixCourseware(f, n)}/source` }), allowed: COURSEWARE_TEACHERS },
  // ---- Recordings (录播 / 点播): the course's audience watches an unpublished one, its audience by visibility a published one ----
  { route: 'GET /api/recordings', call: () => ({ method: 'GET', url: '/api/recordings' }), allowed: SIGNED_IN },
  { route: 'GET /api/recordings/:recordingId', call: async (f) => ({ method: 'GET', url: `/api/recordings/${(await makeRecording(f, { files: false })).id}` }), allowed: COURSE_READERS },
  {
    route: 'GET /api/recordings/:recordingId (published to everyone)',
    call: async (f) => ({ method: 'GET', url: `/api/recordings/${(await makeRecording(f, { files: false, visibility: 'everyone' })).id}` }),
    allowed: SIGNED_IN,
  },
  { route: 'GET /api/recordings/:recordingId (published to the region)', call: async (f) => ({ method: 'GET', url: `/api/recordings/${(await makeRecording(f, { files: false, visibility: 'region' })).id}` }), allowed: SIGNED_IN.filter((p) => p !== 'other_region_admin') },
  { route: 'GET /api/recordings/:recordingId/media/:rendition', call: async (f) => ({ method: 'GET', url: `/api/recordings/${(await makeRecording(f)).id}/media/low` }), allowed: COURSE_READERS },
  { route: 'PATCH /api/recordings/:recordingId', call: async (f, n) => ({ method: 'PATCH', url: `/api/recordings/${(await makeRecording(f, { files: false })).id}`, body: { title: `录像${n}`, visibility: 'group' } }), allowed: COURSEWARE_TEACHERS },
  { route: 'DELETE /api/recordings/:recordingId', call: async (f) => ({ method: 'DELETE', url: `/api/recordings/${(await makeRecording(f)).id}` }), allowed: COURSEWARE_TEACHERS, success: 204 },
  { route: 'GET /api/lessons/:lessonId/recordings', call: async (f) => ({ method: 'GET', url: `/api/lessons/${await finishedLesson(f)}/recordings` }), allowed: LESSON_REPORT_READERS },
  { route: 'GET /api/courses/:courseId/recording-policy', call: (f) => ({ method: 'GET', url: `/api/courses/${f.ids.courseId}/recording-policy` }), allowed: COURSE_READERS },
  { route: 'PUT /api/courses/:courseId/recording-policy', call: (f) => ({ method: 'PUT', url: `/api/courses/${f.ids.courseId}/recording-policy`, body: { policy: 'teacher_choice' } }), allowed: COURSEWARE_TEACHERS },
  // Observing (听课): 开放听课 is set as the recording policy is; anyone signed in may ask what she may observe.
  { route: 'GET /api/courses/:courseId/observation', call: (f) => ({ method: 'GET', url: `/api/courses/${f.ids.courseId}/observation` }), allowed: COURSE_READERS },
  { route: 'PUT /api/courses/:courseId/observation', call: (f) => ({ method: 'PUT', url: `/api/courses/${f.ids.courseId}/observation`, body: { observable: true } }), allowed: COURSEWARE_TEACHERS },
  { route: 'GET /api/observations/live', call: () => ({ method: 'GET', url: '/api/observations/live' }), allowed: SIGNED_IN },
];

/** A document of the fixture course of its own (uploaded by the system admin), for a case that reads or changes one. */
async function matrixCourseware(f: OrganisationFixture, n: number): Promise<number> {
  const res = await (await f.as('system_admin')).request('POST', `/api/courses/${f.ids.courseId}/courseware?name=matrix-${n}.pdf`, MINIMAL_PDF, RAW_BYTES);
  if (res.statusCode !== 201) throw new Error(`could not upload courseware: ${res.statusCode} ${res.body}`);
  return Number(res.json().id);
}

/** A term of the fixture's county of its own, for a case that submits its file. */
async function evaluationTerm(f: OrganisationFixture, n: number): Promise<number> {
  const [term] = await f.db.insert(terms).values({ regionId: f.ids.regionId, name: `评估学期${n}`, startsOn: '2020-02-17', endsOn: '2020-07-03' }).returning();
  return term!.id;
}

/** A file the county submitted for a term of its own (waiting at the city step). */
async function submittedFile(f: OrganisationFixture, n: number): Promise<number> {
  const res = await (await f.as('region_admin')).post(`/api/evaluation/regions/${f.ids.regionId}/submissions`, { termId: await evaluationTerm(f, n) });
  if (res.statusCode !== 201) throw new Error(`could not submit the file: ${res.statusCode} ${res.body}`);
  return (res.json() as { submission: { id: number } }).submission.id;
}

/** The download path of a file frozen with a submitted version (attached to a term's checklist of its own first). */
async function frozenAttachment(f: OrganisationFixture, n: number): Promise<string> {
  const termId = await evaluationTerm(f, n);
  const admin = await f.as('region_admin');
  const added = await admin.post(`/api/evaluation/regions/${f.ids.regionId}/terms/${termId}/checklist/items/gov.layout/attachments`, { name: `规划${n}.pdf`, data: MINIMAL_PDF.toString('base64') });
  if (added.statusCode !== 201) throw new Error(`could not attach a file: ${added.body}`);
  const res = await admin.post(`/api/evaluation/regions/${f.ids.regionId}/submissions`, { termId });
  if (res.statusCode !== 201) throw new Error(`could not submit the file: ${res.statusCode} ${res.body}`);
  const id = (res.json() as { submission: { id: number } }).submission.id;
  return `/api/evaluation/submissions/${id}/versions/1/attachments/${createHash('sha256').update(MINIMAL_PDF).digest('hex')}`;
}

const evaluationBase = (f: OrganisationFixture) => `/api/evaluation/regions/${f.ids.regionId}/terms/${f.ids.termId}`;
const exchangeEntryBody = (f: OrganisationFixture, n: number) => ({ teacherName: `交流教师${n}`, fromSchoolId: f.ids.leadSchoolId, toSchoolId: f.ids.teachingPointId, fromDate: '2026-09-01', keyTeacher: false });

/** An attachment of its own for a case that reads or removes one (made by the system admin). */
async function evaluationAttachment(f: OrganisationFixture, n: number): Promise<number> {
  const res = await (await f.as('system_admin')).post(`${evaluationBase(f)}/checklist/items/gov.layout/attachments`, { name: `布局${n}.pdf`, data: MINIMAL_PDF.toString('base64') });
  if (res.statusCode !== 201) throw new Error(`could not attach a file: ${res.body}`);
  return Number(res.json().id);
}

/** A rotation of its own for a case that changes or removes one. */
async function exchangeEntry(f: OrganisationFixture, n: number): Promise<number> {
  const res = await (await f.as('system_admin')).post(`${evaluationBase(f)}/exchange/entries`, exchangeEntryBody(f, n));
  if (res.statusCode !== 201) throw new Error(`could not record a rotation: ${res.body}`);
  return Number(res.json().id);
}

/**
 * Routes the matrix does not drive, each with why. Everything else Fastify registered must have a case
 * above (the coverage test compares with `app.registeredRoutes`).
 */
const NOT_IN_MATRIX: ReadonlyArray<{ route: RegExp; why: string }> = [
  { route: /^GET \/healthz$/, why: 'liveness probe for the process supervisor: no data, public on purpose' },
  { route: /^GET \/metrics$/, why: 'operations: guarded by its own token or loopback (server/ops, tested there)' },
  { route: /^GET \/api\/openapi\.json$|^GET \/api\/docs/, why: 'the API description (Swagger UI and its assets): no data, public on purpose' },
  { route: /^GET \/api\/instance$/, why: 'whether first-run setup is open and the demo banner shows: public on purpose, no data (accounts first-run tests)' },
  { route: /^POST \/api\/setup$/, why: 'first administrator by the one-time setup token: no session exists yet (accounts first-run tests)' },
  { route: /^(GET|POST) \/api\/survey\/:code$/, why: 'the public answer page of a one-time survey code: anonymous on purpose, rate-limited (satisfaction tests)' },
  { route: /^(GET|POST|DELETE) \/api\/netcheck\/probes\/:probeId/, why: "a network-check probe is its opener's alone: anyone else gets 404 as for no probe (netcheck tests)" },
  { route: /^(GET|POST|PUT) \/api\/auth\//, why: "signing in and out, CSRF token, language, pairing, student links: public or the caller's own session (accounts tests)" },
];

/** `GET /api/x/:id (a variant)` → `GET /api/x/:id`. */
const routeKey = (name: string): string => name.replace(/ \(.*\)$/, '');

const expected = (route: RouteCase, principal: PrincipalKey): number =>
  principal === 'anonymous' ? 401 : route.allowed.includes(principal) ? (route.success ?? 200) : 403;

const TABLE = ROUTES.flatMap((route) => PRINCIPALS.map((principal) => ({ route: route.route, principal, status: expected(route, principal), routeCase: route })));

describe('authorization matrix', () => {
  let f: OrganisationFixture;
  let n = 0;
  beforeAll(async () => {
    // With media, so the live-lesson routes are registered and covered too.
    f = await createOrganisationFixture({ media: true });
    // The county's file goes to a city's reviewer: the submitting cases need a city above the fixture's county.
    const [city] = await f.db.insert(regions).values({ name: '矩阵市', code: 'matrix-city', level: 'city' }).returning();
    await f.db.update(regions).set({ parentId: city!.id }).where(eq(regions.id, f.ids.regionId));
    // Sign everyone in up front so the cases measure the routes, not argon2.
    await Promise.all(PRINCIPALS.map((p) => f.as(p)));
  });
  afterAll(async () => f.close());

  it('covers every principal for every route', () => {
    expect(TABLE).toHaveLength(ROUTES.length * PRINCIPALS.length);
    expect(new Set(ROUTES.map((r) => r.route)).size).toBe(ROUTES.length);
  });

  it('has a case for every route the app registered, and no case for a route that does not exist', () => {
    const registered = new Set(f.t.app.registeredRoutes.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`));
    const covered = new Set(ROUTES.map((r) => routeKey(r.route)));
    const exempt = (key: string) => NOT_IN_MATRIX.some((e) => e.route.test(key));
    expect({ missingFromMatrix: [...registered].filter((key) => !covered.has(key) && !exempt(key)).sort() }).toEqual({ missingFromMatrix: [] });
    expect({ casesWithoutRoute: [...covered].filter((key) => !registered.has(key)).sort() }).toEqual({ casesWithoutRoute: [] });
  });

  it.each(TABLE)('$route as $principal → $status', async ({ routeCase, principal, status }) => {
    const call = await routeCase.call(f, ++n);
    const client = await f.as(principal);
    const res = await client.request(call.method, call.url, call.body, call.headers);
    expect({ status: res.statusCode, body: res.statusCode === status ? undefined : res.body }).toEqual({ status, body: undefined });
  });
});

/**
 * A planned lesson of the fixture's course of its own, for a case that moves or cancels it: a distinct
 * (date, hour) per `n` within the next half year, between 06:00 and 12:40 (moves go 9 hours later).
 */
async function plannedLesson(f: OrganisationFixture, n: number): Promise<{ id: number; date: string; hour: number }> {
  const date = addDays(shanghaiDate(new Date()), 10 + (n % 180));
  const hour = 6 + (Math.floor(n / 180) % 7);
  const at = String(hour).padStart(2, '0');
  const [lesson] = await f.db
    .insert(scheduledLessons)
    .values({ courseId: f.ids.courseId, slotId: null, startsAt: shanghaiInstant(date, `${at}:00`), endsAt: shanghaiInstant(date, `${at}:40`) })
    .returning();
  return { id: lesson!.id, date, hour };
}
