import type { ClassroomCrossCheck } from '../../../shared/api/evaluation-resources.js';
import type { RegionSchool, RegisteredClassroom, StoredPart } from './repository.js';

/**
 * Indicator 7 against Tongke's own data, per school: the networked multimedia classrooms declared (all its
 * parts) against the classrooms the registry flags `multimedia`, and those registered classrooms that neither
 * hosted nor received a lesson in the term, by name — a classroom that is declared but never used is the
 * first thing a reviewer asks about. Schools that declare none and have none registered are left out.
 */
export function crossCheckClassrooms(
  schools: readonly RegionSchool[],
  parts: readonly StoredPart[],
  registered: readonly RegisteredClassroom[],
  usedInTerm: ReadonlySet<number>,
): ClassroomCrossCheck[] {
  return schools.flatMap((school) => {
    const declared = parts.filter((p) => p.schoolId === school.id).reduce((sum, p) => sum + p.networkedClassrooms, 0);
    const rooms = registered.filter((c) => c.schoolId === school.id);
    if (declared === 0 && rooms.length === 0) return [];
    return [
      {
        schoolId: school.id,
        schoolName: school.name,
        declared,
        registered: rooms.length,
        unused: rooms.filter((c) => !usedInTerm.has(c.id)).map((c) => c.name),
        declaredMoreThanRegistered: declared > rooms.length,
      },
    ];
  });
}
