import { ApiErrorSchema, ERROR_RESPONSES } from '../../../shared/api/common.js';
import { RecordingParams, ViewingParams, ViewingProgress, ViewingProgressResult, ViewingStart, ViewingStarted } from '../../../shared/api/recordings.js';
import type { TongkeApp } from '../../core/app-types.js';
import { accessFor, requireSignIn } from '../../core/access.js';
import { ViewingRepository } from './repository.js';
import { ViewingService } from './service.js';
import { libraryService } from '../library/routes.js';

const tags = ['recordings'];

/**
 * Watching is evidence (点播): a viewer who may watch a recording starts a viewing, then reports the parts
 * she played (only her own viewing). See shared/api/recordings.ts.
 */
export default async function recordingViewingRoutes(app: TongkeApp) {
  const library = libraryService(app);
  const service = new ViewingService(new ViewingRepository(app.tongke.db), (recordingId, access) => library.authorizeWatch(recordingId, access));
  requireSignIn(app);

  app.post(
    '/api/recordings/:recordingId/viewings',
    {
      schema: {
        tags,
        summary: 'Starts a viewing of a recording (who may watch it: recording.watch)',
        params: RecordingParams,
        body: ViewingStart,
        response: { 201: ViewingStarted, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.code(201).send(await service.start(accessFor(app, request), request.params.recordingId, request.body)),
  );

  app.post(
    '/api/recording-viewings/:viewingId',
    {
      schema: {
        tags,
        summary: 'Reports the parts of the recording watched since the last report (the viewer herself)',
        description:
          'Ranges are [from, to] seconds of media time, cut to the recording. The viewing keeps their union, so a part watched twice counts once. More new seconds than twice the wall time since the last report (plus slack) is refused as `viewing_implausible` (422) and changes nothing.',
        params: ViewingParams,
        body: ViewingProgress,
        response: { 200: ViewingProgressResult, ...ERROR_RESPONSES, 422: ApiErrorSchema },
      },
    },
    async (request) => service.report(accessFor(app, request), request.params.viewingId, request.body),
  );
}
