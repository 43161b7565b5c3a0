import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ERROR_RESPONSES, IdParams } from '../../shared/api/common.js';
import { CopiedMaterials, LessonMaterials, MaterialCreate, MaterialOpened, MaterialOrder, MaterialView, MyMaterials } from '../../shared/api/materials.js';
import type { TongkeApp } from '../core/app-types.js';
import { accessFor, requireSignIn } from '../core/access.js';
import type { CourseFacts } from '../policy/policy.js';
import { materialsService } from './index.js';

const tags = ['materials'];

/**
 * Materials pushed by the teaching plan: the lead teacher (`course.teach`) attaches, orders, copies and
 * removes a lesson's materials; sites list theirs on their home and open them (`course.read`, in the window).
 */
export default async function materialsRoutes(app: TongkeApp) {
  const { db, places } = app.tongke;
  const service = materialsService(db, places);
  requireSignIn(app);
  // Only the lead teacher plans what her lessons carry (the course's admins read the figures in the reports).
  const teach = async (request: FastifyRequest, course: Promise<CourseFacts>) => app.authorize(request, 'course.teach', { kind: 'course', course: await course });

  app.get('/api/scheduled-lessons/:id/materials', { schema: { tags, params: IdParams, response: { 200: LessonMaterials, ...ERROR_RESPONSES } } }, async (request) => {
    await teach(request, service.lessonCourse(request.params.id));
    return service.list(request.params.id);
  });

  app.post(
    '/api/scheduled-lessons/:id/materials',
    { schema: { tags, params: IdParams, body: MaterialCreate, response: { 201: MaterialView, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const principal = await teach(request, service.lessonCourse(request.params.id));
      return reply.code(201).send(await service.attach(request.params.id, request.body, principal.userId));
    },
  );

  app.put(
    '/api/scheduled-lessons/:id/materials/order',
    { schema: { tags, params: IdParams, body: MaterialOrder, response: { 200: LessonMaterials, ...ERROR_RESPONSES } } },
    async (request) => {
      await teach(request, service.lessonCourse(request.params.id));
      return service.reorder(request.params.id, request.body.ids);
    },
  );

  app.post(
    '/api/scheduled-lessons/:id/materials/copy-to-next',
    { schema: { tags, params: IdParams, response: { 200: CopiedMaterials, ...ERROR_RESPONSES } } },
    async (request) => {
      const principal = await teach(request, service.lessonCourse(request.params.id));
      return service.copyToNext(request.params.id, principal.userId);
    },
  );

  app.delete('/api/materials/:id', { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } }, async (request, reply) => {
    await teach(request, service.materialCourse(request.params.id));
    await service.remove(request.params.id);
    return reply.code(204).send(null);
  });

  app.get('/api/me/materials', { schema: { tags, response: { 200: MyMaterials, ...ERROR_RESPONSES } } }, async (request) => service.mine(accessFor(app, request)));

  app.post('/api/materials/:id/open', { schema: { tags, params: IdParams, response: { 200: MaterialOpened, ...ERROR_RESPONSES } } }, async (request) =>
    service.open(request.params.id, accessFor(app, request)),
  );
}
