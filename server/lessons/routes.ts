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
      const { places } = app.tongke;
      const lessons = [];
      const broadcasts = [];
      // Where her own grants sit: read once, and only when a broadcast she does not take part in is live.
      let herPlaces: Awaited<ReturnType<typeof places.placesOf>> | null = null;
      for (const summary of await liveLessons()) {
        // A teaching-research meeting is no lesson to show on anyone's list of live lessons.
        if (summary.researchSessionId !== null) continue;
        const course = await places.course(summary.courseId);
        const { courseId, lessonSessionId, startedAt } = summary;
        if (can(principal, 'course.read', { kind: 'course', course })) lessons.push({ courseId, lessonSessionId, startedAt });
        else if (summary.broadcast && can(principal, 'course.watch_broadcast', { kind: 'broadcast', broadcast: { course, viewerPlaces: (herPlaces ??= await places.placesOf(principal.grants)) } })) {
          broadcasts.push({ courseId, lessonSessionId, startedAt, courseName: summary.courseName });
        }
      }
      return { lessons, broadcasts };
    });
  };
}
