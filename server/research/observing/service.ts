import type { Access } from '../../core/access.js';
import { forbidden, notFound } from '../../core/errors.js';
import type { Places } from '../../organisation/places.js';
import type { PolicyTarget } from '../../policy/policy.js';
import { toShanghaiIso } from '../../evidence/metrics.js';
import type { ObservableLesson, ObservationSetting } from '../../../shared/api/research-observing.js';
import type { ObservingRepository } from './repository.js';

/** A course's 开放听课 setting, and the live lessons a teacher or researcher may observe now. */
export class ObservingService {
  constructor(
    private readonly repo: ObservingRepository,
    private readonly places: Places,
  ) {}

  async setting(courseId: number, access: Access): Promise<ObservationSetting> {
    const observable = await this.repo.observable(courseId);
    if (observable === null) throw notFound();
    if (!access.can('course.read', { kind: 'course', course: await this.places.course(courseId) })) throw forbidden();
    return { observable };
  }

  /** Opening or closing a course to observation is decided as its recording policy is: lead teacher or an admin over its host school. */
  async setSetting(courseId: number, observable: boolean, access: Access): Promise<ObservationSetting> {
    if ((await this.repo.observable(courseId)) === null) throw notFound();
    const course = await this.places.course(courseId);
    const target: PolicyTarget = { kind: 'recording', recording: { course, visibility: null, viewerPlaces: [] } };
    if (!access.can('recording.manage', target)) throw forbidden();
    await this.repo.setObservable(courseId, observable);
    return { observable };
  }

  /** Live lessons the caller may observe (`course.observe`: never her own courses), oldest first. */
  async live(access: Access): Promise<ObservableLesson[]> {
    const lessons = await this.repo.liveLessons();
    if (lessons.length === 0) return [];
    const index = await this.places.index();
    const facts = new Map((await this.places.courses([...new Set(lessons.map((l) => l.courseId))], index)).map((c) => [c.id, c]));
    const viewerPlaces = index.placesOf(access.principal.grants);
    const mine = lessons.filter((lesson) => {
      const course = facts.get(lesson.courseId);
      return course !== undefined && access.can('course.observe', { kind: 'observation', observation: { course, viewerPlaces } });
    });
    const observers = await this.repo.observersIn(mine.map((l) => l.lessonSessionId));
    return mine.map((lesson) => ({ ...lesson, startedAt: toShanghaiIso(lesson.startedAt), observers: observers.get(lesson.lessonSessionId) ?? 0 }));
  }
}
