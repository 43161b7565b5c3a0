import { Type } from 'typebox';
import { ERROR_RESPONSES, IdParams } from '../../../shared/api/common.js';
import {
  ChangeResearchSession,
  ResearchAttendance,
  ResearchLessonParams,
  ResearchSessionList,
  ResearchSessionStarted,
  ResearchSessionView,
  ScheduleResearchSession,
} from '../../../shared/api/research-sessions.js';
import type { TongkeApp } from '../../core/app-types.js';
import { accessFor, requireSignIn } from '../../core/access.js';
import type { LessonRegistry } from '../../lessons/registry.js';
import { ResearchSessionsRepository } from './repository.js';
import { ResearchSessionsService } from './service.js';

const tags = ['research'];

function service(app: TongkeApp): ResearchSessionsService {
  return new ResearchSessionsService(new ResearchSessionsRepository(app.tongke.db), app.tongke.places);
}

/**
 * Teaching-research sessions (协同教研): a lesson's sessions, scheduling, changing, cancelling, the caller's
 * upcoming sessions and a session's attendance. Starting one needs the live lessons: researchMeetingRoutes.
 */
export default async function researchSessionRoutes(app: TongkeApp) {
  const sessions = service(app);
  requireSignIn(app);

  app.get(
    '/api/lessons/:lessonId/research-sessions',
    { schema: { tags, summary: "A lesson's teaching-research sessions", params: ResearchLessonParams, response: { 200: ResearchSessionList, ...ERROR_RESPONSES } } },
    async (request) => ({ sessions: await sessions.ofLesson(request.params.lessonId, accessFor(app, request)) }),
  );

  app.post(
    '/api/lessons/:lessonId/research-sessions',
    { schema: { tags, summary: 'Schedules a teaching-research session about the lesson', params: ResearchLessonParams, body: ScheduleResearchSession, response: { 201: ResearchSessionView, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const access = accessFor(app, request);
      const view = await sessions.schedule(request.params.lessonId, request.body, access);
      request.log.info({ researchSessionId: view.id, lessonSessionId: view.lessonSessionId, userId: access.principal.userId }, 'teaching-research session scheduled');
      return reply.code(201).send(view);
    },
  );

  app.get(
    '/api/research-sessions/upcoming',
    { schema: { tags, summary: 'Teaching-research sessions the caller may join, live or in the next 30 days', response: { 200: ResearchSessionList, ...ERROR_RESPONSES } } },
    async (request) => ({ sessions: await sessions.upcoming(accessFor(app, request)) }),
  );

  app.patch(
    '/api/research-sessions/:id',
    { schema: { tags, summary: 'The convener changes a session not yet held', params: IdParams, body: ChangeResearchSession, response: { 200: ResearchSessionView, ...ERROR_RESPONSES } } },
    async (request) => sessions.change(request.params.id, request.body, accessFor(app, request)),
  );

  app.delete(
    '/api/research-sessions/:id',
    { schema: { tags, summary: 'The convener cancels a session not yet held', params: IdParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const access = accessFor(app, request);
      await sessions.cancel(request.params.id, access);
      request.log.info({ researchSessionId: request.params.id, userId: access.principal.userId }, 'teaching-research session cancelled');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/research-sessions/:id/attendance',
    { schema: { tags, summary: "Who attended a session's meetings, and for how many minutes", params: IdParams, response: { 200: ResearchAttendance, ...ERROR_RESPONSES } } },
    async (request) => sessions.attendance(request.params.id, accessFor(app, request)),
  );
}

/**
 * `POST /api/research-sessions/:id/start`: the convener starts the meeting as the course's live session
 * (registered with the live lessons, which it needs). A meeting's end marks its session `ended`.
 */
export function researchMeetingRoutes(registry: LessonRegistry) {
  return async function meetingRoutes(app: TongkeApp) {
    const repo = new ResearchSessionsRepository(app.tongke.db);
    const sessions = new ResearchSessionsService(repo, app.tongke.places);
    registry.on('lesson-ended', (lessonSessionId) => {
      repo.meetingEnded(lessonSessionId).catch((error: unknown) => app.log.error({ err: error, lessonSessionId }, 'marking a teaching-research session ended failed'));
    });
    app.post(
      '/api/research-sessions/:id/start',
      { schema: { tags, summary: 'The convener starts the meeting (from 15 minutes before its time); returns the course to join', params: IdParams, response: { 200: ResearchSessionStarted, ...ERROR_RESPONSES } } },
      async (request) => {
        const access = accessFor(app, request);
        const started = await sessions.start(request.params.id, access, async (courseId, convenerId, meeting) => (await registry.start(courseId, convenerId, null, new Date(), meeting)).lesson.lessonSessionId);
        request.log.info({ researchSessionId: request.params.id, ...started }, 'teaching-research meeting started');
        return started;
      },
    );
  };
}
