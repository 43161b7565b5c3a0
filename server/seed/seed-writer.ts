import type { RunResult } from 'better-sqlite3';
import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { BaseSQLiteDatabase, SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { RegionTargetsBody } from '../../shared/api/evidence-usage.js';
import type { Role } from '../../shared/roles.js';
import type { ExpandedLesson } from '../teaching/schedule.js';
import type * as schema from '../db/schema/index.js';
import {
  classrooms,
  courseReceivers,
  courseStudents,
  courses,
  educationGroups,
  regionTargets,
  regions,
  roleGrants,
  scheduledLessons,
  schools,
  studentProfiles,
  terms,
  timetableSlots,
  users,
} from '../db/schema/index.js';
import type { DemoClassroom, DemoSchool } from './demo-data.js';

/** The database or a transaction on it (both are synchronous with better-sqlite3). */
export type SeedDb = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;

export interface GrantScope {
  regionId?: number;
  groupId?: number;
  schoolId?: number;
  classroomId?: number;
}

/** `column IS NULL` or `column = value`: role grants leave the scope columns of other kinds null. */
const matches = (column: SQLiteColumn, value: number | undefined): SQL => (value === undefined ? isNull(column) : eq(column, value));

/**
 * Find-or-create by natural key, counting what it creates. Nothing that exists is changed (a re-run must not
 * undo an administrator's edits), so seeding twice changes nothing.
 */
export class SeedWriter {
  readonly #db: SeedDb;
  readonly #created = new Map<string, number>();

  constructor(db: SeedDb) {
    this.#db = db;
  }

  /** Rows created, by table name. */
  get created(): Record<string, number> {
    return Object.fromEntries(this.#created);
  }

  #count(table: string, rows = 1): void {
    if (rows > 0) this.#created.set(table, (this.#created.get(table) ?? 0) + rows);
  }

  region(code: string, name: string): number {
    const found = this.#db.select({ id: regions.id }).from(regions).where(eq(regions.code, code)).get();
    if (found) return found.id;
    this.#count('regions');
    return this.#db.insert(regions).values({ code, name }).returning({ id: regions.id }).get().id;
  }

  group(regionId: number, name: string): number {
    const found = this.#db
      .select({ id: educationGroups.id })
      .from(educationGroups)
      .where(and(eq(educationGroups.regionId, regionId), eq(educationGroups.name, name)))
      .get();
    if (found) return found.id;
    this.#count('education_groups');
    return this.#db.insert(educationGroups).values({ regionId, name }).returning({ id: educationGroups.id }).get().id;
  }

  /** Names the group's lead school unless one is already set. */
  leadSchool(groupId: number, schoolId: number): void {
    this.#db
      .update(educationGroups)
      .set({ leadSchoolId: schoolId })
      .where(and(eq(educationGroups.id, groupId), isNull(educationGroups.leadSchoolId)))
      .run();
  }

  school(regionId: number, groupId: number, spec: DemoSchool): number {
    const found = this.#db
      .select({ id: schools.id })
      .from(schools)
      .where(and(eq(schools.regionId, regionId), eq(schools.name, spec.name)))
      .get();
    if (found) return found.id;
    this.#count('schools');
    const { name, groupRole, locality, stage, studentCount } = spec;
    return this.#db
      .insert(schools)
      .values({ regionId, groupId, name, groupRole, locality, stage, studentCount })
      .returning({ id: schools.id })
      .get().id;
  }

  classroom(schoolId: number, spec: DemoClassroom): number {
    const found = this.#db
      .select({ id: classrooms.id })
      .from(classrooms)
      .where(and(eq(classrooms.schoolId, schoolId), eq(classrooms.name, spec.name)))
      .get();
    if (found) return found.id;
    this.#count('classrooms');
    return this.#db
      .insert(classrooms)
      .values({ schoolId, name: spec.name, receiving: spec.receiving, multimedia: true })
      .returning({ id: classrooms.id })
      .get().id;
  }

  user(username: string, displayName: string, passwordHash: string): number {
    const found = this.#db.select({ id: users.id }).from(users).where(eq(users.username, username)).get();
    if (found) return found.id;
    this.#count('users');
    // Marked so that the instance can warn while accounts with the published demo password exist.
    return this.#db.insert(users).values({ username, displayName, passwordHash, demoAccount: true }).returning({ id: users.id }).get().id;
  }

  grant(userId: number, role: Role, scope: GrantScope): void {
    const found = this.#db
      .select({ id: roleGrants.id })
      .from(roleGrants)
      .where(
        and(
          eq(roleGrants.userId, userId),
          eq(roleGrants.role, role),
          matches(roleGrants.regionId, scope.regionId),
          matches(roleGrants.groupId, scope.groupId),
          matches(roleGrants.schoolId, scope.schoolId),
          matches(roleGrants.classroomId, scope.classroomId),
        ),
      )
      .get();
    if (found) return;
    this.#count('role_grants');
    this.#db.insert(roleGrants).values({ userId, role, ...scope }).run();
  }

  studentProfile(userId: number, profile: { schoolId: number; grade: number; className: string; homeDelivery: boolean }): void {
    this.#count('student_profiles', this.#db.insert(studentProfiles).values({ userId, ...profile }).onConflictDoNothing().run().changes);
  }

  /** The region's term of that name; an existing term keeps its dates. */
  term(regionId: number, spec: { name: string; startsOn: string; endsOn: string }): { id: number; startsOn: string; endsOn: string } {
    const columns = { id: terms.id, startsOn: terms.startsOn, endsOn: terms.endsOn };
    const found = this.#db
      .select(columns)
      .from(terms)
      .where(and(eq(terms.regionId, regionId), eq(terms.name, spec.name)))
      .get();
    if (found) return found;
    this.#count('terms');
    return this.#db.insert(terms).values({ regionId, ...spec }).returning(columns).get();
  }

  course(course: Omit<typeof courses.$inferInsert, 'id' | 'active'>): number {
    const found = this.#db
      .select({ id: courses.id })
      .from(courses)
      .where(and(eq(courses.termId, course.termId), eq(courses.schoolId, course.schoolId), eq(courses.name, course.name)))
      .get();
    if (found) return found.id;
    this.#count('courses');
    return this.#db.insert(courses).values(course).returning({ id: courses.id }).get().id;
  }

  receiver(courseId: number, classroomId: number, assistantTeacherId: number | null, expectedStudents: number): void {
    const result = this.#db.insert(courseReceivers).values({ courseId, classroomId, assistantTeacherId, expectedStudents }).onConflictDoNothing().run();
    this.#count('course_receivers', result.changes);
  }

  /** The region's targets, unless an administrator (or an earlier run) has set them. */
  regionTargets(regionId: number, targets: Required<RegionTargetsBody>): void {
    const values = { regionId, ...targets, requiredSubjects: [...targets.requiredSubjects], appliesTo: [...targets.appliesTo], updatedAt: new Date(), updatedBy: null };
    this.#count('region_targets', this.#db.insert(regionTargets).values(values).onConflictDoNothing().run().changes);
  }

  courseStudent(courseId: number, studentId: number): void {
    this.#count('course_students', this.#db.insert(courseStudents).values({ courseId, studentId }).onConflictDoNothing().run().changes);
  }

  /** A weekly slot, matched by course, weekday and period. */
  slot(courseId: number, weekday: number, period: number, startsAt: string, endsAt: string): { id: number; weekday: number; startsAt: string; endsAt: string } {
    const columns = { id: timetableSlots.id, weekday: timetableSlots.weekday, startsAt: timetableSlots.startsAt, endsAt: timetableSlots.endsAt };
    const found = this.#db
      .select(columns)
      .from(timetableSlots)
      .where(and(eq(timetableSlots.courseId, courseId), eq(timetableSlots.weekday, weekday), eq(timetableSlots.period, period)))
      .get();
    if (found) return found;
    this.#count('timetable_slots');
    return this.#db.insert(timetableSlots).values({ courseId, weekday, period, startsAt, endsAt }).returning(columns).get();
  }

  /**
   * Dated lessons of a course; a lesson already there for its slot and start is left as it is. Existing
   * lessons are filtered out first rather than by ON CONFLICT, which would still advance the AUTOINCREMENT
   * sequence on every run.
   */
  lessons(courseId: number, lessons: readonly ExpandedLesson[], cancelled: (lesson: ExpandedLesson) => boolean): void {
    const existing = new Set(
      this.#db
        .select({ slotId: scheduledLessons.slotId, startsAt: scheduledLessons.startsAt })
        .from(scheduledLessons)
        .where(eq(scheduledLessons.courseId, courseId))
        .all()
        .map((row) => `${row.slotId}@${row.startsAt.getTime()}`),
    );
    const rows = lessons
      .filter((lesson) => !existing.has(`${lesson.slotId}@${lesson.startsAt.getTime()}`))
      .map((lesson) => ({ courseId, ...lesson, status: cancelled(lesson) ? ('cancelled' as const) : ('scheduled' as const) }));
    if (rows.length === 0) return;
    this.#count('scheduled_lessons', this.#db.insert(scheduledLessons).values(rows).run().changes);
  }
}
