import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, notExists, or, type SQL } from 'drizzle-orm';
import type { Role } from '../../shared/roles.js';
import type { TongkeDb } from '../db/store.js';
import {
  calendarDays,
  classrooms,
  courseReceivers,
  courseStudents,
  courses,
  lessonSessions,
  regions,
  roleGrants,
  scheduledLessons,
  schools,
  studentProfiles,
  terms,
  timetableSlots,
  users,
} from '../db/schema/index.js';
import { chunks } from '../core/lists.js';

export type TermRow = typeof terms.$inferSelect;
export type CourseRow = typeof courses.$inferSelect;
export type ClassroomFacts = { id: number; schoolId: number; regionId: number; receiving: boolean; active: boolean };
export type SlotRow = typeof timetableSlots.$inferSelect;
export type ScheduledLessonRow = typeof scheduledLessons.$inferSelect;
export type CourseValues = Omit<CourseRow, 'id'>;
export type CalendarDayRow = typeof calendarDays.$inferSelect;
/** A grant of a user with the region of its school (school-scoped roles only carry a school). */
export interface GrantAtSchool {
  role: Role;
  schoolId: number | null;
  regionId: number | null;
}
export interface ReceiverValues {
  classroomId: number;
  assistantTeacherId: number | null;
  expectedStudents: number;
}

/** Persistence of terms, courses (with receivers and students), timetables and scheduled lessons. */
export class TeachingRepository {
  constructor(private readonly db: TongkeDb) {}

  /** One SQLite transaction (better-sqlite3 is synchronous on one connection, so our queries run inside it). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(() => work());
  }

  // ---- Terms ----

  terms(filter: { regionId?: number | undefined }): TermRow[] {
    const where = filter.regionId === undefined ? undefined : eq(terms.regionId, filter.regionId);
    return this.db.select().from(terms).where(where).orderBy(asc(terms.startsOn), asc(terms.name)).all();
  }

  term(id: number): TermRow | undefined {
    return this.db.select().from(terms).where(eq(terms.id, id)).get();
  }

  insertTerm(values: Omit<TermRow, 'id'>): TermRow {
    return this.db.insert(terms).values(values).returning().get();
  }

  updateTerm(id: number, values: Partial<Omit<TermRow, 'id' | 'regionId'>>): void {
    if (Object.keys(values).length > 0) this.db.update(terms).set(values).where(eq(terms.id, id)).run();
  }

  courseIdsOfTerm(termId: number): number[] {
    return this.db.select({ id: courses.id }).from(courses).where(eq(courses.termId, termId)).all().map((c) => c.id);
  }

  // ---- Facts for validating terms and courses ----

  region(id: number): { id: number; active: boolean } | undefined {
    return this.db.select({ id: regions.id, active: regions.active }).from(regions).where(eq(regions.id, id)).get();
  }

  school(id: number): { id: number; regionId: number; active: boolean } | undefined {
    return this.db.select({ id: schools.id, regionId: schools.regionId, active: schools.active }).from(schools).where(eq(schools.id, id)).get();
  }

  classrooms(ids: readonly number[]): ClassroomFacts[] {
    return chunks(ids).flatMap((part) =>
      this.db
        .select({ id: classrooms.id, schoolId: classrooms.schoolId, regionId: schools.regionId, receiving: classrooms.receiving, active: classrooms.active })
        .from(classrooms)
        .innerJoin(schools, eq(schools.id, classrooms.schoolId))
        .where(inArray(classrooms.id, part))
        .all(),
    );
  }

  /** Active accounts among these, with their grants' roles and schools (with each school's region). */
  activeUsersWithGrants(ids: readonly number[]): Map<number, GrantAtSchool[]> {
    const result = new Map<number, GrantAtSchool[]>();
    for (const part of chunks(ids)) {
      for (const u of this.db.select({ id: users.id }).from(users).where(and(inArray(users.id, part), eq(users.active, true))).all()) result.set(u.id, []);
      const grants = this.db
        .select({ userId: roleGrants.userId, role: roleGrants.role, schoolId: roleGrants.schoolId, regionId: schools.regionId })
        .from(roleGrants)
        .leftJoin(schools, eq(schools.id, roleGrants.schoolId))
        .where(inArray(roleGrants.userId, part))
        .all();
      for (const g of grants) result.get(g.userId)?.push({ role: g.role, schoolId: g.schoolId, regionId: g.regionId });
    }
    return result;
  }

