import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, max, sql } from 'drizzle-orm';
import { changedRows, type TongkeDb } from '../../db/store.js';
import {
  attendanceIntervals,
  classrooms,
  courseReceivers,
  courseStudents,
  courses,
  evidencePurges,
  lessonSessions,
  mediaStateIntervals,
  participationEvents,
  qualitySamples,
  roleGrants,
  scheduledLessons,
  schools,
  studentProfiles,
  usageLessonTeachers,
  usageSiteDays,
} from '../../db/schema/index.js';
import { chunks } from '../../core/lists.js';
import type { LessonEvidence, LessonRollup, SitePlace } from './lesson-rollup.js';
import { SitePlacesRepository } from './site-places-repository.js';
import { WeekRollupRepository } from './week-repository.js';

/** A session started this close to a timetabled lesson's window stands for it. */
export const SCHEDULE_MATCH_MS = 15 * 60_000;
/** Rows per multi-row insert (SQLite's bound-parameter limit over 28 columns). */
const INSERT_BATCH = 30;

/** Reads the evidence of a lesson and writes its roll-up rows. */
export class RollupRepository {
  readonly #weeks: WeekRollupRepository;
  readonly #places: SitePlacesRepository;

  constructor(private readonly db: TongkeDb) {
    this.#weeks = new WeekRollupRepository(db);
    this.#places = new SitePlacesRepository(db);
  }

