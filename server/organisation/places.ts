import { eq } from 'drizzle-orm';
import type { Role } from '../../shared/roles.js';
import type { TongkeDb } from '../db/client.js';
import { classrooms, courseReceivers, courseStudents, courses, educationGroups, regions, roleGrants, schools } from '../db/schema/index.js';
import { notFound } from '../core/errors.js';
import type { CourseFacts, OrgPlace, PolicyTarget } from '../policy/policy.js';

const ROLE_ORDER: readonly Role[] = ['system_admin', 'region_admin', 'group_admin', 'school_admin', 'teacher', 'assistant_teacher', 'student', 'classroom_device'];

/**
 * Loads where things sit in the organisation, for policy decisions. Each method throws not_found when the
 * thing does not exist, so a route can load, ask the policy, and act.
 */
export class Places {
  constructor(private readonly db: TongkeDb) {}

  region(id: number): OrgPlace {
    const row = this.db.select({ id: regions.id }).from(regions).where(eq(regions.id, id)).get();
    if (!row) throw notFound();
    return { regionId: row.id, groupId: null, schoolId: null, classroomId: null };
  }

  group(id: number): OrgPlace {
    const row = this.db.select({ regionId: educationGroups.regionId }).from(educationGroups).where(eq(educationGroups.id, id)).get();
    if (!row) throw notFound();
    return { regionId: row.regionId, groupId: id, schoolId: null, classroomId: null };
  }

  school(id: number): OrgPlace {
    const row = this.db.select({ regionId: schools.regionId, groupId: schools.groupId }).from(schools).where(eq(schools.id, id)).get();
    if (!row) throw notFound();
    return { regionId: row.regionId, groupId: row.groupId, schoolId: id, classroomId: null };
  }

  classroom(id: number): OrgPlace {
    const row = this.db
      .select({ schoolId: classrooms.schoolId, regionId: schools.regionId, groupId: schools.groupId })
      .from(classrooms)
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(eq(classrooms.id, id))
      .get();
    if (!row) throw notFound();
    return { regionId: row.regionId, groupId: row.groupId, schoolId: row.schoolId, classroomId: id };
  }

  /** The place a grant's scope names (null for a system admin). */
  ofScope(scope: { regionId: number | null; groupId: number | null; schoolId: number | null; classroomId: number | null }): OrgPlace | null {
    if (scope.classroomId !== null) return this.classroom(scope.classroomId);
    if (scope.schoolId !== null) return this.school(scope.schoolId);
    if (scope.groupId !== null) return this.group(scope.groupId);
    if (scope.regionId !== null) return this.region(scope.regionId);
    return null;
  }

  /** A user account as a policy target: the places of its grants and its highest role. */
  user(userId: number): Extract<PolicyTarget, { kind: 'user' }> {
    const grants = this.db.select().from(roleGrants).where(eq(roleGrants.userId, userId)).all();
    const places = grants.map((g) => this.ofScope(g)).filter((p): p is OrgPlace => p !== null);
    const topRole = ROLE_ORDER.find((role) => grants.some((g) => g.role === role)) ?? null;
    return { kind: 'user', userId, places, topRole };
  }

  course(id: number): CourseFacts {
    const course = this.db
      .select({ schoolId: courses.schoolId, leadTeacherId: courses.leadTeacherId, hostClassroomId: courses.hostClassroomId })
      .from(courses)
      .where(eq(courses.id, id))
      .get();
    if (!course) throw notFound();
    const host = course.hostClassroomId !== null ? this.classroom(course.hostClassroomId) : this.school(course.schoolId);
    const receivers = this.db
      .select({ classroomId: courseReceivers.classroomId, assistantTeacherId: courseReceivers.assistantTeacherId })
      .from(courseReceivers)
      .where(eq(courseReceivers.courseId, id))
      .all()
      .map((r) => ({ place: this.classroom(r.classroomId), assistantTeacherId: r.assistantTeacherId }));
    const studentIds = this.db
      .select({ studentId: courseStudents.studentId })
      .from(courseStudents)
      .where(eq(courseStudents.courseId, id))
      .all()
      .map((r) => r.studentId);
    return { id, host, leadTeacherId: course.leadTeacherId, receivers, studentIds };
  }
}