  /** Which of these users have a student profile. */
  studentIdsWithProfile(ids: readonly number[]): Set<number> {
    return new Set(
      chunks(ids).flatMap((part) =>
        this.db.select({ id: studentProfiles.userId }).from(studentProfiles).where(inArray(studentProfiles.userId, part)).all().map((r) => r.id),
      ),
    );
  }

  // ---- Courses ----

  courses(filter: { termId?: number | undefined; schoolId?: number | undefined; ids?: readonly number[] }): CourseRow[] {
    const conditions: SQL[] = [];
    if (filter.termId !== undefined) conditions.push(eq(courses.termId, filter.termId));
    if (filter.schoolId !== undefined) conditions.push(eq(courses.schoolId, filter.schoolId));
    const select = (extra?: SQL) =>
      this.db
        .select()
        .from(courses)
        .where(and(...conditions, extra))
        .orderBy(asc(courses.name), asc(courses.id))
        .all();
    if (filter.ids === undefined) return select();
    return chunks(filter.ids).flatMap((part) => select(inArray(courses.id, part)));
  }

  course(id: number): CourseRow | undefined {
    return this.db.select().from(courses).where(eq(courses.id, id)).get();
  }

  insertCourse(values: CourseValues): CourseRow {
    return this.db.insert(courses).values(values).returning().get();
  }

  updateCourse(id: number, values: Partial<CourseValues>): void {
    if (Object.keys(values).length > 0) this.db.update(courses).set(values).where(eq(courses.id, id)).run();
  }

  replaceReceivers(courseId: number, receivers: readonly ReceiverValues[]): void {
    this.db.delete(courseReceivers).where(eq(courseReceivers.courseId, courseId)).run();
    if (receivers.length > 0) this.db.insert(courseReceivers).values(receivers.map((r) => ({ courseId, ...r }))).run();
  }

  replaceStudents(courseId: number, studentIds: readonly number[]): void {
    this.db.delete(courseStudents).where(eq(courseStudents.courseId, courseId)).run();
    for (const part of chunks(studentIds)) this.db.insert(courseStudents).values(part.map((studentId) => ({ courseId, studentId }))).run();
  }

  /** Receivers of these courses with classroom, school and assistant names, in classroom order. */
  receiversOf(courseIds: readonly number[]) {
    return chunks(courseIds).flatMap((part) =>
      this.db
        .select({
          courseId: courseReceivers.courseId,
          classroomId: courseReceivers.classroomId,
          classroomName: classrooms.name,
          schoolId: schools.id,
          schoolName: schools.name,
          assistantTeacherId: courseReceivers.assistantTeacherId,
          assistantTeacherName: users.displayName,
          expectedStudents: courseReceivers.expectedStudents,
        })
        .from(courseReceivers)
        .innerJoin(classrooms, eq(classrooms.id, courseReceivers.classroomId))
        .innerJoin(schools, eq(schools.id, classrooms.schoolId))
        .leftJoin(users, eq(users.id, courseReceivers.assistantTeacherId))
        .where(inArray(courseReceivers.courseId, part))
        .orderBy(asc(courseReceivers.classroomId))
        .all(),
    );
  }

  studentsOf(courseIds: readonly number[]): Array<{ courseId: number; studentId: number }> {
    return chunks(courseIds).flatMap((part) =>
      this.db.select().from(courseStudents).where(inArray(courseStudents.courseId, part)).orderBy(asc(courseStudents.studentId)).all(),
    );
  }

