import { dirname, basename } from 'node:path';
import send from '@fastify/send';
import { Type } from 'typebox';
import { ERROR_RESPONSES } from '../../../shared/api/common.js';
import {
  RecordingCourseParams,
  RecordingDetail,
  RecordingLessonParams,
  RecordingList,
  RecordingMediaParams,
  RecordingParams,
  RecordingPolicyBody,
  RecordingQuery,
  RecordingUpdate,
  RecordingView,
} from '../../../shared/api/recordings.js';
import type { TongkeApp } from '../../core/app-types.js';
import { accessFor, requireSignIn } from '../../core/access.js';
import { ApiError } from '../../core/errors.js';
import { DirectoryRecordingStore } from '../storage.js';
import { LibraryRepository } from './repository.js';
import { LibraryService } from './service.js';

const tags = ['recordings'];
/**
 * A rendition may be cached by the viewer's own browser only, and revalidated on every use: access is
 * checked on every media request, so someone who lost it gets no more bytes from a cache either.
 */
const MEDIA_CACHE = 'private, no-cache';

/**
 * The library (名校网络课堂 点播) and replay: lists, one recording with its chapters, publishing, deleting,
 * a lesson's recordings, a course's recording policy, and the renditions themselves with HTTP Range
 * requests (seeking without downloading everything). The viewing routes are server/recordings/viewing's.
 */
/** The library service over the app's store and recordings directory (the viewing routes ask it who may watch). */
export function libraryService(app: TongkeApp): LibraryService {
  const { db, places, config } = app.tongke;
  return new LibraryService(new LibraryRepository(db), places, new DirectoryRecordingStore(config.recordingsDir));
}

export default async function recordingLibraryRoutes(app: TongkeApp) {
  const service = libraryService(app);
  requireSignIn(app);

  app.get('/api/recordings', { schema: { tags, summary: 'The library: recordings the caller may watch (or, `mine`, manage)', querystring: RecordingQuery, response: { 200: RecordingList, ...ERROR_RESPONSES } } }, async (request) =>
    service.list(request.query, accessFor(app, request)),
  );

  app.get('/api/recordings/:recordingId', { schema: { tags, summary: 'One recording with its chapters', params: RecordingParams, response: { 200: RecordingDetail, ...ERROR_RESPONSES } } }, async (request) =>
    service.detail(request.params.recordingId, accessFor(app, request)),
  );

  app.patch(
    '/api/recordings/:recordingId',
    { schema: { tags, summary: 'Renames, publishes (with a visibility) or unpublishes a recording', params: RecordingParams, body: RecordingUpdate, response: { 200: RecordingView, ...ERROR_RESPONSES } } },
    async (request) => {
      const access = accessFor(app, request);
      const view = await service.update(request.params.recordingId, request.body, access);
      request.log.info({ recordingId: view.id, userId: access.principal.userId, visibility: view.visibility }, 'recording changed');
      return view;
    },
  );

  app.delete(
    '/api/recordings/:recordingId',
    { schema: { tags, summary: "Removes a recording's files (the row and its viewing evidence stay)", params: RecordingParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const access = accessFor(app, request);
      await service.remove(request.params.recordingId, access);
      request.log.info({ recordingId: request.params.recordingId, userId: access.principal.userId }, 'recording deleted');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/recordings/:recordingId/media/:rendition',
    // No response schema: the body is the MP4 itself (or the part of it a Range asked for).
    { schema: { tags, produces: ['video/mp4'], summary: 'A rendition, with HTTP Range requests; access checked on every request', params: RecordingMediaParams } },
    async (request, reply) => {
      const path = await service.mediaFile(request.params.recordingId, request.params.rendition, accessFor(app, request));
      const result = await send(request.raw, `/${basename(path)}`, { root: dirname(path), cacheControl: false, dotfiles: 'deny', index: false });
      if (result.type !== 'file') {
        // 416 (a Range past the end) keeps its Content-Range: bytes */size; the file vanishing in between is a 404.
        if (result.statusCode === 416) return reply.code(416).headers(result.headers).send();
        throw new ApiError('not_found');
      }
      return reply
        .code(result.statusCode)
        .headers(result.headers)
        .header('content-type', 'video/mp4')
        .header('cache-control', MEDIA_CACHE)
        .header('x-content-type-options', 'nosniff')
        .send(result.stream);
    },
  );

  app.get(
    '/api/lessons/:lessonId/recordings',
    { schema: { tags, summary: "A lesson's recordings the caller may watch (the lesson report links to them)", params: RecordingLessonParams, response: { 200: Type.Array(RecordingView), ...ERROR_RESPONSES } } },
    async (request) => service.ofLesson(request.params.lessonId, accessFor(app, request)),
  );

  app.get(
    '/api/courses/:courseId/recording-policy',
    { schema: { tags, summary: "The course's recording policy", params: RecordingCourseParams, response: { 200: RecordingPolicyBody, ...ERROR_RESPONSES } } },
    async (request) => service.coursePolicy(request.params.courseId, accessFor(app, request)),
  );

  app.put(
    '/api/courses/:courseId/recording-policy',
    { schema: { tags, summary: "Sets the course's recording policy (every lesson, the teacher's choice, never)", params: RecordingCourseParams, body: RecordingPolicyBody, response: { 200: RecordingPolicyBody, ...ERROR_RESPONSES } } },
    async (request) => {
      const access = accessFor(app, request);
      const result = await service.setCoursePolicy(request.params.courseId, request.body.policy, access);
      request.log.info({ courseId: request.params.courseId, userId: access.principal.userId, policy: result.policy }, 'recording policy set');
      return result;
    },
  );
}
