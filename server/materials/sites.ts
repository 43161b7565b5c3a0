import type { CourseFacts, Principal } from '../policy/policy.js';

/** The receiving site a caller opens a material as: one of the course's receiving classrooms, or an enrolled student. */
export interface OpeningSite {
  siteKind: 'receiving_classroom' | 'student';
  /** The receiving classroom (null for a student). */
  classroomId: number | null;
}

/**
 * Which receiving site of the course the caller is: the device of one of its receiving classrooms, the
 * assistant teacher of one, or an enrolled student; null for anyone else (the lead teacher, an admin).
 */
export function siteOf(principal: Principal, course: CourseFacts): OpeningSite | null {
  const receiving = course.receivers.map((r) => r.place.classroomId).filter((id): id is number => id !== null);
  const device = principal.grants.find((g) => g.role === 'classroom_device' && g.classroomId !== null && receiving.includes(g.classroomId));
  if (device) return { siteKind: 'receiving_classroom', classroomId: device.classroomId };
  const assisted = course.receivers.find((r) => r.assistantTeacherId === principal.userId && r.place.classroomId !== null);
  if (assisted) return { siteKind: 'receiving_classroom', classroomId: assisted.place.classroomId };
  if (principal.grants.some((g) => g.role === 'student') && course.studentIds.includes(principal.userId)) return { siteKind: 'student', classroomId: null };
  return null;
}
