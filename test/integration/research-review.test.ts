import { eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RubricBody } from '../../shared/api/research.js';
import type { MyReviewItem, ObservationForm, ReviewView, RubricVersion } from '../../shared/api/research-review.js';
import { lessonReviews, observationNotes, observations, rubrics } from '../../server/db/schema/index.js';
import { DEFAULT_RUBRIC } from '../../server/research/rubrics/default-rubric.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, recordFinishedLesson, type OrganisationFixture } from '../support/fixtures.js';
import { TestClient } from '../support/app.js';

/*
 * Rating and review (评课) over the fixture county: two teachers of the region's independent school (河口中学,
 * not a site of the course) observe a finished lesson of 王老师's music course and rate it on the default
 * rubric; a third only drafts. The numbers are worked out by hand from the default weights
 * (goals 15, content 20, methods 15, interaction 20, remote 20, effect 10; levels 100/80/60/40):
 *   A: every dimension 优秀 (100) but remote 合格 (60)   → 0.8·100 + 0.2·60 = 92
 *   B: every dimension 良好 (80) but remote 待改进 (40)  → 0.8·80 + 0.2·40 = 72
 *   remote: 60, 40 → mean 50, min 40, max 60, sd 10;  goals: 100, 80 → mean 90, sd 10;  total: mean 82, sd 10.
 */
