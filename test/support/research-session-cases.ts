import { lessonSessions, researchSessions } from '../../server/db/schema/index.js';
import { LEAD_SCHOOL_MANAGERS, SIGNED_IN, type RouteCase } from './authz-cases.js';
import type { OrganisationFixture } from './fixtures.js';

/*
 * The authorization matrix's cases for teaching-research sessions (协同教研). Who may meet about the fixture
 * course's lessons: its lead teacher and whoever may observe it (the admins over its sites; the fixture has
 * no other teacher of the group). Changing, cancelling and starting a session: its convener alone.
 */

/** Those who may schedule, list and read the attendance of sessions about the fixture course's lessons. */
const MEETERS = [...LEAD_SCHOOL_MANAGERS, 'teacher'] as const;

/** A finished lesson of the fixture course (one per fixture). */
const lessons = new WeakMap<OrganisationFixture, Promise<number>>();
function observedLesson(f: OrganisationFixture): Promise<number> {
  let id = lessons.get(f);
  if (!id) {
    id = (async () => {
      const startedAt = new Date(Date.now() - 86_400_000);
      const endedAt = new Date(startedAt.getTime() + 40 * 60_000);
      const [row] = await f.db
        .insert(lessonSessions)
        .values({ courseId: f.ids.courseId, startedBy: f.ids.users.teacher, startedAt, lastHeartbeatAt: endedAt, endedAt, endReason: 'ended_by_teacher' })
        .returning({ id: lessonSessions.id });
      return row!.id;
    })();
    lessons.set(f, id);
  }
  return id;
}

/** A session the lead teacher convened, starting `minutes` from now (a fresh one per case). */
async function convened(f: OrganisationFixture, minutes: number): Promise<number> {
  const [row] = await f.db
    .insert(researchSessions)
    .values({ lessonSessionId: await observedLesson(f), title: '矩阵教研', convenerId: f.ids.users.teacher, scheduledAt: new Date(Date.now() + minutes * 60_000), durationMinutes: 45 })
    .returning({ id: researchSessions.id });
  return row!.id;
}

export const RESEARCH_SESSION_CASES: RouteCase[] = [
  { route: 'GET /api/lessons/:lessonId/research-sessions', call: async (f) => ({ method: 'GET', url: `/api/lessons/${await observedLesson(f)}/research-sessions` }), allowed: MEETERS },
  {
    route: 'POST /api/lessons/:lessonId/research-sessions',
    call: async (f, n) => ({ method: 'POST', url: `/api/lessons/${await observedLesson(f)}/research-sessions`, body: { title: `评课${n}`, scheduledAt: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 60 } }),
    allowed: MEETERS,
    success: 201,
  },
  { route: 'GET /api/research-sessions/upcoming', call: () => ({ method: 'GET', url: '/api/research-sessions/upcoming' }), allowed: SIGNED_IN },
  { route: 'PATCH /api/research-sessions/:id', call: async (f, n) => ({ method: 'PATCH', url: `/api/research-sessions/${await convened(f, 120)}`, body: { title: `改期${n}` } }), allowed: ['teacher'] },
  { route: 'DELETE /api/research-sessions/:id', call: async (f) => ({ method: 'DELETE', url: `/api/research-sessions/${await convened(f, 120)}` }), allowed: ['teacher'], success: 204 },
  // Starting takes the course's live session for the meeting (no lesson case of the matrix needs it live).
  { route: 'POST /api/research-sessions/:id/start', call: async (f) => ({ method: 'POST', url: `/api/research-sessions/${await convened(f, 5)}/start` }), allowed: ['teacher'] },
  { route: 'GET /api/research-sessions/:id/attendance', call: async (f) => ({ method: 'GET', url: `/api/research-sessions/${await convened(f, 120)}/attendance` }), allowed: MEETERS },
];
