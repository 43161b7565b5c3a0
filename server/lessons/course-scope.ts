import type { AuthenticatedPrincipal } from '../accounts/principal.js';
import type { CourseFacts } from '../policy/policy.js';
import type { CourseForLesson, LessonsRepository } from './repository.js';
import type { RunningLesson } from './running-lesson.js';

/** What deciding how a principal takes part in a course needs: the course's sites and its policy facts. */
export interface CourseScope {
  course: CourseForLesson;
  facts: CourseFacts;
}

/**
 * The course as the join path sees it, read once per live lesson rather than on every capabilities and
 * join request (K sites joining at once would read it 2K times, every enrolled student each time). The
 * course, its host and its receiving classrooms hold for the lesson's life — a change to them applies
 * from the next lesson, as the lesson's course name does. Enrolment is looked up per request (one row by
 * key), so a student enrolled during the lesson can join it at once and one unenrolled cannot.
 */
export class CourseScopes {
  /** A promise, so that K requests arriving together for a lesson not yet cached read the course once. */
  readonly #byLesson = new WeakMap<RunningLesson, Promise<CourseScope>>();

  constructor(
    private readonly repo: Pick<LessonsRepository, 'courseForLesson' | 'isEnrolled'>,
    private readonly courseFacts: (courseId: number) => Promise<CourseFacts>,
  ) {}

  /**
   * The course's scope for `principal`: from `running`'s cache when the lesson is live. Its facts name
   * the principal as a student exactly when she is enrolled (the only use policy makes of the list).
   * @throws {ApiError} `not_found` when there is no such course.
   */
  async for(principal: AuthenticatedPrincipal, courseId: number, running: RunningLesson | undefined): Promise<CourseScope> {
    let pending = running ? this.#byLesson.get(running) : undefined;
    if (!pending) {
      pending = this.#read(courseId);
      if (running) {
        this.#byLesson.set(running, pending);
        // A failed read is not kept: the next request reads again.
        pending.catch(() => this.#byLesson.delete(running));
      }
    }
    const [scope, enrolled] = await Promise.all([pending, this.repo.isEnrolled(courseId, principal.userId)]);
    return { course: scope.course, facts: { ...scope.facts, studentIds: enrolled ? [principal.userId] : [] } };
  }

  async #read(courseId: number): Promise<CourseScope> {
    // Facts first: an unknown course is not_found before anything else is read.
    const facts = await this.courseFacts(courseId);
    return { course: await this.repo.courseForLesson(courseId), facts };
  }
}
