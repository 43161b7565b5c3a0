import { ERROR_RESPONSES, IdParams } from '../../shared/api/common.js';
import { ImportTemplateQuery, RoleGrantInput, User, UserCreate, UserCreated, UserImportBody, UserGrantParams, UserImportResult, UserList, UserListQuery, UserUpdate } from '../../shared/api/people.js';
import { attachmentDisposition } from '../core/attachment.js';
import { CSV_CONTENT_TYPE } from '../core/csv.js';
import { importTemplateCsv, importTemplateXlsx } from './import-template.js';
import type { TongkeApp } from '../core/app-types.js';
import { accessFor, requireSignIn } from '../core/access.js';
import { PeopleService } from './service.js';
import { PeopleRepository } from './repository.js';

const tags = ['people'];

/**
 * Accounts: list and read (`user.read`), create with grants the caller may hand out (`canGrant`), edit,
 * deactivate, reset passwords and unlock (`user.manage`), add and remove grants, and import a school's
 * user list from CSV.
 */
export default async function peopleRoutes(app: TongkeApp) {
  const { db, places, translate, accounts } = app.tongke;
  const service = new PeopleService(new PeopleRepository(db), places, accounts);
  requireSignIn(app);

  app.get('/api/users', { schema: { tags, querystring: UserListQuery, response: { 200: UserList, ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'org.browse', { kind: 'system' });
    return service.list(request.query, accessFor(app, request));
  });

  app.get('/api/users/:id', { schema: { tags, params: IdParams, response: { 200: User, ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'user.read', await service.policyTarget(request.params.id));
    return service.get(request.params.id);
  });

  app.post('/api/users', { schema: { tags, body: UserCreate, response: { 201: UserCreated, ...ERROR_RESPONSES } } }, async (request, reply) =>
    reply.code(201).send(await service.create(request.body, accessFor(app, request))),
  );

  app.patch('/api/users/:id', { schema: { tags, params: IdParams, body: UserUpdate, response: { 200: User, ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'user.manage', await service.policyTarget(request.params.id));
    return service.update(request.params.id, request.body, accessFor(app, request));
  });

  app.post(
    '/api/users/:id/grants',
    { schema: { tags, params: IdParams, body: RoleGrantInput, response: { 201: User, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      app.authorize(request, 'user.manage', await service.policyTarget(request.params.id));
      return reply.code(201).send(await service.addGrant(request.params.id, request.body, accessFor(app, request)));
    },
  );

  app.delete('/api/users/:id/grants/:grantId', { schema: { tags, params: UserGrantParams, response: { 200: User, ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'user.manage', await service.policyTarget(request.params.id));
    return service.removeGrant(request.params.id, request.params.grantId, accessFor(app, request));
  });

  app.post(
    '/api/users/import',
    { schema: { tags, body: UserImportBody, response: { 200: UserImportResult, ...ERROR_RESPONSES } } },
    async (request) => service.importUsers(request.body, accessFor(app, request), (key, params) => translate(request.locale, key, params)),
  );

  app.get('/api/users/import-template', { schema: { tags, querystring: ImportTemplateQuery } }, async (request, reply) => {
    app.authorize(request, 'org.browse', { kind: 'system' });
    if (request.query.format === 'xlsx') {
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', attachmentDisposition('用户导入模板.xlsx', 'user-import-template.xlsx'))
        .send(await importTemplateXlsx());
    }
    return reply.type(CSV_CONTENT_TYPE).header('content-disposition', attachmentDisposition('用户导入模板.csv', 'user-import-template.csv')).send(importTemplateCsv());
  });
}
