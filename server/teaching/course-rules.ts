import type { CourseCreate } from '../../shared/api/teaching.js';
import type { Role } from '../../shared/roles.js';
import type { Access } from '../core/access.js';
import { ApiError } from '../core/errors.js';
import { invalidField } from '../core/constraints.js';
import type { Places } from '../organisation/places.js';
import type { CourseValues, GrantAtSchool, ReceiverValues, TeachingRepository } from './repository.js';

/** A course as it will be stored, with its receiving classrooms and students. */
export type CoursePlan = Omit<CourseValues, 'active'> & { receivers: ReceiverValues[]; studentIds: number[] };

/** The fields of a course that references are checked for; `all` on creation or when the host school changes. */
export type ChangedFields = ReadonlySet<keyof CourseCreate> | 'all';

const holds = (grants: readonly GrantAtSchool[] | undefined, role: Role, where: (g: GrantAtSchool) => boolean): boolean =>
  grants?.some((g) => g.role === role && where(g)) ?? false;

/**
 * Checks a course's references and returns it ready to store; throws `bad_request` naming the field at
 * fault. The term is of the host school's region; the lead teacher is an active teacher in that region;
 * the host classroom belongs to the host school; receivers are distinct, active receiving classrooms of
 * the region (not the host classroom), each assistant teacher an active assistant teacher at that
 * receiver's school; students have student profiles. On edits only what changed (and what depends on it)
 * is re-checked, so an unrelated edit is not refused because a classroom was deactivated later.
 */
export async function checkCourse(repo: TeachingRepository, course: CourseCreate, changed: ChangedFields): Promise<CoursePlan> {
  const touched = (...fields: Array<keyof CourseCreate>) => changed === 'all' || fields.some((f) => changed.has(f));
  const host = await repo.school(course.schoolId);
  if (!host) throw invalidField('/schoolId', 'no such school');

  if (touched('termId', 'schoolId')) {
    const term = await repo.term(course.termId);
    if (!term) throw invalidField('/termId', 'no such term');
    if (term.regionId !== host.regionId) throw invalidField('/termId', "not a term of the host school's region");
  }

  const people = await repo.activeUsersWithGrants([course.leadTeacherId, ...course.receivers.flatMap((r) => (r.assistantTeacherId === null ? [] : [r.assistantTeacherId]))]);
  if (touched('leadTeacherId', 'schoolId') && !holds(people.get(course.leadTeacherId), 'teacher', (g) => g.regionId === host.regionId)) {
    throw invalidField('/leadTeacherId', "not an active teacher in the host school's region");
  }

  const classrooms = new Map((await repo.classrooms([...(course.hostClassroomId === null ? [] : [course.hostClassroomId]), ...course.receivers.map((r) => r.classroomId)])).map((c) => [c.id, c]));
  if (touched('hostClassroomId', 'schoolId') && course.hostClassroomId !== null) {
    const hostClassroom = classrooms.get(course.hostClassroomId);
    if (!hostClassroom || hostClassroom.schoolId !== host.id) throw invalidField('/hostClassroomId', 'not a classroom of the host school');
    if (!hostClassroom.active) throw invalidField('/hostClassroomId', 'the classroom is deactivated');
  }

  if (touched('receivers', 'schoolId', 'hostClassroomId')) {
    course.receivers.forEach((receiver, i) => {
      const path = `/receivers/${i}`;
      const classroom = classrooms.get(receiver.classroomId);
      if (!classroom || classroom.regionId !== host.regionId) throw invalidField(`${path}/classroomId`, "not a classroom of the host school's region");
      if (!classroom.receiving || !classroom.active) throw invalidField(`${path}/classroomId`, 'not an active receiving classroom');
      if (classroom.id === course.hostClassroomId) throw invalidField(`${path}/classroomId`, 'the host classroom does not receive its own lesson');
      if (course.receivers.findIndex((r) => r.classroomId === receiver.classroomId) !== i) throw invalidField(`${path}/classroomId`, 'listed twice');
      if (receiver.assistantTeacherId !== null && !holds(people.get(receiver.assistantTeacherId), 'assistant_teacher', (g) => g.schoolId === classroom.schoolId)) {
        throw invalidField(`${path}/assistantTeacherId`, "not an active assistant teacher at the receiving classroom's school");
      }
    });
  }

  if (touched('studentIds')) {
    const withProfile = await repo.studentIdsWithProfile(course.studentIds);
    course.studentIds.forEach((studentId, i) => {
      if (!withProfile.has(studentId)) throw invalidField(`/studentIds/${i}`, 'not a student');
      if (course.studentIds.indexOf(studentId) !== i) throw invalidField(`/studentIds/${i}`, 'listed twice');
    });
  }

  return {
    termId: course.termId,
    schoolId: course.schoolId,
    name: course.name.trim(),
    subject: course.subject,
    grade: course.grade,
    kind: course.kind,
    leadTeacherId: course.leadTeacherId,
    hostClassroomId: course.hostClassroomId,
    receivers: course.receivers.map(({ classroomId, assistantTeacherId, expectedStudents }) => ({ classroomId, assistantTeacherId, expectedStudents })),
    studentIds: [...course.studentIds],
  };
}

/** What a course references before an edit (nothing, on creation). */
export interface CourseReferences {
  leadTeacherId: number | null;
  receivers: ReadonlyArray<{ classroomId: number; assistantTeacherId: number | null }>;
  studentIds: readonly number[];
}

/**
 * Every classroom and person a plan brings onto the course must be within the caller's own administration
 * (`course.assign`), so that a school admin cannot enrol another school's pupils or pull in another
 * school's receiving classroom. Only what is new is asked about: keeping a receiver or a student that a
 * wider admin put there is not re-decided on an unrelated edit. Throws `out_of_reach` (403) naming the field.
 */
export async function authorizeAssignments(places: Places, access: Access, plan: CoursePlan, before: CourseReferences): Promise<void> {
  const refuse = (path: string): never => {
    throw new ApiError('out_of_reach', {}, [{ path, message: 'outside your administration' }]);
  };
  const person = async (userId: number, path: string) => {
    if (!access.can('course.assign', await places.user(userId))) refuse(path);
  };
  if (plan.leadTeacherId !== before.leadTeacherId) await person(plan.leadTeacherId, '/leadTeacherId');
  const index = await places.index();
  for (const [i, receiver] of plan.receivers.entries()) {
    const kept = before.receivers.find((r) => r.classroomId === receiver.classroomId);
    if (!kept) {
      const place = index.classroom(receiver.classroomId);
      if (!place || !access.can('course.assign', { kind: 'classroom', place })) refuse(`/receivers/${i}/classroomId`);
    }
    if (receiver.assistantTeacherId !== null && kept?.assistantTeacherId !== receiver.assistantTeacherId) {
      await person(receiver.assistantTeacherId, `/receivers/${i}/assistantTeacherId`);
    }
  }
  for (const [i, studentId] of plan.studentIds.entries()) {
    if (!before.studentIds.includes(studentId)) await person(studentId, `/studentIds/${i}`);
  }
}