  displayNames(userIds: readonly number[]): Map<number, string> {
    const rows = chunks(userIds).flatMap((part) => this.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, part)).all());
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  schoolNames(schoolIds: readonly number[]): Map<number, string> {
    const rows = chunks(schoolIds).flatMap((part) => this.db.select({ id: schools.id, name: schools.name }).from(schools).where(inArray(schools.id, part)).all());
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Courses the user takes part in: as lead teacher, as a receiver's assistant, in one of these classrooms, or as a student. */
  courseIdsOfParticipant(userId: number, classroomIds: readonly number[]): number[] {
    const ids = new Set<number>();
    for (const c of this.db.select({ id: courses.id }).from(courses).where(eq(courses.leadTeacherId, userId)).all()) ids.add(c.id);
    const receiverWhere = classroomIds.length > 0 ? or(eq(courseReceivers.assistantTeacherId, userId), inArray(courseReceivers.classroomId, [...classroomIds])) : eq(courseReceivers.assistantTeacherId, userId);
    for (const r of this.db.select({ id: courseReceivers.courseId }).from(courseReceivers).where(receiverWhere).all()) ids.add(r.id);
    for (const s of this.db.select({ id: courseStudents.courseId }).from(courseStudents).where(eq(courseStudents.studentId, userId)).all()) ids.add(s.id);
    return [...ids];
  }

  // ---- Timetable and scheduled lessons ----

  slotsOf(courseId: number): SlotRow[] {
    return this.db.select().from(timetableSlots).where(eq(timetableSlots.courseId, courseId)).orderBy(asc(timetableSlots.weekday), asc(timetableSlots.startsAt)).all();
  }

  replaceSlots(courseId: number, slots: ReadonlyArray<Omit<SlotRow, 'id' | 'courseId'>>): void {
    // Lessons already held keep their row; the schema sets their slot to null.
    this.db.delete(timetableSlots).where(eq(timetableSlots.courseId, courseId)).run();
    if (slots.length > 0) this.db.insert(timetableSlots).values(slots.map((s) => ({ courseId, ...s }))).run();
  }

  /**
   * Deletes the course's lessons from `from` on that are still only planned: status `scheduled`, from the
   * timetable as it stands (not moved, not added on the spot) and no lesson session refers to them.
   * Cancelled, moved, ad hoc and held lessons stay as the record of what happened.
   */
  deletePlannedLessons(courseId: number, from: Date): void {
    this.db
      .delete(scheduledLessons)
      .where(
        and(
          eq(scheduledLessons.courseId, courseId),
          eq(scheduledLessons.status, 'scheduled'),
          eq(scheduledLessons.adHoc, false),
          isNull(scheduledLessons.movedFrom),
          gte(scheduledLessons.startsAt, from),
          notExists(this.db.select({ id: lessonSessions.id }).from(lessonSessions).where(eq(lessonSessions.scheduledLessonId, scheduledLessons.id))),
        ),
      )
      .run();
  }

  /**
   * Start instants (ms) from `from` on that the timetable must not plan again after deletePlannedLessons:
   * the kept lessons' starts, and where a moved lesson used to be (its slot's lesson was moved, not dropped).
   */
  keptLessonStarts(courseId: number, from: Date): Set<number> {
    const rows = this.db
      .select({ startsAt: scheduledLessons.startsAt, movedFrom: scheduledLessons.movedFrom })
      .from(scheduledLessons)
      .where(and(eq(scheduledLessons.courseId, courseId), or(gte(scheduledLessons.startsAt, from), and(isNotNull(scheduledLessons.movedFrom), gte(scheduledLessons.movedFrom, from)))))
      .all();
    return new Set(rows.flatMap((r) => (r.movedFrom ? [r.startsAt.getTime(), r.movedFrom.getTime()] : [r.startsAt.getTime()])));
  }

  scheduledLesson(id: number): ScheduledLessonRow | undefined {
    return this.db.select().from(scheduledLessons).where(eq(scheduledLessons.id, id)).get();
  }

  updateScheduledLesson(id: number, values: Partial<Pick<ScheduledLessonRow, 'startsAt' | 'endsAt' | 'status' | 'movedFrom' | 'changeReason'>>): void {
    this.db.update(scheduledLessons).set(values).where(eq(scheduledLessons.id, id)).run();
  }

  /** Has a lesson session (running or ended) been held for this scheduled lesson? */
  lessonHeld(id: number): boolean {
    return this.db.select({ id: lessonSessions.id }).from(lessonSessions).where(eq(lessonSessions.scheduledLessonId, id)).limit(1).get() !== undefined;
  }

  /** The course's lessons (not cancelled, other than `exceptId`) overlapping [startsAt, endsAt). */
  overlappingLessons(courseId: number, startsAt: Date, endsAt: Date, exceptId = 0): ScheduledLessonRow[] {
    return this.db
      .select()
      .from(scheduledLessons)
      .where(
        and(
          eq(scheduledLessons.courseId, courseId),
          eq(scheduledLessons.status, 'scheduled'),
          lt(scheduledLessons.startsAt, endsAt),
          gt(scheduledLessons.endsAt, startsAt),
          ne(scheduledLessons.id, exceptId),
        ),
      )
      .all();
  }

  insertAdHocLesson(courseId: number, startsAt: Date, endsAt: Date): ScheduledLessonRow {
    return this.db.insert(scheduledLessons).values({ courseId, slotId: null, startsAt, endsAt, adHoc: true }).returning().get();
  }

  // ---- The region's school calendar ----

  calendarDays(regionId: number): CalendarDayRow[] {
    return this.db.select().from(calendarDays).where(eq(calendarDays.regionId, regionId)).orderBy(asc(calendarDays.startsOn), asc(calendarDays.id)).all();
  }

  calendarDay(id: number): CalendarDayRow | undefined {
    return this.db.select().from(calendarDays).where(eq(calendarDays.id, id)).get();
  }

  /** The region's entries touching [fromDate, toDate]. */
  calendarDaysBetween(regionId: number, fromDate: string, toDate: string): CalendarDayRow[] {
    return this.db
      .select()
      .from(calendarDays)
      .where(and(eq(calendarDays.regionId, regionId), lte(calendarDays.startsOn, toDate), gte(calendarDays.endsOn, fromDate)))
      .all();
  }

  insertCalendarDay(values: Omit<CalendarDayRow, 'id'>): CalendarDayRow {
    return this.db.insert(calendarDays).values(values).returning().get();
  }

  deleteCalendarDay(id: number): void {
    this.db.delete(calendarDays).where(eq(calendarDays.id, id)).run();
  }

  /** Active courses of the region's terms (to re-plan them when its calendar changes). */
  activeCoursesOfRegion(regionId: number): CourseRow[] {
    return this.db
      .select({ course: courses })
      .from(courses)
      .innerJoin(terms, eq(terms.id, courses.termId))
      .where(and(eq(terms.regionId, regionId), eq(courses.active, true)))
      .all()
      .map((r) => r.course);
  }

  insertLessons(courseId: number, lessons: ReadonlyArray<{ slotId: number; startsAt: Date; endsAt: Date }>): void {
    for (const part of chunks(lessons, 200)) this.db.insert(scheduledLessons).values(part.map((l) => ({ courseId, ...l }))).run();
  }

  /** Lessons of these courses starting in [from, to), by start. */
  lessonsBetween(courseIds: readonly number[], from: Date, to: Date): ScheduledLessonRow[] {
    return chunks(courseIds)
      .flatMap((part) =>
        this.db
          .select()
          .from(scheduledLessons)
          .where(and(inArray(scheduledLessons.courseId, part), gte(scheduledLessons.startsAt, from), lt(scheduledLessons.startsAt, to)))
          .all(),
      )
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id - b.id);
  }
}
