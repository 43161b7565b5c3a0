import type { Course, CourseCreate, CourseListQuery, CourseUpdate, Term, TermCreate, TermUpdate } from '../../shared/api/teaching.js';
import { ApiError, notFound } from '../core/errors.js';
import type { Access } from '../core/access.js';
import { conflictOnDuplicate, invalidField, isCalendarDate } from '../core/constraints.js';
import type { Places } from '../organisation/places.js';
import { groupBy } from '../core/lists.js';
import type { PolicyTarget } from '../policy/policy.js';
import { authorizeAssignments, checkCourse, type CoursePlan } from './course-rules.js';
import { LessonPlanner } from './lessons.js';
import { LessonChanges } from './lesson-changes.js';
import { TeachingRepository, type CourseRow, type TermRow } from './repository.js';

/** A course list longer than this is not read by anyone: the caller filters by term or school instead. */
export const MAX_COURSES_LISTED = 2000;

/** A term longer than this is a typo (a school year has two terms). */
const MAX_TERM_DAYS = 366;

const COURSE_FIELDS = ['termId', 'schoolId', 'name', 'subject', 'grade', 'kind', 'leadTeacherId', 'hostClassroomId', 'receivers', 'studentIds'] as const satisfies ReadonlyArray<keyof CourseCreate>;

const termView = (t: TermRow): Term => ({ id: t.id, regionId: t.regionId, name: t.name, startsOn: t.startsOn, endsOn: t.endsOn });

/**
 * Terms of a region and the shared courses taught in them: listing what the caller may read, creating and
 * editing, with every reference checked (teachers, classrooms, students) and the planned lessons kept in
 * step with the term and the course.
 */
export class TeachingService {
  readonly #repo: TeachingRepository;
  readonly planner: LessonPlanner;
  readonly changes: LessonChanges;

