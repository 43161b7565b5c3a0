import type { AuthenticatedPrincipal } from '../../accounts/principal.js';
import { ApiError } from '../../core/errors.js';
import { can, type CourseFacts, type OrgPlace, type Principal } from '../../policy/policy.js';
import type { ParticipantIdentity } from '../../lessons/participant.js';
import type { CourseForLesson } from '../../lessons/repository.js';
import type { LessonParticipant } from '../../lessons/participant.js';

/**
 * Who takes part in a teaching-research meeting (协同教研) and how. Teachers only: the course's lead teacher
 * and whoever may observe the course (`course.observe`: teachers of the host's group or region, its research
 * staff, admins over its sites). The course's own classrooms, assistants and students take part in its
 * lessons, never in a meeting about one. The convener chairs it (the `lead_teacher` kind: moderation, end).
 */

/**
 * How many members of a meeting may send video at once — the most a lesson's stage shows well at once
 * (the lead teacher plus a full row of tiles on a classroom screen). A member asking beyond it is refused
 * with `stage_full`, naming the limit.
 */
export const MEETING_VIDEO_LIMIT = 6;

/** Whether she may take part in (and schedule) teaching-research meetings about the course's lessons. */
export function mayMeetAbout(principal: Principal, facts: CourseFacts, places: readonly OrgPlace[]): boolean {
  if (principal.courseOnly !== null) return false;
  if (facts.leadTeacherId === principal.userId) return true;
  return can(principal, 'course.observe', { kind: 'observation', observation: { course: facts, viewerPlaces: places } });
}

/**
 * Her identity in the meeting: the convener as `lead_teacher`, everyone else as `research_member`.
 * @throws {ApiError} `forbidden` for anyone else (the course's classrooms, assistants and students too).
 */
export function researchMemberIdentity(
  principal: AuthenticatedPrincipal,
  course: CourseForLesson,
  facts: CourseFacts,
  places: readonly OrgPlace[],
  convenerId: number,
): ParticipantIdentity {
  if (!mayMeetAbout(principal, facts, places)) throw new ApiError('forbidden');
  const base = { userId: principal.userId, displayName: principal.displayName, classroomId: null, regionId: course.host.regionId };
  if (principal.userId === convenerId) return { ...base, kind: 'lead_teacher', schoolId: course.host.schoolId, schoolName: course.host.schoolName };
  const place = places.find((p) => p.schoolId !== null);
  return { ...base, kind: 'research_member', schoolId: place?.schoolId ?? null, schoolName: null };
}

/**
 * A member may turn on video unless MEETING_VIDEO_LIMIT others already send it (replacing her own camera or
 * screen is always fine).
 * @throws {ApiError} `stage_full`
 */
export function assertMayAddVideo(member: LessonParticipant, participants: readonly LessonParticipant[]): void {
  if (member.media.camera || member.media.screen) return;
  const sending = participants.filter((p) => p.id !== member.id && (p.media.camera || p.media.screen)).length;
  if (sending >= MEETING_VIDEO_LIMIT) throw new ApiError('stage_full', { limit: MEETING_VIDEO_LIMIT });
}
