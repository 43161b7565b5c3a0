import { ERROR_RESPONSES } from '../../shared/api/common.js';
import { LiveLessons } from '../../shared/api/lessons.js';
import type { TongkeApp } from '../core/app-types.js';
import { can } from '../policy/policy.js';
import type { LiveLessonSummary } from './registry.js';

/**
 * `GET /api/lessons/live` (see shared/api/lessons.ts), from `liveLessons`: this process's registry, or with
 * several nodes the store's live sessions, whichever node runs them.
 */
export function lessonRoutes(liveLessons: () => LiveLessonSummary[] | Promise<LiveLessonSummary[]>) {
  return async function liveLessonRoutes(app: TongkeApp) {
    app.get('/api/lessons/live', { schema: { tags: ['lessons'], response: { 200: LiveLessons, ...ERROR_RESPONSES } } }, async (request) => {
      const principal = app.requirePrincipal(request);
      const lessons = [];
      for (const summary of await liveLessons()) {
        // A teaching-research meeting is no lesson to show on anyone's list of live lessons.
        if (summary.researchSessionId !== null) continue;
        if (can(principal, 'course.read', { kind: 'course', course: await app.tongke.places.course(summary.courseId) })) lessons.push(summary);
      }
      return { lessons };
    });
  };
}
