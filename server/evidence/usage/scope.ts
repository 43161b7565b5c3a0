import type { UsageScope } from '../../../shared/api/evidence-usage.js';
import type { Access } from '../../core/access.js';
import { forbidden } from '../../core/errors.js';
import type { Places } from '../../organisation/places.js';
import type { CourseFacts, OrgPlace, PolicyTarget } from '../../policy/policy.js';

/** A unit a report is about, as a policy target. */
export interface ReportUnit {
  scope: UsageScope;
  id: number;
  place: OrgPlace;
  target: PolicyTarget;
}

/** Loads the unit (`not_found` when it does not exist). */
export async function reportUnit(places: Places, scope: UsageScope, id: number): Promise<ReportUnit> {
  switch (scope) {
    case 'region': {
      const place = await places.region(id);
      return { scope, id, place, target: { kind: 'region', place } };
    }
    case 'group': {
      const place = await places.group(id);
      return { scope, id, place, target: { kind: 'group', place } };
    }
    case 'school': {
      const place = await places.school(id);
      return { scope, id, place, target: { kind: 'school', place } };
    }
    case 'classroom': {
      const place = await places.classroom(id);
      return { scope, id, place, target: { kind: 'classroom', place } };
    }
  }
}

/** Is the place inside the unit? */
function within(place: OrgPlace, unit: ReportUnit): boolean {
  switch (unit.scope) {
    case 'region':
      return place.regionId === unit.place.regionId;
    case 'group':
      return place.groupId !== null && place.groupId === unit.place.groupId;
    case 'school':
      return place.schoolId !== null && place.schoolId === unit.place.schoolId;
    case 'classroom':
      return place.classroomId !== null && place.classroomId === unit.place.classroomId;
  }
}

/** What the caller may see of a unit: all of it, or only her own courses (facts given) there. */
export type ReportReach = { kind: 'all' } | { kind: 'own_courses'; courses: CourseFacts[] };

/**
 * Administrators covering the unit (`reports.read` on it) see everything. Anyone else sees only the
 * courses she may read reports of (`reports.read` on the course: the lead teacher) that are hosted or
 * received inside the unit; with none there, `forbidden` — students, devices and assistants see nothing.
 */
export async function reportReach(access: Access, places: Places, unit: ReportUnit, ledCourseIds: () => Promise<number[]>): Promise<ReportReach> {
  if (access.can('reports.read', unit.target)) return { kind: 'all' };
  const courses = (await places.courses(await ledCourseIds()))
    .filter((course) => access.can('reports.read', { kind: 'course', course }))
    .filter((course) => [course.host, ...course.receivers.map((r) => r.place)].some((p) => within(p, unit)));
  if (courses.length === 0) throw forbidden();
  return { kind: 'own_courses', courses };
}
