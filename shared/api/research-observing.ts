import { Type, type Static } from 'typebox';
import { RowId } from './common.js';
import { SUBJECTS } from '../subjects.js';

/*
 * Observing (听课), the HTTP side:
 *   GET /api/courses/:courseId/observation   whether the course is open to observation (whoever may read the course)
 *   PUT /api/courses/:courseId/observation   open or close it (the lead teacher, or an admin over its host school)
 *   GET /api/observations/live               live lessons the caller may observe now (not her own courses)
 * Joining one is the lesson socket's `lesson:join`, as an observer.
 */

export const ObservationCourseParams = Type.Object({ courseId: RowId });
export type ObservationCourseParams = Static<typeof ObservationCourseParams>;

/** 开放听课: teachers of the host's group or region and the region's research staff may observe its lessons. */
export const ObservationSetting = Type.Object({ observable: Type.Boolean() }, { additionalProperties: false });
export type ObservationSetting = Static<typeof ObservationSetting>;

/** A live lesson the caller may observe. */
export const ObservableLesson = Type.Object({
  lessonSessionId: Type.Integer(),
  courseId: Type.Integer(),
  courseName: Type.String(),
  subject: Type.Enum(SUBJECTS),
  grade: Type.Integer(),
  schoolName: Type.String(),
  teacherName: Type.String(),
  /** When the lesson started (ISO, Asia/Shanghai). */
  startedAt: Type.String(),
  /** Observers in it now. */
  observers: Type.Integer({ minimum: 0 }),
});
export type ObservableLesson = Static<typeof ObservableLesson>;
export const ObservableLessons = Type.Array(ObservableLesson);
