import type { ObservationForm, ObservationFormBody } from '../../../shared/api/research-review.js';
import type { Access } from '../../core/access.js';
import { ApiError, notFound } from '../../core/errors.js';
import { toShanghaiIso } from '../../evidence/metrics.js';
import type { Places } from '../../organisation/places.js';
import type { CourseFacts } from '../../policy/policy.js';
import type { ObservationsRepository } from '../observations/repository.js';
import type { RubricService } from '../rubrics/service.js';
import { checkScores, weightedTotal } from '../rubrics/rules.js';
import type { LessonRow, ReviewRepository, ReviewRow } from './repository.js';

const DAY_MS = 86_400_000;

/**
 * An observer's form (评价表) on one lesson: a draft she saves as often as she likes, submitted once (the
 * first submittedAt stays), and editable — also after submitting — until the lesson's review closes.
 * Whoever may observe the course's lessons (`course.observe`) has a form; saving opens her observation
 * (as a replay if she never joined live) and, the first time anyone saves, fixes when the review closes.
 */
export class ObservationFormService {
  constructor(
    private readonly repo: ReviewRepository,
    private readonly observationsRepo: ObservationsRepository,
    private readonly rubrics: RubricService,
    private readonly places: Places,
  ) {}

  async form(lessonId: number, access: Access, now = new Date()): Promise<ObservationForm> {
    const { lesson, course } = await this.#authorized(lessonId, access);
    const mine = await this.repo.observationOf(lessonId, access.principal.userId);
    const rubric = (mine?.rubricId != null ? await this.rubrics.version(mine.rubricId) : undefined) ?? (await this.rubrics.current(course.host.regionId));
    const review = await this.repo.review(lessonId);
    const closesAt = review?.closesAt ?? (await this.#closesAt(lesson, course, now));
    const scores = mine?.scores ?? {};
    return {
      lessonSessionId: lessonId,
      observationId: mine?.id ?? null,
      rubric,
      scores,
      comment: mine?.comment ?? null,
      submittedAt: mine?.submittedAt ? toShanghaiIso(mine.submittedAt) : null,
      editableUntil: toShanghaiIso(review?.closedAt ?? closesAt),
      closed: review !== undefined && isClosed(review, now),
      weightedTotal: weightedTotal(rubric.body, scores),
    };
  }

  /** Saves her ratings; `submit` needs every dimension rated and keeps the first submission's time. */
  async save(lessonId: number, body: ObservationFormBody, submit: boolean, access: Access, now = new Date()): Promise<ObservationForm> {
    const { lesson, course } = await this.#authorized(lessonId, access);
    const review = await this.repo.review(lessonId);
    if (review && isClosed(review, now)) throw new ApiError('review_closed', { at: toShanghaiIso(review.closedAt ?? review.closesAt).slice(0, 16).replace('T', ' ') });
    const observerId = access.principal.userId;
    const existing = await this.repo.observationOf(lessonId, observerId);
    const rubric = existing?.rubricId != null ? await this.rubrics.version(existing.rubricId) : undefined;
    const rubricRow = rubric ? { id: rubric.id!, body: rubric.body } : await this.rubrics.versionToRate(course.host.regionId);
    checkScores(rubricRow.body, body.scores, submit);
    if (!review) await this.repo.openReview(lessonId, await this.#closesAt(lesson, course, now));
    // Saving is observing too: a teacher rating from the recording never joined live.
    if (!existing) await this.observationsRepo.open(lessonId, observerId, 'replay');
    const observation = existing ?? (await this.repo.observationOf(lessonId, observerId))!;
    const comment = body.comment === undefined ? observation.comment : body.comment?.trim() || null;
    const submittedAt = observation.submittedAt ?? (submit ? now : null);
    await this.repo.saveForm(observation.id, { rubricId: rubricRow.id, scores: body.scores, comment, submittedAt }, now);
    return this.form(lessonId, access, now);
  }

  /** The lesson's end (now while it is still live) plus the region's review days. */
  async #closesAt(lesson: LessonRow, course: CourseFacts, now: Date): Promise<Date> {
    const { reviewDays } = await this.rubrics.settings(course.host.regionId);
    return new Date((lesson.endedAt ?? now).getTime() + reviewDays * DAY_MS);
  }

  async #authorized(lessonId: number, access: Access): Promise<{ lesson: LessonRow; course: CourseFacts }> {
    const lesson = await this.repo.lesson(lessonId);
    // A teaching-research meeting is not a lesson anyone rates.
    if (!lesson || lesson.researchSessionId !== null) throw notFound();
    const target = await this.places.observation(lesson.courseId, access.principal.grants);
    access.authorize('course.observe', target);
    return { lesson, course: target.observation.course };
  }
}

export function isClosed(review: ReviewRow, now: Date): boolean {
  return review.closedAt !== null || now.getTime() >= review.closesAt.getTime();
}
