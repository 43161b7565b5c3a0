import { ERROR_RESPONSES } from '../../../shared/api/common.js';
import { ObservableLessons, ObservationCourseParams, ObservationSetting } from '../../../shared/api/research-observing.js';
import type { TongkeApp } from '../../core/app-types.js';
import { accessFor, requireSignIn } from '../../core/access.js';
import { ObservingRepository } from './repository.js';
import { ObservingService } from './service.js';

const tags = ['research'];

/** Observing (听课): a course's 开放听课 setting, and the live lessons the caller may observe now. */
export default async function observingRoutes(app: TongkeApp): Promise<void> {
  requireSignIn(app);
  const service = new ObservingService(new ObservingRepository(app.tongke.db), app.tongke.places);

  app.get(
    '/api/courses/:courseId/observation',
    { schema: { tags, summary: 'Whether the course is open to observation (开放听课)', params: ObservationCourseParams, response: { 200: ObservationSetting, ...ERROR_RESPONSES } } },
    async (request) => service.setting(request.params.courseId, accessFor(app, request)),
  );

  app.put(
    '/api/courses/:courseId/observation',
    {
      schema: { tags, summary: 'Opens or closes the course to observation by colleagues and research staff', params: ObservationCourseParams, body: ObservationSetting, response: { 200: ObservationSetting, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const access = accessFor(app, request);
      const result = await service.setSetting(request.params.courseId, request.body.observable, access);
      request.log.info({ courseId: request.params.courseId, userId: access.principal.userId, observable: result.observable }, 'observation setting changed');
      return result;
    },
  );

  app.get(
    '/api/observations/live',
    { schema: { tags, summary: 'Live lessons the caller may observe now (not her own courses)', response: { 200: ObservableLessons, ...ERROR_RESPONSES } } },
    async (request) => service.live(accessFor(app, request)),
  );
}
