import { Type, type Static } from 'typebox';

/** `GET /api/lessons/live`: the live lessons of courses the caller may read ("live now" on home pages). */
export const LiveLessons = Type.Object({
  lessons: Type.Array(Type.Object({ courseId: Type.Integer(), lessonSessionId: Type.Integer(), startedAt: Type.String() })),
});
export type LiveLessons = Static<typeof LiveLessons>;
