import type { Role } from '../../shared/roles.js';
import type { RecordingVisibility } from '../../shared/api/recordings.js';

/*
 * The one place that decides "can this principal do X to Y". Pure functions over the principal's role
 * grants and the target's place in the organisation; routes and socket events load the target's facts and
 * ask here. Nothing else in the server compares roles.
 */

/** A role bounded by a scope (exactly the column its kind names is set; none for system admins). */
export interface RoleGrant {
  role: Role;
  regionId: number | null;
  groupId: number | null;
  schoolId: number | null;
  classroomId: number | null;
}

/** Who is asking: a signed-in user with her grants. A student-link session is confined to one course. */
export interface Principal {
  userId: number;
  grants: readonly RoleGrant[];
  /** Set for a student-link session: nothing but this course is reachable. */
  courseOnly: number | null;
}

/** Where something sits: its region, and (as far as it goes down) group, school and classroom. */
export interface OrgPlace {
  regionId: number;
  groupId: number | null;
  schoolId: number | null;
  classroomId: number | null;
}

/** The facts about a course that decisions need. */
export interface CourseFacts {
  id: number;
  /** The host school's place (and host classroom, if any). */
  host: OrgPlace;
  leadTeacherId: number;
  receivers: ReadonlyArray<{ place: OrgPlace; assistantTeacherId: number | null }>;
  studentIds: readonly number[];
  /** Open to observation (听课) by teachers of the group or region and the region's research staff. */
  observable: boolean;
}

/** What lies within a region, for rules about admins whose scope is inside it (not above it). */
export interface RegionContents {
  groupIds: readonly number[];
  schoolIds: readonly number[];
}

/** A step of the review chain a county's self-evaluation file passes through (see server/evaluation/review). */
export type ReviewStep = 'city' | 'province';

export type PolicyTarget =
  | { kind: 'system' }
  /**
   * `contents` is needed only by rules about admins inside the region (org.read by a group admin, term.read);
   * `above` (the ids of the regions above it: its city, its province) only by rules about reviewers, and
   * `reviewStep` only by `evaluation.review` (the step the file is waiting at).
   */
  | { kind: 'region'; place: OrgPlace; contents?: RegionContents; above?: readonly number[]; reviewStep?: ReviewStep }
  | { kind: 'group'; place: OrgPlace }
  | { kind: 'school'; place: OrgPlace }
  | { kind: 'classroom'; place: OrgPlace }
  /** A user account, by the places of its grants (a system admin's account has none). */
  | { kind: 'user'; userId: number; places: readonly OrgPlace[]; topRole: Role | null }
  | { kind: 'course'; course: CourseFacts }
  | { kind: 'recording'; recording: RecordingFacts }
  | { kind: 'observation'; observation: ObservationFacts }
  | { kind: 'broadcast'; broadcast: BroadcastFacts };

/**
 * The facts about watching a course's broadcast (直播) lessons: the course, and where the would-be viewer's
 * own grants sit (a student's school, a device's classroom), placed by the caller as for observation.
 */
export interface BroadcastFacts {
  course: CourseFacts;
  viewerPlaces: readonly OrgPlace[];
}

/**
 * The facts about observing (听课) a course's lessons: the course, and where the would-be observer's own
 * grants sit (her school's group and region), placed by the caller as for recordings.
 */
export interface ObservationFacts {
  course: CourseFacts;
  viewerPlaces: readonly OrgPlace[];
}

/**
 * The facts about a recording (录播) that decisions need: its course, and whom it is published to. A
 * published recording's audience is decided by where the viewer's own grants sit (a teacher's school,
 * a device's classroom), which her grants alone do not say: `viewerPlaces` are those places, placed by
 * the caller (Places / PlaceIndex `ofScope` of each grant).
 */
export interface RecordingFacts {
  course: CourseFacts;
  /** null: not published, only the course's own audience may watch it. */
  visibility: RecordingVisibility | null;
  viewerPlaces: readonly OrgPlace[];
}

