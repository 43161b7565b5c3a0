import type { Course, CourseCreate, CourseReceiver, Term, TermCreate, TermUpdate, TimetableSlot } from '../../../shared/api/teaching.js';
import type { StudentLinkResponse, StudentLinkView } from '../../../shared/api/auth.js';
import type { User } from '../../../shared/api/people.js';
import type { Role } from '../../../shared/roles.js';
import type { LessonKind, Subject } from '../../../shared/subjects.js';
import { shanghaiDate } from '../../../shared/time.js';
import { ApiError } from '../api.js';
import type { TongkeApi, TimetableView } from '../endpoints.js';

/** Terms of a region and the courses of a term (and school): the admin course list. */
export class CoursesManager {
  #terms = $state<Term[]>([]);
  #courses = $state<Course[]>([]);
  #regionId = $state<number | null>(null);
  #termId = $state<number | null>(null);
  #schoolId = $state<number | null>(null);
  #loading = $state(false);
  #error = $state<ApiError | null>(null);
  readonly #api: TongkeApi;

  constructor(api: TongkeApi) {
    this.#api = api;
  }

  get terms(): Term[] {
    return this.#terms;
  }
  get courses(): Course[] {
    return this.#courses;
  }
  get regionId(): number | null {
    return this.#regionId;
  }
  get termId(): number | null {
    return this.#termId;
  }
  get schoolId(): number | null {
    return this.#schoolId;
  }
  get term(): Term | undefined {
    return this.#terms.find((term) => term.id === this.#termId);
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): ApiError | null {
    return this.#error;
  }

  /** Loads a region's terms and picks the current one (else the latest). */
  async selectRegion(regionId: number | null): Promise<void> {
    this.#regionId = regionId;
    await this.#guard(async () => {
      this.#terms = (await this.#api.terms(regionId ?? undefined)).sort((a, b) => b.startsOn.localeCompare(a.startsOn));
      const today = shanghaiDate(new Date());
      const current = this.#terms.find((term) => term.startsOn <= today && today <= term.endsOn) ?? this.#terms[0];
      this.#termId = current?.id ?? null;
      await this.#loadCourses();
    });
  }

  async selectTerm(termId: number | null): Promise<void> {
    this.#termId = termId;
    await this.#guard(() => this.#loadCourses());
  }

  async selectSchool(schoolId: number | null): Promise<void> {
    this.#schoolId = schoolId;
    await this.#guard(() => this.#loadCourses());
  }

  reload = (): Promise<void> => this.#guard(() => this.#loadCourses());

  async createTerm(body: TermCreate): Promise<Term> {
    const term = await this.#api.createTerm(body);
    await this.selectRegion(this.#regionId);
    return term;
  }

  async updateTerm(id: number, body: TermUpdate): Promise<Term> {
    const term = await this.#api.updateTerm(id, body);
    this.#terms = this.#terms.map((t) => (t.id === id ? term : t));
    return term;
  }

  async #loadCourses(): Promise<void> {
    if (this.#termId === null) {
      this.#courses = [];
      return;
    }
    this.#courses = await this.#api.courses({ termId: this.#termId, schoolId: this.#schoolId ?? undefined });
  }

  async #guard(work: () => Promise<void>): Promise<void> {
    this.#loading = true;
    try {
      await work();
      this.#error = null;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.#error = error;
    } finally {
      this.#loading = false;
    }
  }
}

/** The editable fields of a course, as the editor holds them before saving. */
export interface CourseDraft {
  termId: number | null;
  schoolId: number | null;
  name: string;
  subject: Subject;
  grade: number;
  kind: LessonKind;
  leadTeacherId: number | null;
  hostClassroomId: number | null;
  receivers: CourseReceiver[];
  studentIds: number[];
}

export interface TimetableSlotDraft extends TimetableSlot {
  /** Stable key for the list while editing. */
  key: number;
}

let slotKeys = 0;
export const slotDraft = (slot: TimetableSlot): TimetableSlotDraft => ({ ...slot, key: ++slotKeys });
/** The server's slots in weekday and period order, ready to edit. */
const toDrafts = (timetable: TimetableView): TimetableSlotDraft[] =>
  timetable.slots
    .map(({ weekday, period, startsAt, endsAt }) => slotDraft({ weekday, period, startsAt, endsAt }))
    .sort((a, b) => a.weekday - b.weekday || a.period - b.period);

/**
 * One course being created or edited, with its weekly timetable. A new course has no timetable or
 * student links until it is saved once.
 */
