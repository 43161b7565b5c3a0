import { lessonSessions, observations } from '../../server/db/schema/index.js';
import { DEFAULT_RUBRIC } from '../../server/research/rubrics/default-rubric.js';
import { LEAD_SCHOOL_MANAGERS, REGION_MANAGERS, SIGNED_IN, type RouteCase } from './authz-cases.js';
import type { OrganisationFixture } from './fixtures.js';

/** A finished lesson of the fixture course (each case that closes or replies gets its own). */
async function finished(f: OrganisationFixture): Promise<number> {
  const startedAt = new Date(Date.now() - 3 * 3_600_000);
  const endedAt = new Date(startedAt.getTime() + 40 * 60_000);
  const [session] = await f.db
    .insert(lessonSessions)
    .values({ courseId: f.ids.courseId, startedBy: f.ids.users.teacher, startedAt, lastHeartbeatAt: endedAt, endedAt, endReason: 'ended_by_teacher' })
    .returning({ id: lessonSessions.id });
  return session!.id;
}

/** The lesson whose forms the form cases save (never closed by another case). */
const shared = new WeakMap<OrganisationFixture, Promise<number>>();
function formLesson(f: OrganisationFixture): Promise<number> {
  let id = shared.get(f);
  if (!id) shared.set(f, (id = finished(f)));
  return id;
}

/** A submitted observation of a fresh lesson, by the system admin (an admin over the course's sites observes). */
async function submittedObservation(f: OrganisationFixture): Promise<number> {
  const lessonSessionId = await finished(f);
  const [row] = await f.db
    .insert(observations)
    .values({ lessonSessionId, observerId: f.ids.users.system_admin, mode: 'replay', scores: {}, comment: '好', submittedAt: new Date() })
    .returning({ id: observations.id });
  return row!.id;
}

const everyDimension = Object.fromEntries(DEFAULT_RUBRIC.dimensions.map((d) => [d.key, 1]));
/** Staff with a grant in the fixture region: they read its rubric (students and devices rate nothing). */
const REGION_STAFF = SIGNED_IN.filter((p) => !['other_region_admin', 'student', 'classroom_device', 'student_link'].includes(p));
/** Those who may observe the fixture course: admins over its sites (its own teacher and sites never). */
const OBSERVERS = LEAD_SCHOOL_MANAGERS;

/** The rubric, research settings, observation form and review routes (server/research/rubrics, review). */
export const RESEARCH_REVIEW_CASES: RouteCase[] = [
  { route: 'GET /api/regions/:regionId/rubric', call: (f) => ({ method: 'GET', url: `/api/regions/${f.ids.regionId}/rubric` }), allowed: REGION_STAFF },
  { route: 'PUT /api/regions/:regionId/rubric', call: (f) => ({ method: 'PUT', url: `/api/regions/${f.ids.regionId}/rubric`, body: DEFAULT_RUBRIC }), allowed: REGION_MANAGERS },
  { route: 'GET /api/regions/:regionId/research-settings', call: (f) => ({ method: 'GET', url: `/api/regions/${f.ids.regionId}/research-settings` }), allowed: REGION_MANAGERS },
  {
    route: 'PUT /api/regions/:regionId/research-settings',
    call: (f) => ({ method: 'PUT', url: `/api/regions/${f.ids.regionId}/research-settings`, body: { observationTarget: null, adminsSeeComments: false, reviewDays: 14 } }),
    allowed: REGION_MANAGERS,
  },
  { route: 'GET /api/lessons/:lessonId/observation/form', call: async (f) => ({ method: 'GET', url: `/api/lessons/${await formLesson(f)}/observation/form` }), allowed: OBSERVERS },
  { route: 'PUT /api/lessons/:lessonId/observation/form', call: async (f) => ({ method: 'PUT', url: `/api/lessons/${await formLesson(f)}/observation/form`, body: { scores: { goals: 0 } } }), allowed: OBSERVERS },
  {
    route: 'POST /api/lessons/:lessonId/observation/form/submit',
    call: async (f) => ({ method: 'POST', url: `/api/lessons/${await formLesson(f)}/observation/form/submit`, body: { scores: everyDimension, comment: '示范' } }),
    allowed: OBSERVERS,
  },
  { route: 'GET /api/lessons/:lessonId/review', call: async (f) => ({ method: 'GET', url: `/api/lessons/${await formLesson(f)}/review` }), allowed: [...LEAD_SCHOOL_MANAGERS, 'teacher'] },
  { route: 'POST /api/lessons/:lessonId/review/close', call: async (f) => ({ method: 'POST', url: `/api/lessons/${await finished(f)}/review/close` }), allowed: ['teacher'] },
  {
    route: 'POST /api/observations/:observationId/replies',
    call: async (f) => ({ method: 'POST', url: `/api/observations/${await submittedObservation(f)}/replies`, body: { text: '谢谢' } }),
    allowed: ['teacher'],
    success: 204,
  },
  { route: 'GET /api/reviews/mine', call: () => ({ method: 'GET', url: '/api/reviews/mine' }), allowed: SIGNED_IN },
];
