import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../server/db/store.js';
import { courses, lessonReviews, lessonSessions, observationNotes, observations, rubrics, schools, users } from '../../server/db/schema/index.js';
import { DEFAULT_RUBRIC } from '../../server/research/rubrics/default-rubric.js';
import { login, useBrowser, visible } from './browser.js';

/**
 * A finished lesson of teacher.wang's 三年级音乐 that teacher.li observed from the recording: her submitted
 * form on the default rubric (every dimension 良好 = 80, 远端关注 优秀 = 100 → weighted 84), two notes at
 * 02:05 and 12:34 and a comment. Made straight in the store (the observer view is another part's page).
 */
async function observedLesson(database: DatabaseHandle): Promise<{ lessonId: number; regionId: number }> {
  const db = database.db;
  const byName = async (username: string) => (await db.select({ id: users.id }).from(users).where(eq(users.username, username)).limit(1))[0]!.id;
  const [wang, li] = [await byName('teacher.wang'), await byName('teacher.li')];
  const [course] = await db.select({ id: courses.id, regionId: schools.regionId }).from(courses).innerJoin(schools, eq(schools.id, courses.schoolId)).where(eq(courses.leadTeacherId, wang)).limit(1);
  const startedAt = new Date(Date.now() - 3 * 3_600_000);
  const endedAt = new Date(startedAt.getTime() + 40 * 60_000);
  const [lesson] = await db.insert(lessonSessions).values({ courseId: course!.id, startedBy: wang, startedAt, lastHeartbeatAt: endedAt, endedAt, endReason: 'ended_by_teacher' }).returning({ id: lessonSessions.id });
  const [rubric] = await db.insert(rubrics).values({ regionId: course!.regionId, body: DEFAULT_RUBRIC }).returning({ id: rubrics.id });
  const scores = Object.fromEntries(DEFAULT_RUBRIC.dimensions.map((d) => [d.key, d.key === 'remote' ? 0 : 1]));
  const [observation] = await db
    .insert(observations)
    .values({ lessonSessionId: lesson!.id, observerId: li, mode: 'replay', rubricId: rubric!.id, scores, comment: '远端学生参与充分', submittedAt: new Date() })
    .returning({ id: observations.id });
  await db.insert(observationNotes).values([
    { observationId: observation!.id, atMs: 125_000, mode: 'replay', text: '情境导入' },
    { observationId: observation!.id, atMs: 754_000, mode: 'replay', text: '点名提问教学点学生' },
  ]);
  await db.insert(lessonReviews).values({ lessonSessionId: lesson!.id, closesAt: new Date(Date.now() + 7 * 86_400_000) });
  return { lessonId: lesson!.id, regionId: course!.regionId };
}

/*
 * 评课 in the browser: teacher.wang finds the observed lesson in 我的评课 on her home, reads the scores, both
 * notes at their lesson times and teacher.li's comment, and replies; the county admin's rubric page refuses
 * weights that do not add up to 100 with a Chinese message.
 */
describe('the lesson review in the browser', () => {
  const browser = useBrowser();
  let database: DatabaseHandle;
  let made: { lessonId: number; regionId: number };
  beforeAll(async () => {
    database = await openDatabase(inject('dbPath'));
    made = await observedLesson(database);
  });
  afterAll(async () => database?.close());

  it('shows teacher.wang the scores, the notes in lesson time and the comment, and takes her reply', { timeout: 90_000 }, async () => {
    const { page } = await browser.newUser();
    await login(page, 'teacher.wang');
    const row = page.getByTestId('my-review-row').filter({ hasText: '84' });
    await (await visible(row.getByTestId('my-review-open'))).click();
    await visible(page.getByTestId('review-page'));
    expect(await (await visible(page.getByTestId('review-score-remote'))).innerText()).toContain('100');
    expect(await page.getByTestId('review-score-total').innerText()).toContain('84');
    const notes = await page.getByTestId('review-note').allInnerTexts();
    expect(notes.map((n) => n.split('\t')[0]?.trim())).toEqual(['02:05', '12:34']);
    expect(notes[1]).toContain('点名提问教学点学生');
    expect(await page.getByTestId('review-comment').innerText()).toContain('远端学生参与充分');
    await page.getByTestId('review-reply-input').fill('谢谢，下节课继续');
    await page.getByTestId('review-reply-send').click();
    await visible(page.getByTestId('review-reply').filter({ hasText: '谢谢，下节课继续' }));
  });

  it('refuses a rubric whose weights do not add up to 100 on the county admin’s page', { timeout: 60_000 }, async () => {
    const { page } = await browser.newUser();
    await login(page, 'county');
    await (await visible(page.getByTestId('rubric-card'))).click();
    await visible(page.getByTestId('rubric-page'));
    const weight = page.getByTestId('rubric-weight').first();
    // Other tests of the suite may have saved versions too (a first rating stores the default): count this page's.
    const versions = async () => (await database.db.select().from(rubrics).where(eq(rubrics.regionId, made.regionId))).length;
    const before = await versions();
    await (await visible(weight)).fill('25');
    expect(await page.getByTestId('rubric-weight-total').innerText()).toContain('110');
    await page.getByTestId('rubric-save').click();
    expect(await (await visible(page.getByTestId('rubric-error'))).innerText()).toContain('权重合计须为 100，现在是 110');
    expect(await versions()).toBe(before);
    await weight.fill('15');
    await page.getByTestId('rubric-save').click();
    await visible(page.getByTestId('rubric-notice'));
    expect(await versions()).toBe(before + 1);
  });
});
