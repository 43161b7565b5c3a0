import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lessonSessions } from '../db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture } from '../../test/support/fixtures.js';
import { LessonsRepository } from './repository.js';

/*
 * Several nodes on one PostgreSQL: the store, not a node's registry, decides a course's one live session, and
 * which node takes over a dead node's lesson.
 */
describe('lesson sessions shared by several nodes', () => {
  let f: OrganisationFixture;
  let repo: LessonsRepository;
  beforeAll(async () => {
    f = await createOrganisationFixture();
    repo = new LessonsRepository(f.db);
  });
  afterAll(async () => f?.close());

  it('starts one live session per course when two nodes start it at the same moment', async () => {
    const { courseId } = f.ids;
    const teacher = f.ids.users.teacher;
    const now = new Date();
    const results = await Promise.all(['node-a', 'node-b', 'node-c'].map((node) => repo.startSessionAlone(courseId, teacher, null, now, node, null)));
    const started = results.filter((r) => 'lessonSessionId' in r);
    expect(started).toHaveLength(1);
    const open = await f.db.select().from(lessonSessions).where(and(eq(lessonSessions.courseId, courseId), isNull(lessonSessions.endedAt)));
    expect(open).toHaveLength(1);
    // The others are told which node runs it.
    for (const other of results.filter((r) => 'runningOn' in r)) expect(other).toEqual({ runningOn: open[0]!.nodeId });

    // Its node died: of two nodes taking it over at once, one does.
    const takeOvers = await Promise.all(['node-x', 'node-y'].map((node) => repo.takeOver(open[0]!.id, open[0]!.nodeId, node, new Date())));
    expect(takeOvers.filter(Boolean)).toHaveLength(1);
    const [after] = await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, open[0]!.id));
    expect(after?.nodeId).toBe(takeOvers[0] ? 'node-x' : 'node-y');
    await repo.endSession(open[0]!.id, teacher, 'ended_by_teacher', new Date());
  });
});
