import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, notExists, or, type SQL } from 'drizzle-orm';
import type { Role } from '../../shared/roles.js';
import type { TongkeDb } from '../db/store.js';
import {
  calendarDays,
  classrooms,
  courseReceivers,
  courseStudents,
  courses,
  lessonMaterials,
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

/** Runs `query` on each part of a long id list in turn (bound parameters are capped per statement) and joins the rows. */
async function inParts<I, R>(ids: readonly I[], query: (part: I[]) => Promise<R[]>, size?: number): Promise<R[]> {
  const rows: R[] = [];
  for (const part of chunks(ids, size)) rows.push(...(await query(part)));
  return rows;
}

export type TermRow = typeof terms.$inferSelect;
export type CourseRow = typeof courses.$inferSelect;
export type ClassroomFacts = { id: number; schoolId: number; regionId: number; receiving: boolean; active: boolean };
export type SlotRow = typeof timetableSlots.$inferSelect;
export type ScheduledLessonRow = typeof scheduledLessons.$inferSelect;
export type CourseValues = Omit<CourseRow, 'id' | 'recordingPolicy' | 'observable'>;
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

  /** Runs `work` in one transaction: the store's transactions are ambient, so every query made through `db` meanwhile joins it. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(() => work());
  }

  // ---- Terms ----

  async terms(filter: { regionId?: number | undefined }): Promise<TermRow[]> {
    const where = filter.regionId === undefined ? undefined : eq(terms.regionId, filter.regionId);
    return this.db.select().from(terms).where(where).orderBy(asc(terms.startsOn), asc(terms.name));
  }

  async term(id: number): Promise<TermRow | undefined> {
    const [row] = await this.db.select().from(terms).where(eq(terms.id, id)).limit(1);
    return row;
  }

  async insertTerm(values: Omit<TermRow, 'id'>): Promise<TermRow> {
    const [row] = await this.db.insert(terms).values(values).returning();
    return row!;
  }

  async updateTerm(id: number, values: Partial<Omit<TermRow, 'id' | 'regionId'>>): Promise<void> {
    if (Object.keys(values).length > 0) await this.db.update(terms).set(values).where(eq(terms.id, id));
  }

  async courseIdsOfTerm(termId: number): Promise<number[]> {
    return (await this.db.select({ id: courses.id }).from(courses).where(eq(courses.termId, termId))).map((c) => c.id);
  }

  // ---- Facts for validating terms and courses ----

  async region(id: number): Promise<{ id: number; active: boolean } | undefined> {
    const [row] = await this.db.select({ id: regions.id, active: regions.active }).from(regions).where(eq(regions.id, id)).limit(1);
    return row;
  }

  async school(id: number): Promise<{ id: number; regionId: number; active: boolean } | undefined> {
    const [row] = await this.db.select({ id: schools.id, regionId: schools.regionId, active: schools.active }).from(schools).where(eq(schools.id, id)).limit(1);
    return row;
  }

  async classrooms(ids: readonly number[]): Promise<ClassroomFacts[]> {
    return inParts(ids, (part) =>
      this.db
        .select({ id: classrooms.id, schoolId: classrooms.schoolId, regionId: schools.regionId, receiving: classrooms.receiving, active: classrooms.active })
        .from(classrooms)
        .innerJoin(schools, eq(schools.id, classrooms.schoolId))
        .where(inArray(classrooms.id, part)),
    );
  }

  /** Active accounts among these, with their grants' roles and schools (with each school's region). */
  async activeUsersWithGrants(ids: readonly number[]): Promise<Map<number, GrantAtSchool[]>> {
    const result = new Map<number, GrantAtSchool[]>();
    for (const part of chunks(ids)) {
      for (const u of await this.db.select({ id: users.id }).from(users).where(and(inArray(users.id, part), eq(users.active, true)))) result.set(u.id, []);
      const grants = await this.db
        .select({ userId: roleGrants.userId, role: roleGrants.role, schoolId: roleGrants.schoolId, regionId: schools.regionId })
        .from(roleGrants)
        .leftJoin(schools, eq(schools.id, roleGrants.schoolId))
        .where(inArray(roleGrants.userId, part));
      for (const g of grants) result.get(g.userId)?.push({ role: g.role, schoolId: g.schoolId, regionId: g.regionId });
    }
    return result;
  }

  /** Which of these users have a student profile. */
  async studentIdsWithProfile(ids: readonly number[]): Promise<Set<number>> {
    const rows = await inParts(ids, (part) => this.db.select({ id: studentProfiles.userId }).from(studentProfiles).where(inArray(studentProfiles.userId, part)));
    return new Set(rows.map((r) => r.id));
  }

  // ---- Courses ----

  async courses(filter: { termId?: number | undefined; schoolId?: number | undefined; ids?: readonly number[] }): Promise<CourseRow[]> {
    const conditions: SQL[] = [];
    if (filter.termId !== undefined) conditions.push(eq(courses.termId, filter.termId));
    if (filter.schoolId !== undefined) conditions.push(eq(courses.schoolId, filter.schoolId));
    const select = (extra?: SQL) =>
      this.db
        .select()
        .from(courses)
        .where(and(...conditions, extra))
        .orderBy(asc(courses.name), asc(courses.id));
    if (filter.ids === undefined) return select();
    return inParts(filter.ids, (part) => select(inArray(courses.id, part)));
  }

  async course(id: number): Promise<CourseRow | undefined> {
    const [row] = await this.db.select().from(courses).where(eq(courses.id, id)).limit(1);
    return row;
  }

  async insertCourse(values: CourseValues): Promise<CourseRow> {
    const [row] = await this.db.insert(courses).values(values).returning();
    return row!;
  }

  async updateCourse(id: number, values: Partial<CourseValues>): Promise<void> {
    if (Object.keys(values).length > 0) await this.db.update(courses).set(values).where(eq(courses.id, id));
  }

  async replaceReceivers(courseId: number, receivers: readonly ReceiverValues[]): Promise<void> {
    await this.db.delete(courseReceivers).where(eq(courseReceivers.courseId, courseId));
    if (receivers.length > 0) await this.db.insert(courseReceivers).values(receivers.map((r) => ({ courseId, ...r })));
  }

  async replaceStudents(courseId: number, studentIds: readonly number[]): Promise<void> {
    await this.db.delete(courseStudents).where(eq(courseStudents.courseId, courseId));
    for (const part of chunks(studentIds)) await this.db.insert(courseStudents).values(part.map((studentId) => ({ courseId, studentId })));
  }

  /** Receivers of these courses with classroom, school and assistant names, in classroom order. */
  async receiversOf(courseIds: readonly number[]) {
    return inParts(courseIds, (part) =>
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
        .orderBy(asc(courseReceivers.classroomId)),
    );
  }

  async studentsOf(courseIds: readonly number[]): Promise<Array<{ courseId: number; studentId: number }>> {
    return inParts(courseIds, (part) => this.db.select().from(courseStudents).where(inArray(courseStudents.courseId, part)).orderBy(asc(courseStudents.studentId)));
  }

  async displayNames(userIds: readonly number[]): Promise<Map<number, string>> {
    const rows = await inParts(userIds, (part) => this.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, part)));
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async schoolNames(schoolIds: readonly number[]): Promise<Map<number, string>> {
    const rows = await inParts(schoolIds, (part) => this.db.select({ id: schools.id, name: schools.name }).from(schools).where(inArray(schools.id, part)));
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Courses the user takes part in: as lead teacher, as a receiver's assistant, in one of these classrooms, or as a student. */
  async courseIdsOfParticipant(userId: number, classroomIds: readonly number[]): Promise<number[]> {
    const ids = new Set<number>();
    for (const c of await this.db.select({ id: courses.id }).from(courses).where(eq(courses.leadTeacherId, userId))) ids.add(c.id);
    const receiverWhere = classroomIds.length > 0 ? or(eq(courseReceivers.assistantTeacherId, userId), inArray(courseReceivers.classroomId, [...classroomIds])) : eq(courseReceivers.assistantTeacherId, userId);
    for (const r of await this.db.select({ id: courseReceivers.courseId }).from(courseReceivers).where(receiverWhere)) ids.add(r.id);
    for (const s of await this.db.select({ id: courseStudents.courseId }).from(courseStudents).where(eq(courseStudents.studentId, userId))) ids.add(s.id);
    return [...ids];
  }

  // ---- Timetable and scheduled lessons ----

  async slotsOf(courseId: number): Promise<SlotRow[]> {
    return this.db.select().from(timetableSlots).where(eq(timetableSlots.courseId, courseId)).orderBy(asc(timetableSlots.weekday), asc(timetableSlots.startsAt));
  }

  async replaceSlots(courseId: number, slots: ReadonlyArray<Omit<SlotRow, 'id' | 'courseId'>>): Promise<void> {
    // Lessons already held keep their row; the schema sets their slot to null.
    await this.db.delete(timetableSlots).where(eq(timetableSlots.courseId, courseId));
    if (slots.length > 0) await this.db.insert(timetableSlots).values(slots.map((s) => ({ courseId, ...s })));
  }

  /**
   * Deletes the course's lessons from `from` on that are still only planned: status `scheduled`, from the
   * timetable as it stands (not moved, not added on the spot) and no lesson session refers to them.
   * Cancelled, moved, ad hoc and held lessons stay as the record of what happened.
   */
  async deletePlannedLessons(courseId: number, from: Date): Promise<void> {
    await this.db
      .delete(scheduledLessons)
      .where(
        and(
          eq(scheduledLessons.courseId, courseId),
          eq(scheduledLessons.status, 'scheduled'),
          eq(scheduledLessons.adHoc, false),
          isNull(scheduledLessons.movedFrom),
          gte(scheduledLessons.startsAt, from),
          notExists(this.db.select({ id: lessonSessions.id }).from(lessonSessions).where(eq(lessonSessions.scheduledLessonId, scheduledLessons.id))),
          // A lesson the teacher prepared materials for is kept like a held one: sites may have opened them (evidence).
          notExists(this.db.select({ id: lessonMaterials.id }).from(lessonMaterials).where(eq(lessonMaterials.scheduledLessonId, scheduledLessons.id))),
        ),
      );
  }

  /**
   * Start instants (ms) from `from` on that the timetable must not plan again after deletePlannedLessons:
   * the kept lessons' starts, and where a moved lesson used to be (its slot's lesson was moved, not dropped).
   */
  async keptLessonStarts(courseId: number, from: Date): Promise<Set<number>> {
    const rows = await this.db
      .select({ startsAt: scheduledLessons.startsAt, movedFrom: scheduledLessons.movedFrom })
      .from(scheduledLessons)
      .where(and(eq(scheduledLessons.courseId, courseId), or(gte(scheduledLessons.startsAt, from), and(isNotNull(scheduledLessons.movedFrom), gte(scheduledLessons.movedFrom, from)))));
    return new Set(rows.flatMap((r) => (r.movedFrom ? [r.startsAt.getTime(), r.movedFrom.getTime()] : [r.startsAt.getTime()])));
  }

  async scheduledLesson(id: number): Promise<ScheduledLessonRow | undefined> {
    const [row] = await this.db.select().from(scheduledLessons).where(eq(scheduledLessons.id, id)).limit(1);
    return row;
  }

  async updateScheduledLesson(id: number, values: Partial<Pick<ScheduledLessonRow, 'startsAt' | 'endsAt' | 'status' | 'movedFrom' | 'changeReason'>>): Promise<void> {
    await this.db.update(scheduledLessons).set(values).where(eq(scheduledLessons.id, id));
  }

  /** Has a lesson session (running or ended) been held for this scheduled lesson? */
  async lessonHeld(id: number): Promise<boolean> {
    const [held] = await this.db.select({ id: lessonSessions.id }).from(lessonSessions).where(eq(lessonSessions.scheduledLessonId, id)).limit(1);
    return held !== undefined;
  }

  /** The course's lessons (not cancelled, other than `exceptId`) overlapping [startsAt, endsAt). */
  async overlappingLessons(courseId: number, startsAt: Date, endsAt: Date, exceptId = 0): Promise<ScheduledLessonRow[]> {
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
      );
  }

  async insertAdHocLesson(courseId: number, startsAt: Date, endsAt: Date): Promise<ScheduledLessonRow> {
    const [row] = await this.db.insert(scheduledLessons).values({ courseId, slotId: null, startsAt, endsAt, adHoc: true }).returning();
    return row!;
  }

  // ---- The region's school calendar ----

  async calendarDays(regionId: number): Promise<CalendarDayRow[]> {
    return this.db.select().from(calendarDays).where(eq(calendarDays.regionId, regionId)).orderBy(asc(calendarDays.startsOn), asc(calendarDays.id));
  }

  async calendarDay(id: number): Promise<CalendarDayRow | undefined> {
    const [row] = await this.db.select().from(calendarDays).where(eq(calendarDays.id, id)).limit(1);
    return row;
  }

  /** The region's entries touching [fromDate, toDate]. */
  async calendarDaysBetween(regionId: number, fromDate: string, toDate: string): Promise<CalendarDayRow[]> {
    return this.db
      .select()
      .from(calendarDays)
      .where(and(eq(calendarDays.regionId, regionId), lte(calendarDays.startsOn, toDate), gte(calendarDays.endsOn, fromDate)));
  }

  async insertCalendarDay(values: Omit<CalendarDayRow, 'id'>): Promise<CalendarDayRow> {
    const [row] = await this.db.insert(calendarDays).values(values).returning();
    return row!;
  }

  async deleteCalendarDay(id: number): Promise<void> {
    await this.db.delete(calendarDays).where(eq(calendarDays.id, id));
  }

  /** Active courses of the region's terms (to re-plan them when its calendar changes). */
  async activeCoursesOfRegion(regionId: number): Promise<CourseRow[]> {
    const rows = await this.db
      .select({ course: courses })
      .from(courses)
      .innerJoin(terms, eq(terms.id, courses.termId))
      .where(and(eq(terms.regionId, regionId), eq(courses.active, true)));
    return rows.map((r) => r.course);
  }

  async insertLessons(courseId: number, lessons: ReadonlyArray<{ slotId: number; startsAt: Date; endsAt: Date }>): Promise<void> {
    for (const part of chunks(lessons, 200)) await this.db.insert(scheduledLessons).values(part.map((l) => ({ courseId, ...l })));
  }

  /** Lessons of these courses starting in [from, to), by start. */
  async lessonsBetween(courseIds: readonly number[], from: Date, to: Date): Promise<ScheduledLessonRow[]> {
    const rows = await inParts(courseIds, (part) =>
      this.db
        .select()
        .from(scheduledLessons)
        .where(and(inArray(scheduledLessons.courseId, part), gte(scheduledLessons.startsAt, from), lt(scheduledLessons.startsAt, to))),
    );
    return rows.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id - b.id);
  }
}
