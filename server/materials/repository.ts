import { and, asc, count, eq, gte, inArray, isNull, lt, max, min, ne } from 'drizzle-orm';
import type { TongkeDb } from '../db/store.js';
import {
  classrooms,
  courseReceivers,
  courseStudents,
  courses,
  courseware,
  lessonMaterials,
  materialOpenings,
  roleGrants,
  scheduledLessons,
  schools,
  studentProfiles,
  users,
} from '../db/schema/index.js';
import { chunks } from '../core/lists.js';

export type MaterialRow = typeof lessonMaterials.$inferSelect;
export type NewMaterial = Omit<typeof lessonMaterials.$inferInsert, 'id' | 'createdAt'>;
export type OpeningValues = Omit<typeof materialOpenings.$inferInsert, 'id' | 'openedAt'> & { openedAt?: Date };
/** A material with its lesson's times and status, and its courseware's title (documents). */
export type MaterialWithLesson = MaterialRow & { startsAt: Date; endsAt: Date; lessonStatus: 'scheduled' | 'cancelled'; coursewareTitle: string | null; coursewareRemovedAt: Date | null };
/** A receiving site of a course: a classroom, or an enrolled student. */
export interface CourseSite {
  siteKind: 'receiving_classroom' | 'student';
  siteId: number;
  name: string;
  schoolName: string;
}

async function inParts<I, R>(ids: readonly I[], query: (part: I[]) => Promise<R[]>): Promise<R[]> {
  const rows: R[] = [];
  for (const part of chunks(ids)) rows.push(...(await query(part)));
  return rows;
}

