import { observationNotes } from '../../server/db/schema/index.js';
import { ObservationsRepository } from '../../server/research/observations/repository.js';
import { LEAD_SCHOOL_MANAGERS, SIGNED_IN, type RouteCase } from './authz-cases.js';
import type { OrganisationFixture } from './fixtures.js';
import { finishedLesson } from './recordings.js';

/*
 * 听课笔记 in the authorization matrix. Of the fixture's principals only admins over the course's sites may
 * observe it (the lead teacher and the course's sites are its participants; no other teacher of the region
 * is among them — observing colleagues are tested in test/integration/observation-notes.test.ts). A note
 * belongs to its observer alone, so the note routes are refused to every principal on an observation of
 * someone outside the matrix.
 */

/** A lesson of its own per case, observed already by every principal allowed to observe it. */
async function observedLesson(f: OrganisationFixture, n: number): Promise<number> {
  const lessonSessionId = await finishedLesson(f, new Date(Date.UTC(2026, 8, 7, 1) + n * 3600_000));
  const repo = new ObservationsRepository(f.db);
  for (const key of LEAD_SCHOOL_MANAGERS) await repo.open(lessonSessionId, f.ids.users[key as 'system_admin'], 'replay');
  return lessonSessionId;
}

/** An observation (with one note) of a teacher of the region who is none of the matrix's principals. */
async function othersObservation(f: OrganisationFixture, n: number): Promise<{ observationId: number; noteId: number }> {
  const lessonSessionId = await finishedLesson(f, new Date(Date.UTC(2026, 8, 7, 1) + n * 3600_000));
  const observerId = await f.addUser(`matrix-observer-${n}`, 'teacher', { schoolId: f.ids.independentSchoolId });
  const repo = new ObservationsRepository(f.db);
  await repo.open(lessonSessionId, observerId, 'replay');
  const observation = (await repo.ofObserver(lessonSessionId, observerId))!;
  const [note] = await f.db.insert(observationNotes).values({ observationId: observation.id, atMs: 60_000, mode: 'replay', text: '导入' }).returning();
  return { observationId: observation.id, noteId: note!.id };
}

export const OBSERVATION_NOTES_CASES: RouteCase[] = [
  { route: 'POST /api/lessons/:lessonId/observation', call: async (f) => ({ method: 'POST', url: `/api/lessons/${await finishedLesson(f)}/observation`, body: { mode: 'replay' } }), allowed: LEAD_SCHOOL_MANAGERS },
  { route: 'GET /api/lessons/:lessonId/observation', call: async (f, n) => ({ method: 'GET', url: `/api/lessons/${await observedLesson(f, n)}/observation` }), allowed: LEAD_SCHOOL_MANAGERS },
  { route: 'GET /api/observations/mine', call: () => ({ method: 'GET', url: '/api/observations/mine' }), allowed: SIGNED_IN },
  {
    route: 'POST /api/observations/:observationId/notes',
    call: async (f, n) => ({ method: 'POST', url: `/api/observations/${(await othersObservation(f, n)).observationId}/notes`, body: { atMs: 1000, text: '不是我的', mode: 'replay' } }),
    allowed: [],
  },
  {
    route: 'PATCH /api/observations/:observationId/notes/:noteId',
    call: async (f, n) => {
      const { observationId, noteId } = await othersObservation(f, n);
      return { method: 'PATCH', url: `/api/observations/${observationId}/notes/${noteId}`, body: { text: '改掉' } };
    },
    allowed: [],
  },
  {
    route: 'DELETE /api/observations/:observationId/notes/:noteId',
    call: async (f, n) => {
      const { observationId, noteId } = await othersObservation(f, n);
      return { method: 'DELETE', url: `/api/observations/${observationId}/notes/${noteId}` };
    },
    allowed: [],
  },
];
