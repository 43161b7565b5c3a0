import { and, asc, eq, lt } from 'drizzle-orm';
import type { TongkeDb } from '../db/store.js';
import { classrooms, courseReceivers, lessonSessions, linkHealthDays, scheduledLessons, schools, usageSiteDays } from '../db/schema/index.js';

/** What the demo's link history is made from: each receiving classroom's past timetabled lessons. */
export interface ReceivedLesson {
  classroomId: number;
  schoolId: number;
  schoolName: string;
  groupId: number | null;
  regionId: number;
  startsAt: Date;
  endsAt: Date;
  /** The session that stood for the lesson (the demo's lesson history), if there is one. */
  lessonSessionId: number | null;
  /** Whether the classroom was there (a usage roll-up of it for that session). */
  attended: boolean;
}

/** The demo seed's reads for the link health history (writes go through the LinkHealthRepository). */
export class DemoLinkRepository {
  constructor(private readonly db: TongkeDb) {}

  async hasLinkHealth(): Promise<boolean> {
    const [row] = await this.db.select({ id: linkHealthDays.id }).from(linkHealthDays).limit(1);
    return row !== undefined;
  }

  /** Timetabled lessons that ended before `now`, once per receiving classroom, oldest first. */
  async receivedLessons(now: Date): Promise<ReceivedLesson[]> {
    const rows = await this.db
      .select({
        classroomId: courseReceivers.classroomId,
        schoolId: schools.id,
        schoolName: schools.name,
        groupId: schools.groupId,
        regionId: schools.regionId,
        startsAt: scheduledLessons.startsAt,
        endsAt: scheduledLessons.endsAt,
        lessonSessionId: lessonSessions.id,
        rolledUp: usageSiteDays.id,
      })
      .from(scheduledLessons)
      .innerJoin(courseReceivers, eq(courseReceivers.courseId, scheduledLessons.courseId))
      .innerJoin(classrooms, eq(classrooms.id, courseReceivers.classroomId))
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .leftJoin(lessonSessions, eq(lessonSessions.scheduledLessonId, scheduledLessons.id))
      .leftJoin(
        usageSiteDays,
        and(eq(usageSiteDays.lessonSessionId, lessonSessions.id), eq(usageSiteDays.classroomId, courseReceivers.classroomId), eq(usageSiteDays.lessonStart, true)),
      )
      .where(and(eq(scheduledLessons.status, 'scheduled'), lt(scheduledLessons.endsAt, now)))
      .orderBy(asc(scheduledLessons.startsAt), asc(scheduledLessons.id), asc(courseReceivers.classroomId));
    return rows.map(({ rolledUp, ...row }) => ({ ...row, attended: rolledUp !== null }));
  }
}
