import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ERROR_RESPONSES, IdParams } from '../../shared/api/common.js';
import {
  Classroom,
  ClassroomCreate,
  ClassroomListQuery,
  ClassroomUpdate,
  EducationGroup,
  EducationGroupCreate,
  EducationGroupListQuery,
  EducationGroupUpdate,
  OrganisationTree,
  Region,
  RegionCreate,
  RegionUpdate,
  School,
  SchoolCreate,
  SchoolListQuery,
  SchoolUpdate,
} from '../../shared/api/organisation.js';
import type { TongkeApp } from '../core/app-types.js';
import { accessFor, requireSignIn } from '../core/access.js';
import { OrganisationService } from './service.js';
import { OrganisationRepository } from './repository.js';

const tags = ['organisation'];

/**
 * The organisation's admin API: the tree an admin may see, and regions, education groups, schools and
 * classrooms. Lists need some administrator grant (`org.browse`) and show what the caller may `org.read`;
 * edits need `org.manage` where the thing sits.
 */
export default async function organisationRoutes(app: TongkeApp) {
  const { db, places } = app.tongke;
  const service = new OrganisationService(new OrganisationRepository(db), places);
  requireSignIn(app);

  const browse = (request: FastifyRequest) => {
    app.authorize(request, 'org.browse', { kind: 'system' });
    return accessFor(app, request);
  };

  app.get('/api/organisation', { schema: { tags, response: { 200: OrganisationTree, ...ERROR_RESPONSES } } }, async (request) =>
    service.tree(browse(request)),
  );

  // ---- Regions ----
  app.get('/api/regions', { schema: { tags, response: { 200: Type.Array(Region), ...ERROR_RESPONSES } } }, async (request) =>
    service.listRegions(browse(request)),
  );

  app.post('/api/regions', { schema: { tags, body: RegionCreate, response: { 201: Region, ...ERROR_RESPONSES } } }, async (request, reply) => {
    app.authorize(request, 'org.manage', { kind: 'system' });
    return reply.code(201).send(await service.createRegion(request.body));
  });

  app.patch('/api/regions/:id', { schema: { tags, params: IdParams, body: RegionUpdate, response: { 200: Region, ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'org.manage', { kind: 'region', place: await places.region(request.params.id) });
    return service.updateRegion(request.params.id, request.body);
  });

  // ---- Education groups ----
  app.get('/api/groups', { schema: { tags, querystring: EducationGroupListQuery, response: { 200: Type.Array(EducationGroup), ...ERROR_RESPONSES } } }, async (request) =>
    service.listGroups(browse(request), request.query),
  );

  app.post('/api/groups', { schema: { tags, body: EducationGroupCreate, response: { 201: EducationGroup, ...ERROR_RESPONSES } } }, async (request, reply) =>
    reply.code(201).send(await service.createGroup(request.body, accessFor(app, request))),
  );

  app.patch(
    '/api/groups/:id',
    { schema: { tags, params: IdParams, body: EducationGroupUpdate, response: { 200: EducationGroup, ...ERROR_RESPONSES } } },
    async (request) => {
      app.authorize(request, 'org.manage', { kind: 'group', place: await places.group(request.params.id) });
      return service.updateGroup(request.params.id, request.body, accessFor(app, request));
    },
  );

  // ---- Schools ----
  app.get('/api/schools', { schema: { tags, querystring: SchoolListQuery, response: { 200: Type.Array(School), ...ERROR_RESPONSES } } }, async (request) =>
    service.listSchools(browse(request), request.query),
  );

  app.post('/api/schools', { schema: { tags, body: SchoolCreate, response: { 201: School, ...ERROR_RESPONSES } } }, async (request, reply) =>
    reply.code(201).send(await service.createSchool(request.body, accessFor(app, request))),
  );

  app.patch('/api/schools/:id', { schema: { tags, params: IdParams, body: SchoolUpdate, response: { 200: School, ...ERROR_RESPONSES } } }, async (request) => {
    app.authorize(request, 'org.manage', { kind: 'school', place: await places.school(request.params.id) });
    return service.updateSchool(request.params.id, request.body, accessFor(app, request));
  });

  // ---- Classrooms ----
  app.get(
    '/api/classrooms',
    { schema: { tags, querystring: ClassroomListQuery, response: { 200: Type.Array(Classroom), ...ERROR_RESPONSES } } },
    async (request) => service.listClassrooms(browse(request), request.query),
  );

  app.post('/api/classrooms', { schema: { tags, body: ClassroomCreate, response: { 201: Classroom, ...ERROR_RESPONSES } } }, async (request, reply) =>
    reply.code(201).send(await service.createClassroom(request.body, accessFor(app, request))),
  );

  app.patch(
    '/api/classrooms/:id',
    { schema: { tags, params: IdParams, body: ClassroomUpdate, response: { 200: Classroom, ...ERROR_RESPONSES } } },
    async (request) => {
      app.authorize(request, 'org.manage', { kind: 'classroom', place: await places.classroom(request.params.id) });
      return service.updateClassroom(request.params.id, request.body);
    },
  );
}