describe('rubrics, observation forms and the lesson review', () => {
  let f: OrganisationFixture;
  let lessonId: number;
  const observer: Record<'a' | 'b' | 'c' | 'outsider', TestClient> = {} as never;
  const ratings = (best: number, remote: number) => Object.fromEntries(DEFAULT_RUBRIC.dimensions.map((d) => [d.key, d.key === 'remote' ? remote : best]));
  const formUrl = () => `/api/lessons/${lessonId}/observation/form`;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    lessonId = await recordFinishedLesson(f, new Date(Date.now() - 2 * 3_600_000), []);
    for (const [key, scope] of [['a', f.ids.independentSchoolId], ['b', f.ids.independentSchoolId], ['c', f.ids.independentSchoolId], ['outsider', f.ids.otherSchoolId]] as const) {
      await f.addUser(`observer-${key}`, 'teacher', { schoolId: scope });
      observer[key] = new TestClient(f.t.app);
      expect((await observer[key].login(`observer-${key}`, FIXTURE_PASSWORD)).statusCode).toBe(200);
    }
  });
  afterAll(() => f?.close());

  describe('the region rubric', () => {
    const rubricUrl = () => `/api/regions/${f.ids.regionId}/rubric`;
    const withWeights = (first: number): RubricBody => ({ ...DEFAULT_RUBRIC, dimensions: DEFAULT_RUBRIC.dimensions.map((d, i) => (i === 0 ? { ...d, weight: first } : d)) });

    it('is the default until the region saves one, for its teachers too', async () => {
      const res = await observer.a.get(rubricUrl());
      expect(res.statusCode).toBe(200);
      expect((res.json() as RubricVersion)).toMatchObject({ id: null, versions: 0, body: { name: DEFAULT_RUBRIC.name } });
      expect((await (await f.as('other_region_admin')).get(rubricUrl())).statusCode).toBe(403);
      expect((await (await f.as('student')).get(rubricUrl())).statusCode).toBe(403);
    });

    it('refuses a rubric whose weights, keys or levels are wrong, naming the dimension, and saves nothing', async () => {
      const admin = await f.as('region_admin');
      const badWeights = await admin.put(rubricUrl(), withWeights(20));
      expect(badWeights.statusCode).toBe(400);
      expect(badWeights.json().error).toMatchObject({ code: 'rubric_weights' });
      expect(badWeights.json().error.message).toContain('105');

      const duplicate = { ...DEFAULT_RUBRIC, dimensions: DEFAULT_RUBRIC.dimensions.map((d, i) => (i === 1 ? { ...d, key: 'goals' } : d)) };
      const dup = await admin.put(rubricUrl(), duplicate);
      expect(dup.statusCode).toBe(400);
      expect(dup.json().error.code).toBe('rubric_duplicate_key');
      expect(dup.json().error.message).toContain('教学内容');

      const levels = { ...DEFAULT_RUBRIC, dimensions: DEFAULT_RUBRIC.dimensions.map((d, i) => (i === 2 ? { ...d, levels: [{ label: '优秀', score: 90 }, { label: '良好', score: 90 }] } : d)) };
      const lv = await admin.put(rubricUrl(), levels);
      expect(lv.statusCode).toBe(400);
      expect(lv.json().error.code).toBe('rubric_levels');
      expect(lv.json().error.message).toContain('教学方法');

      expect((await observer.a.put(rubricUrl(), DEFAULT_RUBRIC)).statusCode).toBe(403);
      expect((await (await f.as('other_region_admin')).put(rubricUrl(), DEFAULT_RUBRIC)).statusCode).toBe(403);
      expect(await f.db.select().from(rubrics)).toHaveLength(0);
    });

    it('adds a version on every save; the newest is the region’s rubric', async () => {
      const admin = await f.as('region_admin');
      const first = await admin.put(rubricUrl(), { ...DEFAULT_RUBRIC, name: '第一版' });
      expect(first.statusCode).toBe(200);
      const second = await admin.put(rubricUrl(), { ...DEFAULT_RUBRIC, name: '第二版' });
      expect(second.json()).toMatchObject({ versions: 2, body: { name: '第二版' } });
      expect((await observer.b.get(rubricUrl())).json()).toMatchObject({ id: second.json().id, body: { name: '第二版' } });
    });

    it('keeps the research settings of the region for its admins only', async () => {
      const url = `/api/regions/${f.ids.regionId}/research-settings`;
      const admin = await f.as('region_admin');
      expect((await admin.get(url)).json()).toEqual({ observationTarget: null, adminsSeeComments: false, reviewDays: 14 });
      expect((await (await f.as('other_region_admin')).put(url, { observationTarget: 9, adminsSeeComments: true, reviewDays: 3 })).statusCode).toBe(403);
      expect((await admin.put(url, { observationTarget: 8, adminsSeeComments: false, reviewDays: 7 })).json()).toEqual({ observationTarget: 8, adminsSeeComments: false, reviewDays: 7 });
      expect((await observer.a.get(url)).statusCode).toBe(403);
    });
  });

  describe('the observation form', () => {
    it('saves a partial draft, opening her observation as a replay, and fixes when the review closes', async () => {
      const res = await observer.a.put(formUrl(), { scores: { goals: 0 }, comment: '导入很好' });
      expect(res.statusCode).toBe(200);
      const form = res.json() as ObservationForm;
      expect(form).toMatchObject({ scores: { goals: 0 }, comment: '导入很好', submittedAt: null, closed: false, weightedTotal: 100 });
      // The region's newest version when she first saved; reviewDays 7 after the lesson's end.
      expect(form.rubric.body.name).toBe('第二版');
      const [row] = await f.db.select().from(observations).where(eq(observations.id, form.observationId!));
      expect(row).toMatchObject({ mode: 'replay', submittedAt: null });
      const [review] = await f.db.select().from(lessonReviews).where(eq(lessonReviews.lessonSessionId, lessonId));
      const lessonEnd = Date.now() - 2 * 3_600_000 + 40 * 60_000;
      expect(Math.abs(review!.closesAt.getTime() - (lessonEnd + 7 * 86_400_000))).toBeLessThan(5_000);
    });

    it('submits only with every dimension rated, keeping the first submission time', async () => {
      const partial = await observer.a.post(`${formUrl()}/submit`, { scores: { goals: 0 } });
      expect(partial.statusCode).toBe(400);
      expect(partial.json().error.code).toBe('rubric_scores');
      expect((await observer.a.put(formUrl(), { scores: { goals: 9 } })).statusCode).toBe(400);

      const first = (await observer.a.post(`${formUrl()}/submit`, { scores: ratings(1, 1) })).json() as ObservationForm;
      expect(first.submittedAt).not.toBeNull();
      const again = await observer.a.post(`${formUrl()}/submit`, { scores: ratings(0, 2), comment: '远端关注不够' });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ submittedAt: first.submittedAt, weightedTotal: 92, comment: '远端关注不够' });
      expect((await observer.b.post(`${formUrl()}/submit`, { scores: ratings(1, 3), comment: '互动充分' })).json().weightedTotal).toBe(72);
      expect((await observer.c.put(formUrl(), { scores: { goals: 3 } })).statusCode).toBe(200);
    });

    it('is refused to someone who may not observe the course, and to its own teacher', async () => {
      expect((await observer.outsider.get(formUrl())).statusCode).toBe(403);
      expect((await observer.outsider.put(formUrl(), { scores: {} })).statusCode).toBe(403);
      expect((await (await f.as('teacher')).put(formUrl(), { scores: {} })).statusCode).toBe(403);
    });
  });

  describe('the review', () => {
    beforeAll(async () => {
      const [a] = await f.db.select().from(observations).where(eq(observations.comment, '远端关注不够'));
      await f.db.insert(observationNotes).values([
        { observationId: a!.id, atMs: 754_000, mode: 'replay', text: '点名提问教学点学生' },
        { observationId: a!.id, atMs: 61_000, mode: 'replay', text: '导入' },
      ]);
    });

    it('gives the lead teacher the mean and spread of the submitted forms, every note in lesson time and the comments', async () => {
      const res = await (await f.as('teacher')).get(`/api/lessons/${lessonId}/review`);
      expect(res.statusCode).toBe(200);
      const review = res.json() as ReviewView;
      expect(review).toMatchObject({ observers: 3, submitted: 2, notesCount: 2, detailed: true, isLeadTeacher: true, closed: false });
      expect(review.weightedTotal).toEqual({ n: 2, mean: 82, min: 72, max: 92, sd: 10 });
      expect(review.dimensions.find((d) => d.key === 'remote')!.stats).toEqual({ n: 2, mean: 50, min: 40, max: 60, sd: 10 });
      expect(review.dimensions.find((d) => d.key === 'goals')!.stats).toEqual({ n: 2, mean: 90, min: 80, max: 100, sd: 10 });
      expect(review.notes.map((n) => [n.atMs, n.text, n.observerName])).toEqual([
        [61_000, '导入', 'observer-a'],
        [754_000, '点名提问教学点学生', 'observer-a'],
      ]);
      expect(review.comments.map((c) => [c.observerName, c.comment, c.weightedTotal])).toEqual([
        ['observer-a', '远端关注不够', 92],
        ['observer-b', '互动充分', 72],
      ]);
    });

    it('gives an admin the aggregates only, unless the region lets admins read comments', async () => {
      const admin = await f.as('region_admin');
      const plain = (await admin.get(`/api/lessons/${lessonId}/review`)).json() as ReviewView;
      expect(plain).toMatchObject({ detailed: false, comments: [], notes: [], notesCount: 2, submitted: 2, isLeadTeacher: false });
      expect(plain.weightedTotal.mean).toBe(82);
      await admin.put(`/api/regions/${f.ids.regionId}/research-settings`, { observationTarget: 8, adminsSeeComments: true, reviewDays: 7 });
      const detailed = (await admin.get(`/api/lessons/${lessonId}/review`)).json() as ReviewView;
      expect(detailed.comments).toHaveLength(2);
      expect(detailed.notes).toHaveLength(2);
      expect((await (await f.as('other_region_admin')).get(`/api/lessons/${lessonId}/review`)).statusCode).toBe(403);
      expect((await observer.a.get(`/api/lessons/${lessonId}/review`)).statusCode).toBe(403);
    });

    it('lets only the lead teacher reply', async () => {
      const [a] = await f.db.select().from(observations).where(eq(observations.comment, '远端关注不够'));
      const url = `/api/observations/${a!.id}/replies`;
      expect((await observer.a.post(url, { text: '我自己回复' })).statusCode).toBe(403);
      expect((await (await f.as('region_admin')).post(url, { text: '管理员回复' })).statusCode).toBe(403);
      expect((await (await f.as('teacher')).post(url, { text: '   ' })).statusCode).toBe(400);
      expect((await (await f.as('teacher')).post(url, { text: '谢谢，下节课多关注教学点' })).statusCode).toBe(204);
      const review = (await (await f.as('teacher')).get(`/api/lessons/${lessonId}/review`)).json() as ReviewView;
      expect(review.comments[0]!.replies.map((r) => r.text)).toEqual(['谢谢，下节课多关注教学点']);
    });

    it('lists the lesson in her 我的评课 with the submitted count and mean', async () => {
      const mine = (await (await f.as('teacher')).get('/api/reviews/mine')).json() as MyReviewItem[];
      expect(mine).toEqual([expect.objectContaining({ lessonSessionId: lessonId, observers: 3, submitted: 2, meanScore: 82 })]);
      expect((await observer.a.get('/api/reviews/mine')).json()).toEqual([]);
    });

    it('refuses every change to a form once the review has closed (by its time or by the lead teacher)', async () => {
      await f.db.update(lessonReviews).set({ closesAt: new Date(Date.now() - 1000) }).where(eq(lessonReviews.lessonSessionId, lessonId));
      const late = await observer.b.put(formUrl(), { scores: ratings(0, 0) });
      expect(late.statusCode).toBe(409);
      expect(late.json().error.code).toBe('review_closed');
      expect((await observer.b.get(formUrl())).json()).toMatchObject({ closed: true, weightedTotal: 72 });

      await f.db.update(lessonReviews).set({ closesAt: new Date(Date.now() + 86_400_000) }).where(eq(lessonReviews.lessonSessionId, lessonId));
      expect((await observer.b.put(formUrl(), { scores: ratings(1, 3), comment: '互动充分' })).statusCode).toBe(200);
      expect((await (await f.as('region_admin')).post(`/api/lessons/${lessonId}/review/close`)).statusCode).toBe(403);
      const closed = await (await f.as('teacher')).post(`/api/lessons/${lessonId}/review/close`);
      expect(closed.json()).toMatchObject({ closed: true });
      expect((await observer.c.post(`${formUrl()}/submit`, { scores: ratings(0, 0) })).statusCode).toBe(409);
      const [c] = await f.db.select().from(observations).where(isNull(observations.submittedAt));
      expect(c).toMatchObject({ scores: { goals: 3 }, submittedAt: null });
    });
  });
});