  constructor(
    repo: TeachingRepository,
    private readonly places: Places,
  ) {
    this.#repo = repo;
    this.planner = new LessonPlanner(this.#repo, places);
    this.changes = new LessonChanges(this.#repo, this.planner);
  }

  // ---- Terms ----

  /** Terms (of a region, optionally) of the regions the caller may `term.read`. */
  async listTerms(filter: { regionId?: number | undefined }, access: Access): Promise<Term[]> {
    const index = await this.places.index();
    return (await this.#repo.terms(filter))
      .filter((t) => access.can('term.read', index.regionTarget(t.regionId)))
      .map(termView);
  }

  /** The region a term belongs to, as a policy target (`not_found` when there is no such term). */
  async termTarget(id: number): Promise<PolicyTarget> {
    const term = await this.#repo.term(id);
    if (!term) throw notFound();
    return { kind: 'region', place: await this.places.region(term.regionId) };
  }

  /** A new term of a region the caller may `term.manage`; dates are checked, a taken name is `conflict`. */
  async createTerm(body: TermCreate, access: Access): Promise<Term> {
    const region = await this.#repo.region(body.regionId);
    if (!region) throw invalidField('/regionId', 'no such region');
    access.authorize('term.manage', { kind: 'region', place: await this.places.region(region.id) });
    if (!region.active) throw invalidField('/regionId', 'the region is deactivated');
    checkTermDates(body.startsOn, body.endsOn);
    return termView(await conflictOnDuplicate('name', () => this.#repo.insertTerm({ regionId: body.regionId, name: body.name.trim(), startsOn: body.startsOn, endsOn: body.endsOn })));
  }

  /** Edits a term (authorized for `term.manage`); new dates re-plan the lessons of its courses from today on. */
  async updateTerm(id: number, body: TermUpdate, now = new Date()): Promise<Term> {
    const term = await this.#repo.term(id);
    if (!term) throw notFound();
    const startsOn = body.startsOn ?? term.startsOn;
    const endsOn = body.endsOn ?? term.endsOn;
    checkTermDates(startsOn, endsOn);
    return this.#repo.transaction(async () => {
      await conflictOnDuplicate('name', () => this.#repo.updateTerm(id, { ...(body.name !== undefined && { name: body.name.trim() }), startsOn, endsOn }));
      const updated = (await this.#repo.term(id)) ?? term;
      if (startsOn !== term.startsOn || endsOn !== term.endsOn) {
        for (const course of await this.#repo.courses({ termId: id })) await this.planner.reschedule(course, updated, now);
      }
      return termView(updated);
    });
  }

  // ---- Courses ----

  /** Courses matching the query that the caller may `course.read`. */
  async listCourses(query: CourseListQuery, access: Access): Promise<Course[]> {
    const rows = await this.#repo.courses(query);
    const facts = new Map((await this.places.courses(rows.map((c) => c.id))).map((f) => [f.id, f]));
    const readable = rows.filter((c) => {
      const course = facts.get(c.id);
      return course !== undefined && access.can('course.read', { kind: 'course', course });
    });
    if (readable.length > MAX_COURSES_LISTED) throw new ApiError('too_many_results', { max: MAX_COURSES_LISTED });
    return this.#views(readable);
  }

  /** One course with its receivers' names and its students (the caller was authorized to read it). */
  async getCourse(id: number): Promise<Course> {
    const [view] = await this.#views([await this.#course(id)]);
    if (!view) throw notFound();
    return view;
  }

  /** A new course hosted by a school the caller may set up courses for (`course.create`). */
  async createCourse(body: CourseCreate, access: Access): Promise<Course> {
    const host = await this.#repo.school(body.schoolId);
    if (!host) throw invalidField('/schoolId', 'no such school');
    access.authorize('course.create', { kind: 'school', place: await this.places.school(host.id) });
    const plan = await checkCourse(this.#repo, body, 'all');
    await authorizeAssignments(this.places, access, plan, { leadTeacherId: null, receivers: [], studentIds: [] });
    const { receivers, studentIds, ...values } = plan;
    const course = await this.#repo.transaction(async () => {
      const row = await this.#repo.insertCourse({ ...values, active: true });
      await this.#repo.replaceReceivers(row.id, receivers);
      await this.#repo.replaceStudents(row.id, studentIds);
      return row;
    });
    return this.getCourse(course.id);
  }

  /**
   * Edits a course (authorized for `course.manage`). `receivers` and `studentIds` replace the lists; moving
   * it to another host school needs `course.create` there. A new term or (de)activation re-plans lessons.
   */
  async updateCourse(id: number, body: CourseUpdate, access: Access, now = new Date()): Promise<Course> {
    const current = await this.#course(id);
    if (body.schoolId !== undefined && body.schoolId !== current.schoolId) {
      if (!(await this.#repo.school(body.schoolId))) throw invalidField('/schoolId', 'no such school');
      access.authorize('course.create', { kind: 'school', place: await this.places.school(body.schoolId) });
    }
    const currentReceivers = (await this.#repo.receiversOf([id])).map(({ classroomId, assistantTeacherId, expectedStudents }) => ({ classroomId, assistantTeacherId, expectedStudents }));
    const currentStudents = (await this.#repo.studentsOf([id])).map((s) => s.studentId);
    const receivers = body.receivers ?? currentReceivers;
    const studentIds = body.studentIds ?? currentStudents;
    const { active, ...fields } = body;
    const changed = body.schoolId !== undefined && body.schoolId !== current.schoolId ? 'all' : new Set(COURSE_FIELDS.filter((f) => fields[f] !== undefined));
    const plan: CoursePlan = await checkCourse(this.#repo, { ...current, ...fields, receivers, studentIds }, changed);
    await authorizeAssignments(this.places, access, plan, { leadTeacherId: current.leadTeacherId, receivers: currentReceivers, studentIds: currentStudents });
    const { receivers: newReceivers, studentIds: newStudents, ...values } = plan;
    await this.#repo.transaction(async () => {
      await this.#repo.updateCourse(id, { ...values, ...(active !== undefined && { active }) });
      if (body.receivers) await this.#repo.replaceReceivers(id, newReceivers);
      if (body.studentIds) await this.#repo.replaceStudents(id, newStudents);
      const updated = await this.#course(id);
      if (updated.termId !== current.termId || updated.active !== current.active) {
        const term = await this.#repo.term(updated.termId);
        if (term) await this.planner.reschedule(updated, term, now);
      }
    });
    return this.getCourse(id);
  }

  async #course(id: number): Promise<CourseRow> {
    const course = await this.#repo.course(id);
    if (!course) throw notFound();
    return course;
  }

  async #views(rows: readonly CourseRow[]): Promise<Course[]> {
    const ids = rows.map((c) => c.id);
    const receivers = groupBy(await this.#repo.receiversOf(ids), (r) => r.courseId);
    const students = groupBy(await this.#repo.studentsOf(ids), (s) => s.courseId);
    const teacherNames = await this.#repo.displayNames([...new Set(rows.map((c) => c.leadTeacherId))]);
    return rows.map((c) => ({
      id: c.id,
      termId: c.termId,
      schoolId: c.schoolId,
      name: c.name,
      subject: c.subject,
      grade: c.grade,
      kind: c.kind,
      leadTeacherId: c.leadTeacherId,
      leadTeacherName: teacherNames.get(c.leadTeacherId) ?? '',
      hostClassroomId: c.hostClassroomId,
      active: c.active,
      receivers: (receivers.get(c.id) ?? []).map(({ courseId: _courseId, ...r }) => r),
      studentIds: (students.get(c.id) ?? []).map((s) => s.studentId),
    }));
  }
}

/** Real calendar days, in order, at most a year apart. */
function checkTermDates(startsOn: string, endsOn: string): void {
  if (!isCalendarDate(startsOn)) throw invalidField('/startsOn', 'not a calendar date');
  if (!isCalendarDate(endsOn)) throw invalidField('/endsOn', 'not a calendar date');
  if (endsOn < startsOn) throw invalidField('/endsOn', 'must not be before startsOn');
  if (Date.parse(endsOn) - Date.parse(startsOn) > MAX_TERM_DAYS * 86_400_000) throw invalidField('/endsOn', `a term lasts at most ${MAX_TERM_DAYS} days`);
}
