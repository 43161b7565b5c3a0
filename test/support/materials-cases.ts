import { and, asc, eq, gt } from 'drizzle-orm';
import { lessonMaterials, scheduledLessons } from '../../server/db/schema/index.js';
import { COURSE_READERS, SIGNED_IN, type RouteCase } from './authz-cases.js';
import type { OrganisationFixture } from './fixtures.js';

const HOUR = 3_600_000;

/** A lesson of the fixture course of its own, `hours` from now (and `n` seconds: distinct per case). */
async function lessonAt(f: OrganisationFixture, n: number, hours: number): Promise<number> {
  const startsAt = new Date(Date.now() + hours * HOUR + n * 1000);
  const [row] = await f.db.insert(scheduledLessons).values({ courseId: f.ids.courseId, slotId: null, startsAt, endsAt: new Date(startsAt.getTime() + 40 * 60_000), adHoc: true }).returning({ id: scheduledLessons.id });
  return row!.id;
}

/** A link material a site may open now: shown after its lesson, which started a day ago. */
async function openMaterial(f: OrganisationFixture, n: number): Promise<number> {
  const scheduledLessonId = await lessonAt(f, n, -24);
  const [row] = await f.db
    .insert(lessonMaterials)
    .values({ scheduledLessonId, courseId: f.ids.courseId, kind: 'link', title: `资料${n}`, url: 'https://example.cn/m', shown: 'after', beforeHours: 24, position: 1, createdBy: f.ids.users.teacher })
    .returning({ id: lessonMaterials.id });
  return row!.id;
}

/** The fixture course's first timetabled lesson still ahead (it has later ones to copy to). */
async function upcomingLesson(f: OrganisationFixture): Promise<number> {
  const [row] = await f.db
    .select({ id: scheduledLessons.id })
    .from(scheduledLessons)
    .where(and(eq(scheduledLessons.courseId, f.ids.courseId), eq(scheduledLessons.adHoc, false), gt(scheduledLessons.startsAt, new Date())))
    .orderBy(asc(scheduledLessons.startsAt))
    .limit(1);
  return row!.id;
}

/** The materials routes (server/materials): planned by the lead teacher alone; listed by anyone signed in; opened by whoever reads the course. */
export const MATERIALS_CASES: RouteCase[] = [
  { route: 'GET /api/scheduled-lessons/:id/materials', call: async (f, n) => ({ method: 'GET', url: `/api/scheduled-lessons/${await lessonAt(f, n, 48)}/materials` }), allowed: ['teacher'] },
  {
    route: 'POST /api/scheduled-lessons/:id/materials',
    call: async (f, n) => ({ method: 'POST', url: `/api/scheduled-lessons/${await lessonAt(f, n, 48)}/materials`, body: { kind: 'link', title: `录像${n}`, url: 'https://example.cn/v', shown: 'both' } }),
    allowed: ['teacher'],
    success: 201,
  },
  { route: 'PUT /api/scheduled-lessons/:id/materials/order', call: async (f, n) => ({ method: 'PUT', url: `/api/scheduled-lessons/${await lessonAt(f, n, 48)}/materials/order`, body: { ids: [] } }), allowed: ['teacher'] },
  { route: 'POST /api/scheduled-lessons/:id/materials/copy-to-next', call: async (f) => ({ method: 'POST', url: `/api/scheduled-lessons/${await upcomingLesson(f)}/materials/copy-to-next` }), allowed: ['teacher'] },
  { route: 'DELETE /api/materials/:id', call: async (f, n) => ({ method: 'DELETE', url: `/api/materials/${await openMaterial(f, n)}` }), allowed: ['teacher'], success: 204 },
  { route: 'GET /api/me/materials', call: () => ({ method: 'GET', url: '/api/me/materials' }), allowed: SIGNED_IN },
  { route: 'POST /api/materials/:id/open', call: async (f, n) => ({ method: 'POST', url: `/api/materials/${await openMaterial(f, n)}/open` }), allowed: COURSE_READERS },
];