/** Persistence of lesson materials and their openings (evidence). */
export class MaterialsRepository {
  constructor(private readonly db: TongkeDb) {}

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(() => work());
  }

  async lesson(id: number) {
    const [row] = await this.db
      .select({ id: scheduledLessons.id, courseId: scheduledLessons.courseId, startsAt: scheduledLessons.startsAt, endsAt: scheduledLessons.endsAt, status: scheduledLessons.status })
      .from(scheduledLessons)
      .where(eq(scheduledLessons.id, id))
      .limit(1);
    return row ?? null;
  }

  /** The course's next lesson still to be held after `after` (not cancelled). */
  async nextLesson(courseId: number, after: Date) {
    const [row] = await this.db
      .select({ id: scheduledLessons.id })
      .from(scheduledLessons)
      .where(and(eq(scheduledLessons.courseId, courseId), ne(scheduledLessons.status, 'cancelled'), gte(scheduledLessons.startsAt, new Date(after.getTime() + 1))))
      .orderBy(asc(scheduledLessons.startsAt))
      .limit(1);
    return row?.id ?? null;
  }

  async courseware(id: number) {
    const [row] = await this.db
      .select({ id: courseware.id, courseId: courseware.courseId, title: courseware.title, status: courseware.status, removedAt: courseware.removedAt })
      .from(courseware)
      .where(eq(courseware.id, id))
      .limit(1);
    return row ?? null;
  }

  /** The materials of these lessons, each lesson's in order; `withRemoved` adds those removed after a site opened them. */
  async materialsOf(lessonIds: readonly number[], { withRemoved = false } = {}): Promise<MaterialWithLesson[]> {
    return inParts(lessonIds, (part) =>
      this.db
        .select({ ...MATERIAL_COLUMNS })
        .from(lessonMaterials)
        .innerJoin(scheduledLessons, eq(scheduledLessons.id, lessonMaterials.scheduledLessonId))
        .leftJoin(courseware, eq(courseware.id, lessonMaterials.coursewareId))
        .where(and(inArray(lessonMaterials.scheduledLessonId, part), withRemoved ? undefined : isNull(lessonMaterials.removedAt)))
        .orderBy(asc(scheduledLessons.startsAt), asc(lessonMaterials.position), asc(lessonMaterials.id)),
    );
  }

  async material(id: number): Promise<MaterialWithLesson | null> {
    const [row] = await this.db
      .select({ ...MATERIAL_COLUMNS })
      .from(lessonMaterials)
      .innerJoin(scheduledLessons, eq(scheduledLessons.id, lessonMaterials.scheduledLessonId))
      .leftJoin(courseware, eq(courseware.id, lessonMaterials.coursewareId))
      .where(and(eq(lessonMaterials.id, id), isNull(lessonMaterials.removedAt)))
      .limit(1);
    return row ?? null;
  }

  async countOf(lessonId: number): Promise<{ count: number; lastPosition: number }> {
    const [row] = await this.db.select({ count: count(), last: max(lessonMaterials.position) }).from(lessonMaterials).where(and(eq(lessonMaterials.scheduledLessonId, lessonId), isNull(lessonMaterials.removedAt)));
    return { count: Number(row?.count ?? 0), lastPosition: row?.last ?? 0 };
  }

  async insert(values: NewMaterial): Promise<number> {
    const [row] = await this.db.insert(lessonMaterials).values(values).returning({ id: lessonMaterials.id });
    return row!.id;
  }

  /**
   * Takes a material off its lesson. One a site has opened is evidence (delivered, opened): it is marked
   * removed and kept with its openings; one nobody opened is deleted.
   */
  async remove(id: number, at: Date): Promise<void> {
    await this.db.transaction(async () => {
      const [opened] = await this.db.select({ id: materialOpenings.id }).from(materialOpenings).where(eq(materialOpenings.materialId, id)).limit(1);
      if (opened) await this.db.update(lessonMaterials).set({ removedAt: at }).where(eq(lessonMaterials.id, id));
      else await this.db.delete(lessonMaterials).where(eq(lessonMaterials.id, id));
    });
  }

  async setPosition(id: number, position: number): Promise<void> {
    await this.db.update(lessonMaterials).set({ position }).where(eq(lessonMaterials.id, id));
  }

  /** Whether this user opened the material at or after `since`. */
  async openedSince(materialId: number, userId: number, since: Date): Promise<boolean> {
    const [row] = await this.db
      .select({ id: materialOpenings.id })
      .from(materialOpenings)
      .where(and(eq(materialOpenings.materialId, materialId), eq(materialOpenings.userId, userId), gte(materialOpenings.openedAt, since)))
      .limit(1);
    return row !== undefined;
  }

  async recordOpening(values: OpeningValues): Promise<void> {
    await this.db.insert(materialOpenings).values(values);
  }

  /** Per material and site: the first opening and how many. */
  async openingsOf(materialIds: readonly number[]) {
    return inParts(materialIds, (part) =>
      this.db
        .select({
          materialId: materialOpenings.materialId,
          siteKind: materialOpenings.siteKind,
          classroomId: materialOpenings.classroomId,
          userId: materialOpenings.userId,
          first: min(materialOpenings.openedAt),
          openings: count(),
        })
        .from(materialOpenings)
        .where(inArray(materialOpenings.materialId, part))
        .groupBy(materialOpenings.materialId, materialOpenings.siteKind, materialOpenings.classroomId, materialOpenings.userId),
    );
  }

  /** The course's receiving sites now: its receiving classrooms, then its enrolled students. */
  async sitesOf(courseId: number): Promise<CourseSite[]> {
    const rooms = await this.db
      .select({ id: classrooms.id, name: classrooms.name, schoolName: schools.name })
      .from(courseReceivers)
      .innerJoin(classrooms, eq(classrooms.id, courseReceivers.classroomId))
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(eq(courseReceivers.courseId, courseId))
      .orderBy(asc(classrooms.id));
    const students = await this.db
      .select({ id: users.id, name: users.displayName, schoolName: schools.name })
      .from(courseStudents)
      .innerJoin(users, eq(users.id, courseStudents.studentId))
      .leftJoin(studentProfiles, eq(studentProfiles.userId, users.id))
      .leftJoin(schools, eq(schools.id, studentProfiles.schoolId))
      .where(eq(courseStudents.courseId, courseId))
      .orderBy(asc(users.id));
    return [
      ...rooms.map((r): CourseSite => ({ siteKind: 'receiving_classroom', siteId: r.id, name: r.name, schoolName: r.schoolName })),
      ...students.map((s): CourseSite => ({ siteKind: 'student', siteId: s.id, name: s.name, schoolName: s.schoolName ?? '' })),
    ];
  }

  /** Where a site sits, for the evidence row: a classroom's school and region, or a student's. */
  async classroomPlace(classroomId: number) {
    const [row] = await this.db.select({ schoolId: schools.id, regionId: schools.regionId }).from(classrooms).innerJoin(schools, eq(schools.id, classrooms.schoolId)).where(eq(classrooms.id, classroomId)).limit(1);
    return row ?? null;
  }

  async studentPlace(userId: number) {
    const [row] = await this.db
      .select({ schoolId: schools.id, regionId: schools.regionId })
      .from(studentProfiles)
      .innerJoin(schools, eq(schools.id, studentProfiles.schoolId))
      .where(eq(studentProfiles.userId, userId))
      .limit(1);
    return row ?? null;
  }

  /**
   * For a usage report: per receiving classroom, the materials of the lessons (not cancelled) of the courses
   * it receives that started in [from, to), with each material's timing (the caller keeps those whose window
   * has opened) and whether that classroom opened it.
   */
  async deliveredTo(classroomIds: readonly number[], from: Date, to: Date, courseIds: readonly number[] | null) {
    const ofCourses = courseIds === null ? [] : [inArray(scheduledLessons.courseId, courseIds.length > 0 ? [...courseIds] : [0])];
    const delivered = await inParts(classroomIds, (part) =>
      this.db
        .select({
          classroomId: courseReceivers.classroomId,
          materialId: lessonMaterials.id,
          shown: lessonMaterials.shown,
          beforeHours: lessonMaterials.beforeHours,
          startsAt: scheduledLessons.startsAt,
          endsAt: scheduledLessons.endsAt,
        })
        .from(courseReceivers)
        .innerJoin(scheduledLessons, eq(scheduledLessons.courseId, courseReceivers.courseId))
        .innerJoin(lessonMaterials, eq(lessonMaterials.scheduledLessonId, scheduledLessons.id))
        .where(and(inArray(courseReceivers.classroomId, part), ne(scheduledLessons.status, 'cancelled'), gte(scheduledLessons.startsAt, from), lt(scheduledLessons.startsAt, to), ...ofCourses)),
    );
    const opened = await inParts(classroomIds, (part) =>
      this.db
        .selectDistinct({ classroomId: materialOpenings.classroomId, materialId: materialOpenings.materialId })
        .from(materialOpenings)
        .innerJoin(scheduledLessons, eq(scheduledLessons.id, materialOpenings.scheduledLessonId))
        .where(and(inArray(materialOpenings.classroomId, part), gte(scheduledLessons.startsAt, from), lt(scheduledLessons.startsAt, to), ...ofCourses)),
    );
    return { delivered, opened };
  }

  // ---- For the demo seed (server/seed/demo-materials.ts) ----

  /** A course by its name, with its scheduled lessons (not cancelled) starting in [from, to), by time. */
  async courseLessons(courseName: string, from: Date, to: Date) {
    const [course] = await this.db.select({ id: courses.id, leadTeacherId: courses.leadTeacherId }).from(courses).where(eq(courses.name, courseName)).limit(1);
    if (!course) return null;
    const lessons = await this.db
      .select({ id: scheduledLessons.id, startsAt: scheduledLessons.startsAt })
      .from(scheduledLessons)
      .where(and(eq(scheduledLessons.courseId, course.id), ne(scheduledLessons.status, 'cancelled'), gte(scheduledLessons.startsAt, from), lt(scheduledLessons.startsAt, to)))
      .orderBy(asc(scheduledLessons.startsAt));
    return { ...course, lessons };
  }

  /** The classroom a device account stands for, by its user name. */
  async deviceClassroom(username: string) {
    const [row] = await this.db
      .select({ userId: users.id, classroomId: roleGrants.classroomId })
      .from(users)
      .innerJoin(roleGrants, and(eq(roleGrants.userId, users.id), eq(roleGrants.role, 'classroom_device')))
      .where(eq(users.username, username))
      .limit(1);
    return row && row.classroomId !== null ? { userId: row.userId, classroomId: row.classroomId } : null;
  }

  async classroomNames(ids: readonly number[]) {
    return inParts(ids, (part) =>
      this.db.select({ id: classrooms.id, name: classrooms.name, schoolName: schools.name }).from(classrooms).innerJoin(schools, eq(schools.id, classrooms.schoolId)).where(inArray(classrooms.id, part)),
    );
  }
}

const MATERIAL_COLUMNS = {
  id: lessonMaterials.id,
  scheduledLessonId: lessonMaterials.scheduledLessonId,
  courseId: lessonMaterials.courseId,
  kind: lessonMaterials.kind,
  coursewareId: lessonMaterials.coursewareId,
  title: lessonMaterials.title,
  url: lessonMaterials.url,
  note: lessonMaterials.note,
  shown: lessonMaterials.shown,
  beforeHours: lessonMaterials.beforeHours,
  position: lessonMaterials.position,
  createdBy: lessonMaterials.createdBy,
  createdAt: lessonMaterials.createdAt,
  removedAt: lessonMaterials.removedAt,
  startsAt: scheduledLessons.startsAt,
  endsAt: scheduledLessons.endsAt,
  lessonStatus: scheduledLessons.status,
  coursewareTitle: courseware.title,
  coursewareRemovedAt: courseware.removedAt,
};
