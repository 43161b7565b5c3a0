import { and, asc, count, desc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import {
  attendanceIntervals,
  courses,
  lessonReviews,
  lessonSessions,
  observationNotes,
  observations,
  regions,
  researchSessions,
  researchSettings,
  rubrics,
  users,
} from '../../db/schema/index.js';
import type { TongkeDb } from '../../db/store.js';
import type { ObservationMode, RubricBody, RubricScores } from '../../../shared/api/research.js';

/** A held lesson of a demo teacher's courses. */
export interface HeldLesson {
  id: number;
  courseId: number;
  startedAt: Date;
  endedAt: Date;
  hostClassroomId: number | null;
  schoolId: number;
}

/** What the demo seed of 名师课堂 reads and writes (server/seed/demo-research.ts). */
export class DemoResearchRepository {
  constructor(private readonly db: TongkeDb) {}

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async observationCount(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(observations);
    return Number(row?.n ?? 0);
  }

  async regionId(code: string): Promise<number | null> {
    const [row] = await this.db.select({ id: regions.id }).from(regions).where(eq(regions.code, code));
    return row?.id ?? null;
  }

  async userIds(usernames: readonly string[]): Promise<Map<string, number>> {
    const found = await this.db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.username, [...usernames]));
    return new Map(found.map((u) => [u.username, u.id]));
  }

  /** Her courses' ended lessons (not research meetings) before `now`, the latest first. */
  async heldLessons(leadTeacherId: number, now: Date, limit: number): Promise<HeldLesson[]> {
    const found = await this.db
      .select({ id: lessonSessions.id, courseId: lessonSessions.courseId, startedAt: lessonSessions.startedAt, endedAt: lessonSessions.endedAt, hostClassroomId: courses.hostClassroomId, schoolId: courses.schoolId })
      .from(lessonSessions)
      .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
      .where(and(eq(courses.leadTeacherId, leadTeacherId), isNull(lessonSessions.researchSessionId), isNotNull(lessonSessions.endedAt)))
      .orderBy(desc(lessonSessions.startedAt), asc(lessonSessions.id))
      .limit(limit * 3);
    return found.filter((l): l is HeldLesson => l.endedAt !== null && l.endedAt <= now).slice(0, limit);
  }

  async rubric(regionId: number, body: RubricBody): Promise<number> {
    const [existing] = await this.db.select({ id: rubrics.id }).from(rubrics).where(eq(rubrics.regionId, regionId)).orderBy(desc(rubrics.id)).limit(1);
    if (existing) return existing.id;
    const [row] = await this.db.insert(rubrics).values({ regionId, body }).returning({ id: rubrics.id });
    return row!.id;
  }

  /** The region's observation target, unless the region already has settings. */
  async target(regionId: number, observationTarget: number): Promise<void> {
    await this.db.insert(researchSettings).values({ regionId, observationTarget }).onConflictDoNothing();
  }

  async observe(values: {
    lessonSessionId: number;
    observerId: number;
    mode: ObservationMode;
    rubricId: number;
    scores: RubricScores | null;
    comment: string | null;
    submittedAt: Date | null;
    notes: ReadonlyArray<{ atMs: number; text: string }>;
    at: Date;
  }): Promise<void> {
    const { notes, at, ...observation } = values;
    const [row] = await this.db.insert(observations).values({ ...observation, createdAt: at, updatedAt: observation.submittedAt ?? at }).returning({ id: observations.id });
    if (notes.length > 0) await this.db.insert(observationNotes).values(notes.map((n) => ({ observationId: row!.id, atMs: n.atMs, mode: values.mode, text: n.text, createdAt: at, updatedAt: at })));
  }

  async review(lessonSessionId: number, closesAt: Date): Promise<void> {
    await this.db.insert(lessonReviews).values({ lessonSessionId, closesAt }).onConflictDoNothing();
  }

  /** A 协同教研 meeting that was held: its row, its lesson session in the course, and who was connected. */
  async heldMeeting(meeting: { lesson: HeldLesson; title: string; convenerId: number; at: Date; minutes: number; regionId: number; attendees: readonly number[] }): Promise<void> {
    const { lesson, at } = meeting;
    const endedAt = new Date(at.getTime() + meeting.minutes * 60_000);
    const [research] = await this.db
      .insert(researchSessions)
      .values({ lessonSessionId: lesson.id, title: meeting.title, convenerId: meeting.convenerId, scheduledAt: at, durationMinutes: meeting.minutes, status: 'ended', createdAt: lesson.endedAt })
      .returning({ id: researchSessions.id });
    const [session] = await this.db
      .insert(lessonSessions)
      .values({ courseId: lesson.courseId, startedBy: meeting.convenerId, startedAt: at, endedAt, endedBy: meeting.convenerId, endReason: 'ended_by_teacher', lastHeartbeatAt: endedAt, researchSessionId: research!.id })
      .returning({ id: lessonSessions.id });
    await this.db.insert(attendanceIntervals).values(
      meeting.attendees.map((userId, i) => ({
        lessonSessionId: session!.id,
        participantId: `demo-research-${research!.id}-${i}`,
        userId,
        siteKind: 'host' as const,
        regionId: meeting.regionId,
        joinedAt: at,
        leftAt: endedAt,
        leaveReason: 'lesson_ended' as const,
        lastHeartbeatAt: endedAt,
      })),
    );
  }
}
