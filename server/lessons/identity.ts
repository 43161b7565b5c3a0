import type { AuthenticatedPrincipal } from '../accounts/principal.js';
import { can, type CourseFacts, type OrgPlace } from '../policy/policy.js';
import { ApiError } from '../core/errors.js';
import type { ParticipantIdentity } from './participant.js';
import type { CourseForLesson } from './repository.js';

/**
 * How a principal takes part in a course's lesson: lead teacher, a receiving classroom (its device), the
 * assistant teacher of a receiving classroom, an enrolled student, or an observer (听课: an admin over its
 * sites, or a teacher or researcher who may `course.observe` it, placed by `viewerPlaces` — the places of
 * her grants), or — when the lesson is `broadcast` (直播) — a receive-only viewer of the host's region.
 * Decided from the course's facts and the principal's grants; `forbidden` when she may not join at all,
 * `observation_closed` when she could observe it but the course is closed to observation, `not_broadcast`
 * when she could watch it were it broadcast.
 */
export function participantIdentity(
  principal: AuthenticatedPrincipal,
  course: CourseForLesson,
  facts: CourseFacts,
  viewerPlaces: readonly OrgPlace[] = [],
  broadcast = false,
): ParticipantIdentity {
  const base = { userId: principal.userId, displayName: principal.displayName };
  if (!can(principal, 'course.join', { kind: 'course', course: facts })) {
    const observes = (observable: boolean) => can(principal, 'course.observe', { kind: 'observation', observation: { course: { ...facts, observable }, viewerPlaces } });
    if (observes(facts.observable)) return observer(base, course);
    if (!facts.observable && observes(true)) throw new ApiError('observation_closed');
    // 名校网络课堂: the region's students and classrooms watch a broadcast lesson; of any other lesson they hear why not.
    if (!can(principal, 'course.watch_broadcast', { kind: 'broadcast', broadcast: { course: facts, viewerPlaces } })) throw new ApiError('forbidden');
    if (!broadcast) throw new ApiError('not_broadcast');
    return viewer(base, course, viewerPlaces);
  }
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
  return observer(base, course);
}

/** A viewer counts for the place she watches from: her classroom (a device) or school in the host's region. */
function viewer(base: Pick<ParticipantIdentity, 'userId' | 'displayName'>, course: CourseForLesson, viewerPlaces: readonly OrgPlace[]): ParticipantIdentity {
  const place = viewerPlaces.find((p) => p.regionId === course.host.regionId);
  return { ...base, kind: 'viewer', classroomId: place?.classroomId ?? null, schoolId: place?.schoolId ?? null, regionId: course.host.regionId, schoolName: null };
}

function observer(base: Pick<ParticipantIdentity, 'userId' | 'displayName'>, course: CourseForLesson): ParticipantIdentity {
  return { ...base, kind: 'observer', classroomId: null, schoolId: null, regionId: course.host.regionId, schoolName: null };
}