export const ACTIONS = [
  /** Open the administration lists (organisation, people, terms) at all; what they show is filtered by the read actions. */
  'org.browse',
  'org.read',
  'org.manage',
  'classroom.pair',
  'user.read',
  'user.manage',
  'term.read',
  'term.manage',
  /** Create a course hosted by a school. */
  'course.create',
  'course.read',
  'course.manage',
  'course.teach',
  'course.join',
  'course.invite_student',
  /** Move (调课) or cancel (停课) one of the course's lessons, or hold one outside the timetable (临时上课). */
  'course.reschedule',
  /**
   * Put a classroom or a person on a course: the lead teacher, a receiving classroom, its assistant, an
   * enrolled student. Only what the caller administers herself, so that nobody can pull another unit's
   * classroom or pupils into her course (and its evidence, and its student links).
   */
  'course.assign',
  'reports.read',
  /** One's own figures in a course's lesson reports (a student sees her own row, not her classmates'). */
  'reports.read_own',
  /** Set the region's routine-use targets (the usage-evidence indicators are measured against them). */
  'targets.manage',
  /** See the region's self-evaluation file (优质均衡 县级自评): resource indicators, surveys, checklist, review chain. */
  'evaluation.read',
  /** Enter and change what the file is built from (a school's own resource inputs, or the region's whole file). */
  'evaluation.manage',
  /** Comment on, return or approve a county's submitted file at the step of the chain it waits at (地市复核, 省级督导). */
  'evaluation.review',
  /**
   * Watch a recording (and fetch its files): whoever may join the course's lessons or read its lesson
   * report; once published, also its audience (the group's schools, the region, or everyone signed in).
   */
  'recording.watch',
  /** Rename, publish, unpublish or delete a recording, set a course's recording policy: the lead teacher or an admin over the host school. */
  'recording.manage',
  /**
   * Observe (听课) the course's lessons — live as a receive-only observer, or recorded — take notes and rate
   * them (评课). Admins over its host or receiving sites always; while the course is open to observation
   * (`observable`), also teachers of a school in the host's group or region and research staff (教研员) of
   * its region. Never the course's own sites and people: they take part as themselves.
   */
  'course.observe',
  /**
   * Watch the course's lessons it broadcasts (直播, 名校网络课堂) as a receive-only viewer: anyone signed in
   * with a grant in the host's region — students at home, classroom devices, teachers of other schools —
   * whether or not the course is theirs. Never the course's own sites and people (they take part as
   * themselves), nor a student-link session (confined to its own course as a student).
   */
  'course.watch_broadcast',
  /** A region's teaching-research settings: its observation rubric (评价表), observation target, who sees comments. */
  'research.manage',
  /** Read a region's observation rubric: its admins and research staff, and the teachers and admins of its schools and groups. */
  'research.read',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Administrative rank: who may grant which roles (a role may be granted by an admin of equal or higher rank). */
const RANK: Record<Role, number> = {
  system_admin: 4,
  region_admin: 3,
  group_admin: 2,
  school_admin: 1,
  teacher: 0,
  assistant_teacher: 0,
  student: 0,
  classroom_device: 0,
  // Reviewers administer nothing: they read and judge the files of the counties below them, and that is all.
  city_reviewer: 0,
  province_reviewer: 0,
  // Research staff observe and rate lessons of their region; they administer nothing.
  researcher: 0,
};

/** The reviewer role that acts at each step of the chain. */
const REVIEWER_AT: Record<ReviewStep, Role> = { city: 'city_reviewer', province: 'province_reviewer' };

/** Does the principal hold this reviewer role over a region above the target (her city or province)? */
function reviewerAbove(principal: Principal, roles: readonly Role[], above: readonly number[] | undefined): boolean {
  if (!above) return false;
  return principal.grants.some((g) => roles.includes(g.role) && g.regionId !== null && above.includes(g.regionId));
}

/** Does this grant's scope contain the place? */
export function covers(grant: RoleGrant, place: OrgPlace): boolean {
  switch (grant.role) {
    case 'system_admin':
      return true;
    case 'region_admin':
      return grant.regionId === place.regionId;
    case 'group_admin':
      return place.groupId !== null && grant.groupId === place.groupId;
    case 'classroom_device':
      return place.classroomId !== null && grant.classroomId === place.classroomId;
    // A reviewer's region is a city or province: no school, classroom or county place is "hers" to administer.
    case 'city_reviewer':
    case 'province_reviewer':
    // Research staff observe the region's lessons (course.observe) but administer none of its places.
    case 'researcher':
      return false;
    default:
      return place.schoolId !== null && grant.schoolId === place.schoolId;
  }
}

const isAdmin = (grant: RoleGrant): boolean => RANK[grant.role] > 0;
const adminCovering = (principal: Principal, place: OrgPlace, minRank = 1): boolean =>
  principal.grants.some((g) => RANK[g.role] >= minRank && isAdmin(g) && covers(g, place));
const hasRole = (principal: Principal, role: Role): boolean => principal.grants.some((g) => g.role === role);

/** An admin whose own scope is inside the region: a group or school of it (region admins and above cover it). */
function adminWithin(principal: Principal, contents: RegionContents | undefined, roles: readonly Role[]): boolean {
  if (!contents) return false;
  return principal.grants.some(
    (g) =>
      roles.includes(g.role) &&
      ((g.groupId !== null && contents.groupIds.includes(g.groupId)) || (g.schoolId !== null && contents.schoolIds.includes(g.schoolId))),
  );
}

function courseParticipant(principal: Principal, course: CourseFacts): boolean {
  if (course.leadTeacherId === principal.userId) return true;
  if (course.receivers.some((r) => r.assistantTeacherId === principal.userId)) return true;
  if (hasRole(principal, 'student') && course.studentIds.includes(principal.userId)) return true;
  const devicePlaces = [course.host, ...course.receivers.map((r) => r.place)].filter((p) => p.classroomId !== null);
  return principal.grants.some((g) => g.role === 'classroom_device' && devicePlaces.some((p) => covers(g, p)));
}

function courseAdmin(principal: Principal, course: CourseFacts): boolean {
  return adminCovering(principal, course.host);
}

function courseObserver(principal: Principal, course: CourseFacts): boolean {
  return courseAdmin(principal, course) || course.receivers.some((r) => adminCovering(principal, r.place));
}

/** The decision. Deny unless a rule allows. */
export function can(principal: Principal, action: Action, target: PolicyTarget): boolean {
  if (principal.courseOnly !== null) {
    // A student-link session may also watch its own course's recordings again (a home-bound student's replay).
    if (target.kind === 'recording') return action === 'recording.watch' && target.recording.course.id === principal.courseOnly && courseParticipant(principal, target.recording.course);
    return target.kind === 'course' && target.course.id === principal.courseOnly && (action === 'course.read' || action === 'course.join') && courseParticipant(principal, target.course);
  }
  switch (target.kind) {
    case 'system':
      // Any administrator may open the lists; each row is then filtered by what she may read.
      if (action === 'org.browse') return principal.grants.some(isAdmin);
      return hasRole(principal, 'system_admin');
    case 'region':
      // A group admin sees the region her group belongs to (to navigate), but does not report on it.
      if (action === 'org.read') return adminCovering(principal, target.place, RANK.region_admin) || adminWithin(principal, target.contents, ['group_admin']);
      if (action === 'reports.read') return adminCovering(principal, target.place, RANK.region_admin);
      // Terms are the region's calendar: every admin inside the region needs them to plan courses.
      if (action === 'term.read') return adminCovering(principal, target.place) || adminWithin(principal, target.contents, ['group_admin', 'school_admin']);
      if (action === 'term.manage' || action === 'targets.manage' || action === 'research.manage') return adminCovering(principal, target.place, RANK.region_admin);
      if (action === 'evaluation.read') return adminCovering(principal, target.place, RANK.region_admin) || reviewerAbove(principal, ['city_reviewer', 'province_reviewer'], target.above);
      if (action === 'evaluation.manage') return adminCovering(principal, target.place, RANK.region_admin);
      if (action === 'research.read') return researchStaffOf(principal, target.place, target.contents);
      // Only the reviewer of the step the file waits at; never the county itself, nor a system admin.
      if (action === 'evaluation.review') return target.reviewStep !== undefined && reviewerAbove(principal, [REVIEWER_AT[target.reviewStep]], target.above);
      return action === 'org.manage' && hasRole(principal, 'system_admin');
    case 'group':
      if (action === 'org.read' || action === 'reports.read') return adminCovering(principal, target.place, RANK.group_admin);
      return action === 'org.manage' && adminCovering(principal, target.place, RANK.region_admin);
    case 'school':
      if (action === 'org.read' || action === 'reports.read') return adminCovering(principal, target.place);
      // Any admin covering the host school (its own school admin included) may set up its courses.
      if (action === 'course.create') return adminCovering(principal, target.place);
      // A school's office fills in its own resource inputs; the county checks and submits the whole file.
      if (action === 'evaluation.read' || action === 'evaluation.manage') return adminCovering(principal, target.place);
      return action === 'org.manage' && adminCovering(principal, target.place, RANK.group_admin);
    case 'classroom':
      if (action === 'org.read' || action === 'org.manage' || action === 'classroom.pair' || action === 'reports.read' || action === 'course.assign') {
        return adminCovering(principal, target.place);
      }
      return false;
    case 'user':
      return userDecision(principal, action, target);
    case 'course':
      return courseDecision(principal, action, target.course);
    case 'recording':
      return recordingDecision(principal, action, target.recording);
    case 'observation':
      return action === 'course.observe' && observerOf(principal, target.observation);
    case 'broadcast':
      return action === 'course.watch_broadcast' && broadcastViewerOf(principal, target.broadcast);
  }
}

/** Who may watch a course's broadcast (see `course.watch_broadcast`). */
function broadcastViewerOf(principal: Principal, { course, viewerPlaces }: BroadcastFacts): boolean {
  if (courseParticipant(principal, course)) return false;
  return viewerPlaces.some((place) => place.regionId === course.host.regionId);
}

/** Who works inside a region's teaching and research: its admins, research staff, and its schools' teachers and admins. */
function researchStaffOf(principal: Principal, place: OrgPlace, contents: RegionContents | undefined): boolean {
  if (adminCovering(principal, place) || adminWithin(principal, contents, ['group_admin', 'school_admin'])) return true;
  return principal.grants.some(
    (g) =>
      (g.role === 'researcher' && g.regionId === place.regionId) ||
      ((g.role === 'teacher' || g.role === 'assistant_teacher') && g.schoolId !== null && (contents?.schoolIds.includes(g.schoolId) ?? false)),
  );
}

/** Who may observe a course's lessons (see `course.observe`). */
function observerOf(principal: Principal, { course, viewerPlaces }: ObservationFacts): boolean {
  if (courseParticipant(principal, course)) return false;
  if (courseObserver(principal, course)) return true;
  if (!course.observable) return false;
  if (principal.grants.some((g) => g.role === 'researcher' && g.regionId === course.host.regionId)) return true;
  if (!hasRole(principal, 'teacher')) return false;
  // Her places are those of all her grants; only a teacher's school makes her a colleague of the host.
  const colleague = (place: OrgPlace) => place.regionId === course.host.regionId || (course.host.groupId !== null && place.groupId === course.host.groupId);
  return viewerPlaces.some(colleague);
}

function recordingDecision(principal: Principal, action: Action, recording: RecordingFacts): boolean {
  const { course } = recording;
  if (action === 'recording.manage') return course.leadTeacherId === principal.userId || courseAdmin(principal, course);
  if (action !== 'recording.watch') return false;
  if (courseDecision(principal, 'course.join', course) || courseDecision(principal, 'reports.read', course)) return true;
  switch (recording.visibility) {
    case null:
      return false;
    case 'everyone':
      return true;
    case 'region':
      return recording.viewerPlaces.some((place) => place.regionId === course.host.regionId);
    case 'group':
      return course.host.groupId !== null && recording.viewerPlaces.some((place) => place.groupId === course.host.groupId);
  }
}

function userDecision(principal: Principal, action: Action, target: Extract<PolicyTarget, { kind: 'user' }>): boolean {
  if (action === 'user.read' && target.userId === principal.userId) return true;
  if (action !== 'user.read' && action !== 'user.manage' && action !== 'course.assign') return false;
  if (target.places.length === 0) return hasRole(principal, 'system_admin');
  const coversPlace = (place: OrgPlace): boolean => adminCovering(principal, place);
  // Assigning a person to a course needs an admin over one of the places she holds a role in (as reading her does).
  if (action === 'user.read' || action === 'course.assign') return target.places.some(coversPlace);
  // Managing an account needs authority over every place it holds a role in, and a rank at least its own.
  const outranks = target.topRole === null || principal.grants.some((g) => isAdmin(g) && RANK[g.role] >= RANK[target.topRole!]);
  return outranks && target.places.every(coversPlace);
}

function courseDecision(principal: Principal, action: Action, course: CourseFacts): boolean {
  switch (action) {
    case 'course.read':
    case 'course.join':
      return courseParticipant(principal, course) || courseObserver(principal, course);
    case 'course.manage':
      return courseAdmin(principal, course);
    case 'course.teach':
      return course.leadTeacherId === principal.userId;
    case 'course.invite_student':
      return course.leadTeacherId === principal.userId || courseAdmin(principal, course);
    // The teacher plans her own week; the host school's admins may step in (a teacher off sick).
    case 'course.reschedule':
      return course.leadTeacherId === principal.userId || courseAdmin(principal, course);
    case 'reports.read':
      return course.leadTeacherId === principal.userId || courseObserver(principal, course);
    case 'reports.read_own':
      return courseParticipant(principal, course) || courseDecision(principal, 'reports.read', course);
    default:
      return false;
  }
}

/** May the principal hand out this grant? (creating users, adding roles) */
export function canGrant(principal: Principal, grant: RoleGrant, place: OrgPlace | null): boolean {
  if (principal.courseOnly !== null) return false;
  if (grant.role === 'system_admin' || place === null) return hasRole(principal, 'system_admin');
  // The review chain above the counties is the system's to staff.
  if (grant.role === 'city_reviewer' || grant.role === 'province_reviewer') return hasRole(principal, 'system_admin');
  return principal.grants.some((g) => isAdmin(g) && RANK[g.role] >= RANK[grant.role] && covers(g, place));
}
