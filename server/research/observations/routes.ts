import { Type } from 'typebox';
import { ERROR_RESPONSES } from '../../../shared/api/common.js';
import {
  MyObservations,
  ObservationLessonParams,
  ObservationNote,
  ObservationNoteCreate,
  ObservationNoteParams,
  ObservationNoteUpdate,
  ObservationParams,
  ObservationView,
  OpenObservation,
} from '../../../shared/api/research-observations.js';
import type { TongkeApp } from '../../core/app-types.js';
import { accessFor, requireSignIn } from '../../core/access.js';
import { ObservationsRepository } from './repository.js';
import { ObservationNotesService } from './service.js';

const tags = ['research'];

/**
 * 听课笔记: an observer opens her observation of a lesson (live or replay), reads it back with her notes,
 * and writes, edits and deletes her notes stamped with lesson time; 我的听课 lists her observations.
 */
export default async function observationNotesRoutes(app: TongkeApp) {
  const service = new ObservationNotesService(new ObservationsRepository(app.tongke.db), app.tongke.places);
  requireSignIn(app);

  app.post(
    '/api/lessons/:lessonId/observation',
    { schema: { tags, summary: 'Opens (once) the caller’s observation of a lesson, live or from its recording', params: ObservationLessonParams, body: OpenObservation, response: { 200: ObservationView, ...ERROR_RESPONSES } } },
    async (request) => {
      const access = accessFor(app, request);
      const view = await service.open(request.params.lessonId, request.body.mode, access);
      request.log.info({ lessonId: request.params.lessonId, userId: access.principal.userId, observationId: view.id }, 'observation opened');
      return view;
    },
  );

  app.get(
    '/api/lessons/:lessonId/observation',
    { schema: { tags, summary: 'The caller’s observation of a lesson with her notes (404 when she has none)', params: ObservationLessonParams, response: { 200: ObservationView, ...ERROR_RESPONSES } } },
    async (request) => service.ofLesson(request.params.lessonId, accessFor(app, request)),
  );

  app.get('/api/observations/mine', { schema: { tags, summary: '我的听课: the caller’s observations', response: { 200: MyObservations, ...ERROR_RESPONSES } } }, async (request) =>
    service.mine(accessFor(app, request)),
  );

  app.post(
    '/api/observations/:observationId/notes',
    { schema: { tags, summary: 'A note on her observation, stamped with lesson time', params: ObservationParams, body: ObservationNoteCreate, response: { 200: ObservationNote, ...ERROR_RESPONSES } } },
    async (request) => service.addNote(request.params.observationId, request.body, accessFor(app, request)),
  );

  app.patch(
    '/api/observations/:observationId/notes/:noteId',
    { schema: { tags, summary: 'Changes the text of one of her notes', params: ObservationNoteParams, body: ObservationNoteUpdate, response: { 200: ObservationNote, ...ERROR_RESPONSES } } },
    async (request) => service.updateNote(request.params.observationId, request.params.noteId, request.body.text, accessFor(app, request)),
  );

  app.delete(
    '/api/observations/:observationId/notes/:noteId',
    { schema: { tags, summary: 'Deletes one of her notes', params: ObservationNoteParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      await service.deleteNote(request.params.observationId, request.params.noteId, accessFor(app, request));
      return reply.code(204).send(null);
    },
  );
}
