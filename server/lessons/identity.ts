import type { AuthenticatedPrincipal } from '../accounts/principal.js';
import { can, type CourseFacts } from '../policy/policy.js';
import { ApiError } from '../core/errors.js';
import type { ParticipantIdentity } from './participant.js';
import type { CourseForLesson } from './repository.js';

/**
 * How a principal takes part in a course's lesson: lead teacher, a receiving classroom (its device), the
 * assistant teacher of a receiving classroom, an enrolled student, or an admin observing. Decided from the
 * course's facts and the principal's grants; `forbidden` when she may not join at all.
 */
export function participantIdentity(principal: AuthenticatedPrincipal, course: CourseForLesson, facts: CourseFacts): ParticipantIdentity {
  const base = { userId: principal.userId, displayName: principal.displayName };
  if (!can(principal, 'course.join', { kind: 'course', course: facts })) throw new ApiError('forbidden');
  if (principal.courseOnly === null && course.leadTeacherId === principal.userId) {
    return { ...base, kind: 'lead_teacher', classroomId: course.hostClassroomId, schoolId: course.host.schoolId, regionId: course.host.regionId, schoolName: course.host.schoolName };
  }
  const deviceRoom = course.receivers.find((r) => principal.grants.some((g) => g.role === 'classroom_device' && g.classroomId === r.classroomId));
  if (deviceRoom) return { ...base, kind: 'receiving_classroom', classroomId: deviceRoom.classroomId, schoolId: deviceRoom.schoolId, regionId: deviceRoom.regionId, schoolName: deviceRoom.schoolName };
  const assisted = course.receivers.find((r) => r.assistantTeacherId === principal.userId);
  if (assisted) return { ...base, kind: 'assistant_teacher', classroomId: assisted.classroomId, schoolId: assisted.schoolId, regionId: assisted.regionId, schoolName: assisted.schoolName };
  if (facts.studentIds.includes(principal.userId)) {
    const school = principal.grants.find((g) => g.role === 'student')?.schoolId ?? null;
    const receiver = course.receivers.find((r) => r.schoolId === school);
    return { ...base, kind: 'student', classroomId: null, schoolId: school, regionId: receiver?.regionId ?? course.host.regionId, schoolName: receiver?.schoolName ?? null };
  }
  return { ...base, kind: 'observer', classroomId: null, schoolId: null, regionId: course.host.regionId, schoolName: null };
}
