import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import { attendanceIntervals, courses, lessonSessions, schools, users } from '../../db/schema/index.js';
import type { TongkeDb } from '../../db/store.js';
import type { ObservableLesson } from '../../../shared/api/research-observing.js';

export type LiveLessonRow = Omit<ObservableLesson, 'startedAt' | 'observers'> & { startedAt: Date };

/** What observing reads and writes of the store: courses' 开放听课, and the lessons live now. */
export class ObservingRepository {
  constructor(private readonly db: TongkeDb) {}

  /** Whether the course is open to observation; null when there is no such course. */
  async observable(courseId: number): Promise<boolean | null> {
    const [row] = await this.db.select({ observable: courses.observable }).from(courses).where(eq(courses.id, courseId)).limit(1);
    return row ? row.observable : null;
  }

  async setObservable(courseId: number, observable: boolean): Promise<void> {
    await this.db.update(courses).set({ observable }).where(eq(courses.id, courseId));
  }

  /** Lessons live now (not ended), research meetings (协同教研) left out: they are no lesson to observe. */
  async liveLessons(): Promise<LiveLessonRow[]> {
    return this.db
      .select({
        lessonSessionId: lessonSessions.id,
        courseId: courses.id,
        courseName: courses.name,
        subject: courses.subject,
        grade: courses.grade,
        schoolName: schools.name,
        teacherName: users.displayName,
        startedAt: lessonSessions.startedAt,
      })
      .from(lessonSessions)
      .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
      .innerJoin(schools, eq(schools.id, courses.schoolId))
      .innerJoin(users, eq(users.id, courses.leadTeacherId))
      .where(and(isNull(lessonSessions.endedAt), isNull(lessonSessions.researchSessionId)))
      .orderBy(lessonSessions.startedAt);
  }

  /** Observers in each lesson now, as the evidence recorder keeps their attendance (an open interval each). */
  async observersIn(lessonSessionIds: readonly number[]): Promise<Map<number, number>> {
    if (lessonSessionIds.length === 0) return new Map();
    const rows = await this.db
      .select({ lessonSessionId: attendanceIntervals.lessonSessionId, observers: count() })
      .from(attendanceIntervals)
      .where(and(inArray(attendanceIntervals.lessonSessionId, [...lessonSessionIds]), eq(attendanceIntervals.siteKind, 'observer'), isNull(attendanceIntervals.leftAt)))
      .groupBy(attendanceIntervals.lessonSessionId);
    return new Map(rows.map((r) => [r.lessonSessionId, Number(r.observers)]));
  }
}
