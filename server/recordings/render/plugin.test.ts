import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { courses, lessonSessions, recordings } from '../../db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture } from '../../../test/support/fixtures.js';

let fixture: OrganisationFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('the render jobs in the app', () => {
  it('are started with the app: a recording that stops is taken from the queue when the recorder kicks', async () => {
    fixture = await createOrganisationFixture({}, { ffmpegPath: '/nonexistent/bin/ffmpeg' });
    const { db, ids, t } = fixture;
    const [course] = await db.select().from(courses).where(eq(courses.id, ids.courseId));
    const now = new Date();
    const [lesson] = await db.insert(lessonSessions).values({ courseId: course!.id, startedBy: ids.users.teacher, startedAt: now, lastHeartbeatAt: now }).returning();
    const [recording] = await db
      .insert(recordings)
      .values({ lessonSessionId: lesson!.id, courseId: course!.id, title: '三年级音乐', status: 'processing', startedAt: now, endedAt: now, durationMs: 1_000 })
      .returning();
    t.app.recordingJobs.kick();
    await t.app.recordingJobs.idle();
    expect((await db.select().from(recordings).where(eq(recordings.id, recording!.id)))[0]).toMatchObject({ status: 'failed', failure: 'no_media' });
  });
});