  /** Runs `work` in one transaction (ambient: every query of this repository inside it joins). */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(() => work());
  }

  /**
   * Everything computeLessonRollup needs about one lesson session; undefined when there is no such session,
   * or when it is a teaching-research meeting (协同教研): that is no lesson, so it has no usage roll-ups.
   */
  async lessonEvidence(lessonSessionId: number): Promise<LessonEvidence | undefined> {
    const [lesson] = await this.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId)).limit(1);
    if (!lesson || lesson.researchSessionId !== null) return undefined;
    const [course] = await this.db
      .select({
        termId: courses.termId,
        subject: courses.subject,
        kind: courses.kind,
        leadTeacherId: courses.leadTeacherId,
        hostClassroomId: courses.hostClassroomId,
        schoolId: schools.id,
        regionId: schools.regionId,
        groupId: schools.groupId,
      })
      .from(courses)
      .innerJoin(schools, eq(schools.id, courses.schoolId))
      .where(eq(courses.id, lesson.courseId))
      .limit(1);
    if (!course) return undefined;

    const receivers = await this.db
      .select({
        classroomId: courseReceivers.classroomId,
        expectedStudents: courseReceivers.expectedStudents,
        assistantTeacherId: courseReceivers.assistantTeacherId,
        schoolId: schools.id,
        regionId: schools.regionId,
        groupId: schools.groupId,
      })
      .from(courseReceivers)
      .innerJoin(classrooms, eq(classrooms.id, courseReceivers.classroomId))
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(eq(courseReceivers.courseId, lesson.courseId))
      .orderBy(asc(courseReceivers.classroomId));
    const enrolled = await this.db
      .select({ userId: courseStudents.studentId, homeDelivery: studentProfiles.homeDelivery, schoolId: schools.id, regionId: schools.regionId, groupId: schools.groupId })
      .from(courseStudents)
      .leftJoin(studentProfiles, eq(studentProfiles.userId, courseStudents.studentId))
      .leftJoin(schools, eq(schools.id, studentProfiles.schoolId))
      .where(eq(courseStudents.courseId, lesson.courseId))
      .orderBy(asc(courseStudents.studentId));
    const attendance = await this.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.lessonSessionId, lessonSessionId)).orderBy(asc(attendanceIntervals.id));
    const participation = await this.db
      .select({ participantId: participationEvents.participantId, userId: participationEvents.userId, classroomId: participationEvents.classroomId, kind: participationEvents.kind, occurredAt: participationEvents.occurredAt })
      .from(participationEvents)
      .where(eq(participationEvents.lessonSessionId, lessonSessionId))
      .orderBy(asc(participationEvents.id));

    const classroomIds = [...new Set([...attendance, ...participation].flatMap((r) => (r.classroomId === null ? [] : [r.classroomId])))];
    const schoolIds = [...new Set(attendance.flatMap((r) => (r.schoolId === null ? [] : [r.schoolId])))];
    const userIds = [...new Set(attendance.flatMap((r) => (r.userId === null ? [] : [r.userId])))];

    const scheduledLessonId = await this.#matchScheduledLesson(lesson.courseId, lesson.scheduledLessonId, lesson.startedAt);
    const [classroomPlaces, schoolPlaces, teacherIds] = [await this.#places.classroomPlaces(classroomIds), await this.#places.schoolPlaces(schoolIds), await this.#teachers(userIds)];
    return {
      lesson: {
        id: lesson.id,
        courseId: lesson.courseId,
        startedAt: lesson.startedAt.getTime(),
        startedBy: lesson.startedBy,
        endedAt: lesson.endedAt?.getTime() ?? null,
        lastHeartbeatAt: lesson.lastHeartbeatAt.getTime(),
        scheduledLessonId,
      },
      course: {
        termId: course.termId,
        subject: course.subject,
        kind: course.kind,
        leadTeacherId: course.leadTeacherId,
        hostClassroomId: course.hostClassroomId,
        host: { regionId: course.regionId, groupId: course.groupId, schoolId: course.schoolId },
      },
      receivers: receivers.map((r) => ({
        classroomId: r.classroomId,
        expectedStudents: r.expectedStudents,
        assistantTeacherId: r.assistantTeacherId,
        place: { regionId: r.regionId, groupId: r.groupId, schoolId: r.schoolId },
      })),
      enrolled: enrolled.map((s) => ({
        userId: s.userId,
        homeDelivery: s.homeDelivery ?? false,
        place: s.schoolId !== null && s.regionId !== null ? { regionId: s.regionId, groupId: s.groupId, schoolId: s.schoolId } : null,
      })),
      attendance: attendance.map((a) => ({
        participantId: a.participantId,
        userId: a.userId,
        siteKind: a.siteKind,
        classroomId: a.classroomId,
        schoolId: a.schoolId,
        joinedAt: a.joinedAt.getTime(),
        leftAt: a.leftAt?.getTime() ?? null,
        lastHeartbeatAt: a.lastHeartbeatAt.getTime(),
        headcount: a.headcount,
      })),
      participation: participation.map((p) => ({ ...p, occurredAt: p.occurredAt.getTime() })),
      classroomPlaces,
      schoolPlaces,
      teacherIds,
    };
  }

  /** Replaces the lesson's roll-up rows, and its share of the week roll-ups (call inside a transaction). */
  async replaceLessonRollup(lessonSessionId: number, rollup: LessonRollup | null): Promise<void> {
    await this.#weeks.addLesson(lessonSessionId, -1);
    await this.db.delete(usageSiteDays).where(eq(usageSiteDays.lessonSessionId, lessonSessionId));
    await this.db.delete(usageLessonTeachers).where(eq(usageLessonTeachers.lessonSessionId, lessonSessionId));
    if (!rollup) return;
    for (const part of chunks(rollup.siteDays, INSERT_BATCH)) await this.db.insert(usageSiteDays).values(part);
    for (const part of chunks(rollup.teachers, INSERT_BATCH)) await this.db.insert(usageLessonTeachers).values(part);
    await this.#weeks.addLesson(lessonSessionId, 1);
  }

  /** The threshold the week roll-ups count delivered lessons with (null: not built). */
  async weeksCountedWith(): Promise<number | null> {
    return this.#weeks.countedWith();
  }

  /** Rebuilds the week roll-ups from usage_site_days, counting delivered lessons from `deliveredSeconds`. */
  async rebuildWeeks(deliveredSeconds: number): Promise<void> {
    await this.#weeks.rebuild(deliveredSeconds);
  }

  /** Lesson sessions that started in [from, to), oldest first (teaching-research meetings are no lessons). */
  async lessonIdsStartedBetween(from: Date | undefined, to: Date | undefined): Promise<number[]> {
    const found = await this.db
      .select({ id: lessonSessions.id })
      .from(lessonSessions)
      .where(and(from ? gte(lessonSessions.startedAt, from) : undefined, to ? lt(lessonSessions.startedAt, to) : undefined, isNull(lessonSessions.researchSessionId)))
      .orderBy(asc(lessonSessions.startedAt), asc(lessonSessions.id));
    return found.map((r) => r.id);
  }

  /** The lesson's roll-up rows (for its final summary). */
  async lessonRollupRows(lessonSessionId: number): Promise<Array<typeof usageSiteDays.$inferSelect>> {
    return this.db.select().from(usageSiteDays).where(eq(usageSiteDays.lessonSessionId, lessonSessionId)).orderBy(asc(usageSiteDays.id));
  }

  // ---- Retention ----

  /** Ended lessons that started in [after, before), oldest first (after null: from the beginning). */
  async endedLessonsStartedBetween(after: Date | null, before: Date): Promise<number[]> {
    const found = await this.db
      .select({ id: lessonSessions.id })
      .from(lessonSessions)
      .where(and(after ? gte(lessonSessions.startedAt, after) : undefined, lt(lessonSessions.startedAt, before), isNotNull(lessonSessions.endedAt)))
      .orderBy(asc(lessonSessions.startedAt), asc(lessonSessions.id));
    return found.map((r) => r.id);
  }

  async hasRollup(lessonSessionId: number): Promise<boolean> {
    const [row] = await this.db.select({ id: usageSiteDays.id }).from(usageSiteDays).where(eq(usageSiteDays.lessonSessionId, lessonSessionId)).limit(1);
    return row !== undefined;
  }

  /** Deletes the lesson's raw evidence; returns how many rows went. */
  async deleteEvidence(lessonSessionId: number): Promise<number> {
    let deleted = 0;
    for (const table of [attendanceIntervals, mediaStateIntervals, participationEvents, qualitySamples]) {
      deleted += changedRows(await this.db.delete(table).where(eq(table.lessonSessionId, lessonSessionId)));
    }
    return deleted;
  }

  async recordPurge(ranAt: Date, cutoff: Date, deletedRows: number): Promise<void> {
    await this.db.insert(evidencePurges).values({ ranAt, cutoff, deletedRows });
  }

  /** Lessons that started before this instant have lost their raw evidence (null: never purged). */
  async purgedBefore(): Promise<Date | null> {
    const [row] = await this.db.select({ cutoff: max(evidencePurges.cutoff) }).from(evidencePurges);
    return row?.cutoff ?? null;
  }

  /**
   * The timetabled lesson a session stands for: the one it names, or else the course's planned lesson whose
   * time window (± 15 minutes) contains the session's start, the nearest if several do.
   */
  async #matchScheduledLesson(courseId: number, named: number | null, startedAt: Date): Promise<number | null> {
    if (named !== null) {
      const [row] = await this.db.select({ id: scheduledLessons.id }).from(scheduledLessons).where(and(eq(scheduledLessons.id, named), eq(scheduledLessons.courseId, courseId))).limit(1);
      if (row) return row.id;
    }
    const at = startedAt.getTime();
    const [row] = await this.db
      .select({ id: scheduledLessons.id })
      .from(scheduledLessons)
      .where(
        and(
          eq(scheduledLessons.courseId, courseId),
          eq(scheduledLessons.status, 'scheduled'),
          lte(scheduledLessons.startsAt, new Date(at + SCHEDULE_MATCH_MS)),
          gte(scheduledLessons.endsAt, new Date(at - SCHEDULE_MATCH_MS)),
        ),
      )
      .orderBy(sql`abs(${scheduledLessons.startsAt} - ${at})`, desc(scheduledLessons.id))
      .limit(1);
    return row?.id ?? null;
  }

  async #teachers(userIds: readonly number[]): Promise<Set<number>> {
    const ids = new Set<number>();
    for (const part of chunks(userIds)) {
      const rows = await this.db
        .select({ userId: roleGrants.userId })
        .from(roleGrants)
        .where(and(inArray(roleGrants.userId, part), inArray(roleGrants.role, ['teacher', 'assistant_teacher'])));
      for (const r of rows) ids.add(r.userId);
    }
    return ids;
  }
}