export class CourseEditor {
  #course = $state<Course | null>(null);
  #draft = $state<CourseDraft>({
    termId: null,
    schoolId: null,
    name: '',
    subject: 'music',
    grade: 3,
    kind: 'delivered',
    leadTeacherId: null,
    hostClassroomId: null,
    receivers: [],
    studentIds: [],
  });
  #slots = $state<TimetableSlotDraft[]>([]);
  #loading = $state(false);
  #notFound = $state(false);
  #error = $state<ApiError | null>(null);
  readonly #api: TongkeApi;

  constructor(api: TongkeApi) {
    this.#api = api;
  }

  get course(): Course | null {
    return this.#course;
  }
  get draft(): CourseDraft {
    return this.#draft;
  }
  get slots(): TimetableSlotDraft[] {
    return this.#slots;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get notFound(): boolean {
    return this.#notFound;
  }
  get error(): ApiError | null {
    return this.#error;
  }

  /** Starts a new course in a term and school (from the list's filters). */
  startNew(termId: number | null, schoolId: number | null): void {
    this.#course = null;
    this.#draft = { ...this.#draft, termId, schoolId };
    this.#slots = [];
  }

  async load(id: number): Promise<void> {
    this.#loading = true;
    try {
      const [course, timetable] = await Promise.all([this.#api.course(id), this.#api.timetable(id)]);
      this.#show(course);
      this.#slots = toDrafts(timetable);
      this.#notFound = false;
      this.#error = null;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // A course the admin may not see is reported as missing, like one that does not exist.
      this.#notFound = error.code === 'not_found' || error.code === 'forbidden';
      this.#error = this.#notFound ? null : error;
    } finally {
      this.#loading = false;
    }
  }

  /** Creates or updates the course; throws the server's ApiError for the form to show. */
  async save(): Promise<Course> {
    const { termId, schoolId, leadTeacherId, ...rest } = this.#draft;
    const body: CourseCreate = {
      ...rest,
      name: rest.name.trim(),
      grade: Number(rest.grade),
      termId: termId ?? 0,
      schoolId: schoolId ?? 0,
      leadTeacherId: leadTeacherId ?? 0,
      receivers: rest.receivers.map((r) => ({ ...r, expectedStudents: Number(r.expectedStudents) })),
    };
    const course = this.#course ? await this.#api.updateCourse(this.#course.id, body) : await this.#api.createCourse(body);
    this.#show(course);
    return course;
  }

  async setActive(active: boolean): Promise<void> {
    if (!this.#course) return;
    this.#show(await this.#api.updateCourse(this.#course.id, { active }));
  }

  async saveTimetable(): Promise<void> {
    if (!this.#course) return;
    const slots = this.#slots.map(({ weekday, period, startsAt, endsAt }) => ({ weekday, period: Number(period), startsAt, endsAt }));
    this.#slots = toDrafts(await this.#api.saveTimetable(this.#course.id, slots));
  }

  createStudentLink(studentId: number, validDays: number): Promise<StudentLinkResponse> {
    if (!this.#course) return Promise.reject(new Error('the course is not saved yet'));
    return this.#api.createStudentLink(this.#course.id, studentId, validDays);
  }

  /** The links issued for one student of this course, newest first (never their tokens). */
  async studentLinks(studentId: number): Promise<StudentLinkView[]> {
    if (!this.#course) return [];
    return (await this.#api.studentLinks(this.#course.id)).links.filter((l) => l.studentId === studentId);
  }

  /** Revokes one link: it no longer signs in, and a student in a lesson with it leaves. */
  async revokeStudentLink(linkId: number): Promise<void> {
    if (!this.#course) return;
    await this.#api.revokeStudentLink(this.#course.id, linkId);
  }

  #show(course: Course): void {
    this.#course = course;
    this.#draft = {
      termId: course.termId,
      schoolId: course.schoolId,
      name: course.name,
      subject: course.subject,
      grade: course.grade,
      kind: course.kind,
      leadTeacherId: course.leadTeacherId,
      hostClassroomId: course.hostClassroomId,
      receivers: course.receivers.map(({ classroomId, assistantTeacherId, expectedStudents }) => ({ classroomId, assistantTeacherId, expectedStudents })),
      studentIds: [...course.studentIds],
    };
  }
}

/**
 * People to pick in the course editor (teachers, assistant teachers, students), fetched once per role
 * and school and kept for the page's life.
 */
export class PeoplePicker {
  #cache = $state<Record<string, User[]>>({});
  #pending = new Set<string>();
  readonly #api: TongkeApi;

  constructor(api: TongkeApi) {
    this.#api = api;
  }

  /** The users of a role (at a school); empty until loaded, then reactive. */
  list(role: Role, schoolId: number | null = null): User[] {
    const key = `${role}:${schoolId ?? '*'}`;
    const cached = this.#cache[key];
    if (cached === undefined) void this.#fetch(key, role, schoolId);
    return cached ?? [];
  }

  name(id: number | null): string | null {
    if (id === null) return null;
    for (const users of Object.values(this.#cache)) {
      const user = users.find((u) => u.id === id);
      if (user) return user.displayName;
    }
    return null;
  }

  async #fetch(key: string, role: Role, schoolId: number | null): Promise<void> {
    if (this.#pending.has(key)) return;
    this.#pending.add(key);
    try {
      const { users } = await this.#api.users({ role, schoolId: schoolId ?? undefined, limit: 500 });
      this.#cache = { ...this.#cache, [key]: users.filter((user) => user.active) };
    } catch (error) {
      console.error(`loading ${role} users for the course editor failed`, error);
      this.#pending.delete(key);
    }
  }
}
