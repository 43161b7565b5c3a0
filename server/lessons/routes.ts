import { Type } from 'typebox';
import { ERROR_RESPONSES } from '../../shared/api/common.js';
import type { TongkeApp } from '../core/app-types.js';
import { can } from '../policy/policy.js';
import type { LessonRegistry } from './registry.js';

const LiveLessons = Type.Object({
  lessons: Type.Array(Type.Object({ courseId: Type.Integer(), lessonSessionId: Type.Integer(), startedAt: Type.String() })),
});

/** `GET /api/lessons/live`: the live lessons of courses the caller may read ("live now" on home pages). */
export function lessonRoutes(registry: LessonRegistry) {
  return async function liveLessonRoutes(app: TongkeApp) {
    app.get('/api/lessons/live', { schema: { tags: ['lessons'], response: { 200: LiveLessons, ...ERROR_RESPONSES } } }, async (request) => {
      const principal = app.requirePrincipal(request);
      const lessons = registry.summaries().filter((s) => can(principal, 'course.read', { kind: 'course', course: app.tongke.places.course(s.courseId) }));
      return { lessons };
    });
  };
}
