import { Type } from 'typebox';
import { ERROR_RESPONSES } from '../../../shared/api/common.js';
import { LessonParams, MyReviews, ObservationForm, ObservationFormBody, ObservationParams, ReplyBody, ReviewView } from '../../../shared/api/research-review.js';
import type { TongkeApp } from '../../core/app-types.js';
import { accessFor, requireSignIn } from '../../core/access.js';
import { ObservationsRepository } from '../observations/repository.js';
import { rubricService } from '../rubrics/routes.js';
import { ObservationFormService } from './form-service.js';
import { ReviewRepository } from './repository.js';
import { ReviewService } from './review-service.js';

const tags = ['research'];

/** Observation forms (评价表) on a lesson, the lead teacher's review (评课) with replies, and her list. */
export default async function researchReviewRoutes(app: TongkeApp) {
  const { db, places } = app.tongke;
  const repo = new ReviewRepository(db);
  const rubrics = rubricService(app);
  const forms = new ObservationFormService(repo, new ObservationsRepository(db), rubrics, places);
  const reviews = new ReviewService(repo, rubrics, places);
  requireSignIn(app);

  app.get(
    '/api/lessons/:lessonId/observation/form',
    { schema: { tags, summary: "The caller's observation form on the lesson, with the rubric she rates on", params: LessonParams, response: { 200: ObservationForm, ...ERROR_RESPONSES } } },
    async (request) => forms.form(request.params.lessonId, accessFor(app, request)),
  );

  app.put(
    '/api/lessons/:lessonId/observation/form',
    { schema: { tags, summary: 'Saves the form as a draft (some dimensions may be unrated)', params: LessonParams, body: ObservationFormBody, response: { 200: ObservationForm, ...ERROR_RESPONSES } } },
    async (request) => forms.save(request.params.lessonId, request.body, false, accessFor(app, request)),
  );

  app.post(
    '/api/lessons/:lessonId/observation/form/submit',
    { schema: { tags, summary: 'Submits the form (every dimension rated); it stays editable until the review closes', params: LessonParams, body: ObservationFormBody, response: { 200: ObservationForm, ...ERROR_RESPONSES } } },
    async (request) => {
      const access = accessFor(app, request);
      const form = await forms.save(request.params.lessonId, request.body, true, access);
      request.log.info({ lessonId: request.params.lessonId, observationId: form.observationId, userId: access.principal.userId }, 'observation submitted');
      return form;
    },
  );

  app.get(
    '/api/lessons/:lessonId/review',
    { schema: { tags, summary: "The lesson's review: scores per dimension, notes, comments (lead teacher; admins see aggregates)", params: LessonParams, response: { 200: ReviewView, ...ERROR_RESPONSES } } },
    async (request) => reviews.review(request.params.lessonId, accessFor(app, request)),
  );

  app.post(
    '/api/lessons/:lessonId/review/close',
    { schema: { tags, summary: 'The lead teacher closes the review early', params: LessonParams, response: { 200: ReviewView, ...ERROR_RESPONSES } } },
    async (request) => {
      const access = accessFor(app, request);
      await reviews.close(request.params.lessonId, access);
      request.log.info({ lessonId: request.params.lessonId, userId: access.principal.userId }, 'review closed');
      return reviews.review(request.params.lessonId, access);
    },
  );

  app.post(
    '/api/observations/:observationId/replies',
    { schema: { tags, summary: "The lead teacher replies to an observer's comment", params: ObservationParams, body: ReplyBody, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      await reviews.reply(request.params.observationId, request.body.text, accessFor(app, request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/reviews/mine',
    { schema: { tags, summary: "The caller's observed lessons (我的评课) with submitted forms and mean score", response: { 200: MyReviews, ...ERROR_RESPONSES } } },
    async (request) => reviews.mine(accessFor(app, request)),
  );
}
