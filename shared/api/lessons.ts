import { Type, type Static } from 'typebox';

/** `GET /api/lessons/live`: the live lessons of courses the caller may read ("live now" on home pages). */
export const LiveLessons = Type.Object({
  /** Live lessons of the caller's courses (and courses she may read). */
  lessons: Type.Array(Type.Object({ courseId: Type.Integer(), lessonSessionId: Type.Integer(), startedAt: Type.String() })),
  /** Broadcasts (直播) of other courses she may watch as a viewer, on their light page (/live/:courseId). */
  broadcasts: Type.Array(Type.Object({ courseId: Type.Integer(), lessonSessionId: Type.Integer(), startedAt: Type.String(), courseName: Type.String() })),
});
export type LiveLessons = Static<typeof LiveLessons>;
