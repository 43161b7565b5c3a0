import { eq } from 'drizzle-orm';
import { lessonSessions, recordingViewings, recordings } from '../../server/db/schema/index.js';
import { COURSE_READERS, type RouteCase } from './authz-cases.js';
import type { OrganisationFixture } from './fixtures.js';

/** A ready, unpublished recording of the fixture course, made once per fixture (its audience: the course's). */
const made = new WeakMap<OrganisationFixture, Promise<number>>();
function courseRecording(f: OrganisationFixture): Promise<number> {
  let id = made.get(f);
  if (!id) {
    id = (async () => {
      const startedAt = new Date(Date.now() - 2 * 86_400_000);
      const endedAt = new Date(startedAt.getTime() + 40 * 60_000);
      const [session] = await f.db
        .insert(lessonSessions)
        .values({ courseId: f.ids.courseId, startedBy: f.ids.users.teacher, startedAt, lastHeartbeatAt: endedAt, endedAt, endReason: 'ended_by_teacher' })
        .returning({ id: lessonSessions.id });
      const [row] = await f.db
        .insert(recordings)
        .values({ lessonSessionId: session!.id, courseId: f.ids.courseId, title: '矩阵录像', status: 'ready', startedAt, endedAt, durationMs: 40 * 60_000 })
        .returning({ id: recordings.id });
      return row!.id;
    })();
    made.set(f, id);
  }
  return id;
}

/** A viewing of the system admin's own, its last report a minute ago (so a short report is believable). */
async function adminViewing(f: OrganisationFixture): Promise<number> {
  const res = await (await f.as('system_admin')).post(`/api/recordings/${await courseRecording(f)}/viewings`, { device: 'desktop', rendition: 'high' });
  if (res.statusCode !== 201) throw new Error(`could not start a viewing: ${res.statusCode} ${res.body}`);
  const viewingId = Number(res.json().viewingId);
  await f.db.update(recordingViewings).set({ lastReportAt: new Date(Date.now() - 60_000) }).where(eq(recordingViewings.id, viewingId));
  return viewingId;
}

/**
 * The viewing routes (server/recordings/viewing): an unpublished recording is watched by its course's
 * audience (those who read the course); only the viewer reports on her own viewing.
 */
export const RECORDING_VIEWING_CASES: RouteCase[] = [
  {
    route: 'POST /api/recordings/:recordingId/viewings',
    call: async (f) => ({ method: 'POST', url: `/api/recordings/${await courseRecording(f)}/viewings`, body: { device: 'desktop', rendition: 'low' } }),
    allowed: COURSE_READERS,
    success: 201,
  },
  {
    route: 'POST /api/recording-viewings/:viewingId',
    call: async (f) => ({ method: 'POST', url: `/api/recording-viewings/${await adminViewing(f)}`, body: { ranges: [[0, 10]] } }),
    allowed: ['system_admin'],
  },
];
