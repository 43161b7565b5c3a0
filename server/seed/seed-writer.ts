import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { RegionTargetsBody } from '../../shared/api/evidence-usage.js';
import type { Role } from '../../shared/roles.js';
import type { ExpandedLesson } from '../teaching/schedule.js';
import { changedRows, type TongkeDb } from '../db/store.js';
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
  readonly #db: TongkeDb;
  readonly #created = new Map<string, number>();

  constructor(db: TongkeDb) {
    this.#db = db;
  }

  /** Rows created, by table name. */
  get created(): Record<string, number> {
    return Object.fromEntries(this.#created);
  }

  #count(table: string, rows = 1): void {
    if (rows > 0) this.#created.set(table, (this.#created.get(table) ?? 0) + rows);
  }

  async region(code: string, name: string): Promise<number> {
    const [found] = await this.#db.select({ id: regions.id }).from(regions).where(eq(regions.code, code)).limit(1);
    if (found) return found.id;
    this.#count('regions');
    const [row] = await this.#db.insert(regions).values({ code, name }).returning({ id: regions.id });
    return row!.id;
  }

  /**
   * A region of the review chain above the counties (a city or a province) under `parentId`; found by code.
   * An existing region is left as it is.
   */
  async chainRegion(code: string, name: string, level: 'city' | 'province', parentId: number | null): Promise<number> {
    const [found] = await this.#db.select({ id: regions.id }).from(regions).where(eq(regions.code, code)).limit(1);
    if (found) return found.id;
    this.#count('regions');
    const [row] = await this.#db.insert(regions).values({ code, name, level, parentId }).returning({ id: regions.id });
    return row!.id;
  }

  /** Puts a region under its parent in the review chain, if it has none yet (a county placed by hand stays where it is). */
  async placeUnder(regionId: number, parentId: number): Promise<void> {
    await this.#db.update(regions).set({ parentId }).where(and(eq(regions.id, regionId), isNull(regions.parentId)));
  }

  async group(regionId: number, name: string): Promise<number> {
    const [found] = await this.#db
      .select({ id: educationGroups.id })
      .from(educationGroups)
      .where(and(eq(educationGroups.regionId, regionId), eq(educationGroups.name, name)))
      .limit(1);
    if (found) return found.id;
    this.#count('education_groups');
    const [row] = await this.#db.insert(educationGroups).values({ regionId, name }).returning({ id: educationGroups.id });
    return row!.id;
  }

  /** Names the group's lead school unless one is already set. */
  async leadSchool(groupId: number, schoolId: number): Promise<void> {
    await this.#db
      .update(educationGroups)
      .set({ leadSchoolId: schoolId })
      .where(and(eq(educationGroups.id, groupId), isNull(educationGroups.leadSchoolId)));
  }

  async school(regionId: number, groupId: number, spec: DemoSchool): Promise<number> {
    const [found] = await this.#db
      .select({ id: schools.id })
      .from(schools)
      .where(and(eq(schools.regionId, regionId), eq(schools.name, spec.name)))
      .limit(1);
    if (found) return found.id;
    this.#count('schools');
    const { name, groupRole, locality, stage, studentCount } = spec;
    const [row] = await this.#db
      .insert(schools)
      .values({ regionId, groupId, name, groupRole, locality, stage, studentCount })
      .returning({ id: schools.id });
    return row!.id;
  }

  async classroom(schoolId: number, spec: DemoClassroom): Promise<number> {
    const [found] = await this.#db
      .select({ id: classrooms.id })
      .from(classrooms)
      .where(and(eq(classrooms.schoolId, schoolId), eq(classrooms.name, spec.name)))
      .limit(1);
    if (found) return found.id;
    this.#count('classrooms');
    const [row] = await this.#db
      .insert(classrooms)
      .values({ schoolId, name: spec.name, receiving: spec.receiving, multimedia: true })
      .returning({ id: classrooms.id });
    return row!.id;
  }

  async user(username: string, displayName: string, passwordHash: string): Promise<number> {
    const [found] = await this.#db.select({ id: users.id }).from(users).where(eq(users.username, username)).limit(1);
    if (found) return found.id;
    this.#count('users');
    // Marked so that the instance can warn while accounts with the published demo password exist.
    const [row] = await this.#db.insert(users).values({ username, displayName, passwordHash, demoAccount: true }).returning({ id: users.id });
    return row!.id;
  }

  async grant(userId: number, role: Role, scope: GrantScope): Promise<void> {
    const [found] = await this.#db
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
      .limit(1);
    if (found) return;
    this.#count('role_grants');
    await this.#db.insert(roleGrants).values({ userId, role, ...scope });
  }

  async studentProfile(userId: number, profile: { schoolId: number; grade: number; className: string; homeDelivery: boolean }): Promise<void> {
    this.#count('student_profiles', changedRows(await this.#db.insert(studentProfiles).values({ userId, ...profile }).onConflictDoNothing()));
  }

  /** The region's term of that name; an existing term keeps its dates. */
  async term(regionId: number, spec: { name: string; startsOn: string; endsOn: string }): Promise<{ id: number; startsOn: string; endsOn: string }> {
    const columns = { id: terms.id, startsOn: terms.startsOn, endsOn: terms.endsOn };
    const [found] = await this.#db
      .select(columns)
      .from(terms)
      .where(and(eq(terms.regionId, regionId), eq(terms.name, spec.name)))
      .limit(1);
    if (found) return found;
    this.#count('terms');
    const [row] = await this.#db.insert(terms).values({ regionId, ...spec }).returning(columns);
    return row!;
  }

  async course(course: Omit<typeof courses.$inferInsert, 'id' | 'active'>): Promise<number> {
    const [found] = await this.#db
      .select({ id: courses.id })
      .from(courses)
      .where(and(eq(courses.termId, course.termId), eq(courses.schoolId, course.schoolId), eq(courses.name, course.name)))
      .limit(1);
    if (found) return found.id;
    this.#count('courses');
    const [row] = await this.#db.insert(courses).values(course).returning({ id: courses.id });
    return row!.id;
  }

  async receiver(courseId: number, classroomId: number, assistantTeacherId: number | null, expectedStudents: number): Promise<void> {
    this.#count('course_receivers', changedRows(await this.#db.insert(courseReceivers).values({ courseId, classroomId, assistantTeacherId, expectedStudents }).onConflictDoNothing()));
  }

  /** The region's targets, unless an administrator (or an earlier run) has set them. */
  async regionTargets(regionId: number, targets: Required<RegionTargetsBody>): Promise<void> {
    const values = { regionId, ...targets, requiredSubjects: [...targets.requiredSubjects], appliesTo: [...targets.appliesTo], updatedAt: new Date(), updatedBy: null };
    this.#count('region_targets', changedRows(await this.#db.insert(regionTargets).values(values).onConflictDoNothing()));
  }

  async courseStudent(courseId: number, studentId: number): Promise<void> {
    this.#count('course_students', changedRows(await this.#db.insert(courseStudents).values({ courseId, studentId }).onConflictDoNothing()));
  }

  /** A weekly slot, matched by course, weekday and period. */
  async slot(courseId: number, weekday: number, period: number, startsAt: string, endsAt: string): Promise<{ id: number; weekday: number; startsAt: string; endsAt: string }> {
    const columns = { id: timetableSlots.id, weekday: timetableSlots.weekday, startsAt: timetableSlots.startsAt, endsAt: timetableSlots.endsAt };
    const [found] = await this.#db
      .select(columns)
      .from(timetableSlots)
      .where(and(eq(timetableSlots.courseId, courseId), eq(timetableSlots.weekday, weekday), eq(timetableSlots.period, period)))
      .limit(1);
    if (found) return found;
    this.#count('timetable_slots');
    const [row] = await this.#db.insert(timetableSlots).values({ courseId, weekday, period, startsAt, endsAt }).returning(columns);
    return row!;
  }

  /**
   * Dated lessons of a course; a lesson already there for its slot and start is left as it is. Existing
   * lessons are filtered out first rather than by ON CONFLICT, which would still advance the AUTOINCREMENT
   * sequence on every run.
   */
  async lessons(courseId: number, lessons: readonly ExpandedLesson[], cancelled: (lesson: ExpandedLesson) => boolean): Promise<void> {
    const existing = new Set(
      (await this.#db.select({ slotId: scheduledLessons.slotId, startsAt: scheduledLessons.startsAt }).from(scheduledLessons).where(eq(scheduledLessons.courseId, courseId))).map(
        (row) => `${row.slotId}@${row.startsAt.getTime()}`,
      ),
    );
    const rows = lessons
      .filter((lesson) => !existing.has(`${lesson.slotId}@${lesson.startsAt.getTime()}`))
      .map((lesson) => ({ courseId, ...lesson, status: cancelled(lesson) ? ('cancelled' as const) : ('scheduled' as const) }));
    if (rows.length === 0) return;
    this.#count('scheduled_lessons', changedRows(await this.#db.insert(scheduledLessons).values(rows)));
  }
}
