import type { RubricBody } from '../../../shared/api/research.js';
import type { MyReviewItem, ReviewComment, ReviewView } from '../../../shared/api/research-review.js';
import type { Access } from '../../core/access.js';
import { ApiError, forbidden, notFound } from '../../core/errors.js';
import { toShanghaiIso } from '../../evidence/metrics.js';
import type { Places } from '../../organisation/places.js';
import type { CourseFacts } from '../../policy/policy.js';
import type { RubricService } from '../rubrics/service.js';
import { dimensionScore, statsOf, weightedTotal } from '../rubrics/rules.js';
import { isClosed } from './form-service.js';
import type { LessonRow, ObservationRow, ReviewRepository } from './repository.js';

/**
 * The lead teacher's review of one lesson (评课): the mean and spread of each dimension over the submitted
 * forms, every note on the lesson timeline, the observers' comments and her replies. Admins who may read
 * the course's reports see the aggregates; the comments and notes only when the region allows it
 * (`adminsSeeComments`). Observers see their own form, not this.
 */
export class ReviewService {
  constructor(
    private readonly repo: ReviewRepository,
    private readonly rubrics: RubricService,
    private readonly places: Places,
  ) {}

  async review(lessonId: number, access: Access, now = new Date()): Promise<ReviewView> {
    const { lesson, course, lead } = await this.#lesson(lessonId, access);
    const regionId = course.host.regionId;
    const detailed = lead || (await this.rubrics.settings(regionId)).adminsSeeComments;
    const observations = await this.repo.observationsOf(lessonId);
    const submitted = observations.filter((o) => o.submittedAt !== null && o.rubricId !== null && o.scores !== null);
    const bodies = await this.repo.rubricBodies([...new Set(submitted.map((o) => o.rubricId!))]);
    const bodyOf = (o: ObservationRow) => bodies.get(o.rubricId!)!;
    // Dimensions as in the newest version rated on (keys stay across versions; each rating counts by its own version's levels).
    const newestRated = submitted.reduce<number | null>((max, o) => Math.max(max ?? 0, o.rubricId!), null);
    const rubric = (newestRated !== null ? await this.rubrics.version(newestRated) : undefined) ?? (await this.rubrics.current(regionId));
    const dimensions = rubric.body.dimensions.map((d) => ({
      key: d.key,
      name: d.name,
      weight: d.weight,
      stats: statsOf(submitted.map((o) => dimensionScore(bodyOf(o), o.scores!, d.key)).filter((s): s is number => s !== null)),
    }));
    const totals = submitted.map((o) => weightedTotal(bodyOf(o), o.scores!)).filter((t): t is number => t !== null);
    const notes = await this.repo.notesOf(lessonId);
    const review = await this.repo.review(lessonId);
    return {
      lesson: { id: lesson.id, courseId: lesson.courseId, courseName: lesson.courseName, teacherName: lesson.teacherName, startedAt: toShanghaiIso(lesson.startedAt), endedAt: lesson.endedAt ? toShanghaiIso(lesson.endedAt) : null },
      rubric,
      dimensions,
      weightedTotal: statsOf(totals),
      observers: observations.length,
      submitted: submitted.length,
      notesCount: notes.length,
      detailed,
      comments: detailed ? await this.#comments(submitted, bodyOf) : [],
      notes: detailed ? notes : [],
      recordings: (await this.repo.recordingsOf(lessonId)).map((r) => ({ id: r.id, title: r.title, offsetMs: r.startedAt.getTime() - lesson.startedAt.getTime(), durationMs: r.durationMs })),
      closesAt: review ? toShanghaiIso(review.closedAt ?? review.closesAt) : null,
      closed: review !== undefined && isClosed(review, now),
      isLeadTeacher: lead,
    };
  }

  /** The lead teacher answers one observer's comment. */
  async reply(observationId: number, text: string, access: Access, now = new Date()): Promise<void> {
    const observation = await this.repo.observation(observationId);
    if (!observation) throw notFound();
    const { lead } = await this.#lesson(observation.lessonSessionId, access);
    if (!lead) throw forbidden();
    // A draft is the observer's own until she submits it.
    if (observation.submittedAt === null) throw new ApiError('conflict');
    // Spaces alone pass the schema's length but say nothing.
    if (text.trim() === '') throw new ApiError('bad_request');
    await this.repo.addReply(observationId, access.principal.userId, text.trim(), now);
  }

  /** The lead teacher closes the review early: no form of the lesson changes after this. */
  async close(lessonId: number, access: Access, now = new Date()): Promise<void> {
    const { lead } = await this.#lesson(lessonId, access);
    if (!lead) throw forbidden();
    const review = await this.repo.review(lessonId);
    if (review && isClosed(review, now)) return;
    await this.repo.closeReview(lessonId, access.principal.userId, now);
  }

  /** Her lessons that were observed, newest first, with how many forms were submitted and their mean total. */
  async mine(access: Access): Promise<MyReviewItem[]> {
    const rows = await this.repo.observationsOfTeacher(access.principal.userId);
    const bodies = await this.repo.rubricBodies([...new Set(rows.flatMap((r) => (r.rubricId === null ? [] : [r.rubricId])))]);
    const lessons = new Map<number, MyReviewItem & { totals: number[] }>();
    for (const row of rows) {
      const item = lessons.get(row.lessonSessionId) ?? { lessonSessionId: row.lessonSessionId, courseName: row.courseName, startedAt: toShanghaiIso(row.startedAt), observers: 0, submitted: 0, meanScore: null, totals: [] };
      item.observers += 1;
      const body = row.rubricId === null ? undefined : bodies.get(row.rubricId);
      if (row.submittedAt !== null && body && row.scores) {
        item.submitted += 1;
        const total = weightedTotal(body, row.scores);
        if (total !== null) item.totals.push(total);
      }
      lessons.set(row.lessonSessionId, item);
    }
    return [...lessons.values()].reverse().map(({ totals, ...item }) => ({ ...item, meanScore: statsOf(totals).mean }));
  }

  async #comments(submitted: readonly ObservationRow[], bodyOf: (o: ObservationRow) => RubricBody): Promise<ReviewComment[]> {
    const replies = await this.repo.repliesTo(submitted.map((o) => o.id));
    return submitted.map((o) => ({
      observationId: o.id,
      observerName: o.observerName,
      mode: o.mode,
      comment: o.comment,
      weightedTotal: weightedTotal(bodyOf(o), o.scores!),
      submittedAt: toShanghaiIso(o.submittedAt!),
      replies: replies.filter((r) => r.observationId === o.id).map((r) => ({ id: r.id, authorName: r.authorName, text: r.text, createdAt: toShanghaiIso(r.createdAt) })),
    }));
  }

  /** The lesson, its course, and whether the caller is its lead teacher; others need `reports.read` on the course. */
  async #lesson(lessonId: number, access: Access): Promise<{ lesson: LessonRow; course: CourseFacts; lead: boolean }> {
    const lesson = await this.repo.lesson(lessonId);
    if (!lesson || lesson.researchSessionId !== null) throw notFound();
    const course = await this.places.course(lesson.courseId);
    const lead = course.leadTeacherId === access.principal.userId;
    if (!lead) access.authorize('reports.read', { kind: 'course', course });
    return { lesson, course, lead };
  }
}
