import { and, asc, count, eq, gte, inArray, isNotNull, isNull, lt, type SQL } from 'drizzle-orm';
import { attendanceIntervals, courses, educationGroups, lessonSessions, observations, researchSettings, roleGrants, rubrics, schools, users } from '../../db/schema/index.js';
import type { TongkeDb } from '../../db/store.js';
import { chunks } from '../../core/lists.js';
import type { RubricBody, RubricScores } from '../../../shared/api/research.js';

/** The teachers a report covers: those whose teacher grant is at one of these schools (or a region's or group's). */
export type TeacherScope = { regionId: number } | { groupId: number } | { schoolId: number };

export interface ScopeTeacher {
  userId: number;
  name: string;
  schoolId: number;
  schoolName: string;
  groupName: string | null;
}

export interface ScopeSchool {
  id: number;
  name: string;
  groupName: string | null;
}

/** Lesson sessions started in [from, to). */
export interface InstantRange {
  fromInstant: Date;
  toInstant: Date;
}

/** One submitted observation of a teacher's lesson, with the rubric version it was rated on (null: none saved). */
export interface ScoredObservation {
  leadTeacherId: number;
  scores: RubricScores | null;
  rubric: RubricBody | null;
}

/**
 * Reads the 名师课堂 evidence: observations made and received, 协同教研 meetings attended, submitted ratings,
 * per teacher, and the region's observation target. Lessons count by when the observed lesson started; a
 * research meeting (a lesson session with `research_session_id`) is never an observed lesson.
 */
export class ResearchEvidenceRepository {
  constructor(private readonly db: TongkeDb) {}

  /** The scope's schools (active or not: a school's past term stays reportable). */
  async schools(scope: TeacherScope): Promise<ScopeSchool[]> {
    return this.db
      .select({ id: schools.id, name: schools.name, groupName: educationGroups.name })
      .from(schools)
      .leftJoin(educationGroups, eq(educationGroups.id, schools.groupId))
      .where(schoolCondition(scope))
      .orderBy(asc(schools.name), asc(schools.id));
  }

  /** Teachers by their teacher grant's school (one school each: the first grant's when she holds several). */
  async teachers(scope: TeacherScope): Promise<ScopeTeacher[]> {
    const found = await this.db
      .select({ userId: users.id, name: users.displayName, schoolId: schools.id, schoolName: schools.name, groupName: educationGroups.name })
      .from(roleGrants)
      .innerJoin(users, eq(users.id, roleGrants.userId))
      .innerJoin(schools, eq(schools.id, roleGrants.schoolId))
      .leftJoin(educationGroups, eq(educationGroups.id, schools.groupId))
      .where(and(eq(roleGrants.role, 'teacher'), eq(users.active, true), schoolCondition(scope)))
      .orderBy(asc(roleGrants.id));
    const seen = new Set<number>();
    return found.filter((t) => !seen.has(t.userId) && seen.add(t.userId));
  }

  /** Observations each of these people made of lessons started in the range. */
  async observationsMade(userIds: readonly number[], range: InstantRange): Promise<Map<number, number>> {
    const found = await this.#perChunk(userIds, (ids) =>
      this.db
        .select({ userId: observations.observerId, n: count() })
        .from(observations)
        .innerJoin(lessonSessions, eq(lessonSessions.id, observations.lessonSessionId))
        .where(and(inArray(observations.observerId, ids), lessonsIn(range)))
        .groupBy(observations.observerId),
    );
    return new Map(found.map((r) => [r.userId, Number(r.n)]));
  }

  /** Observations anyone made of lessons these people led (their courses' lessons started in the range). */
  async observationsReceived(userIds: readonly number[], range: InstantRange): Promise<Map<number, number>> {
    const found = await this.#perChunk(userIds, (ids) =>
      this.db
        .select({ userId: courses.leadTeacherId, n: count() })
        .from(observations)
        .innerJoin(lessonSessions, eq(lessonSessions.id, observations.lessonSessionId))
        .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
        .where(and(inArray(courses.leadTeacherId, ids), lessonsIn(range)))
        .groupBy(courses.leadTeacherId),
    );
    return new Map(found.map((r) => [r.userId, Number(r.n)]));
  }

  /** The distinct 协同教研 meetings (run in the range) each of these people was connected to: user → meeting ids. */
  async researchAttendance(userIds: readonly number[], range: InstantRange): Promise<Array<{ userId: number; researchSessionId: number }>> {
    const found = await this.#perChunk(userIds, (ids) =>
      this.db
        .selectDistinct({ userId: attendanceIntervals.userId, researchSessionId: lessonSessions.researchSessionId })
        .from(attendanceIntervals)
        .innerJoin(lessonSessions, eq(lessonSessions.id, attendanceIntervals.lessonSessionId))
        .where(
          and(
            inArray(attendanceIntervals.userId, ids),
            isNotNull(lessonSessions.researchSessionId),
            gte(lessonSessions.startedAt, range.fromInstant),
            lt(lessonSessions.startedAt, range.toInstant),
          ),
        ),
    );
    return found.flatMap((r) => (r.userId !== null && r.researchSessionId !== null ? [{ userId: r.userId, researchSessionId: r.researchSessionId }] : []));
  }

  /** Submitted observations of these people's lessons started in the range, with the rubric each was rated on. */
  async scoredObservations(userIds: readonly number[], range: InstantRange): Promise<ScoredObservation[]> {
    return this.#perChunk(userIds, (ids) =>
      this.db
        .select({ leadTeacherId: courses.leadTeacherId, scores: observations.scores, rubric: rubrics.body })
        .from(observations)
        .innerJoin(lessonSessions, eq(lessonSessions.id, observations.lessonSessionId))
        .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
        .leftJoin(rubrics, eq(rubrics.id, observations.rubricId))
        .where(and(inArray(courses.leadTeacherId, ids), isNotNull(observations.submittedAt), lessonsIn(range))),
    );
  }

  /** The region's observation target (research_settings; null when no row or none set). */
  async observationTarget(regionId: number): Promise<number | null> {
    const [row] = await this.db.select({ target: researchSettings.observationTarget }).from(researchSettings).where(eq(researchSettings.regionId, regionId));
    return row?.target ?? null;
  }

  async #perChunk<T>(ids: readonly number[], query: (ids: number[]) => Promise<T[]>): Promise<T[]> {
    const found: T[] = [];
    for (const part of chunks(ids)) found.push(...(await query(part)));
    return found;
  }
}

function schoolCondition(scope: TeacherScope): SQL {
  if ('regionId' in scope) return eq(schools.regionId, scope.regionId);
  if ('groupId' in scope) return eq(schools.groupId, scope.groupId);
  return eq(schools.id, scope.schoolId);
}

/** Observed lessons: lesson sessions (not research meetings) started in the range. */
function lessonsIn(range: InstantRange): SQL {
  return and(isNull(lessonSessions.researchSessionId), gte(lessonSessions.startedAt, range.fromInstant), lt(lessonSessions.startedAt, range.toInstant))!;
}
