import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { ApiErrorSchema, ERROR_RESPONSES } from '../../shared/api/common.js';
import { CourseParams, CoursewareList, CoursewareParams, CoursewareRename, CoursewareUploadQuery, CoursewareView, MAX_COURSEWARE_BYTES } from '../../shared/api/courseware.js';
import type { TongkeApp } from '../core/app-types.js';
import { accessFor, requireSignIn } from '../core/access.js';
import { attachmentDisposition, sendDownload } from '../core/attachment.js';
import { ApiError, forbidden } from '../core/errors.js';
import { DirectoryAttachmentStore } from '../core/file-store.js';
import type { Action } from '../policy/policy.js';
import { libreOfficeConverter } from './converter.js';
import { ConversionJobs } from './jobs.js';
import { CoursewareRepository } from './repository.js';
import { CoursewareService } from './service.js';

const tags = ['courseware'];
const FILE_ERRORS = { 413: ApiErrorSchema, 415: ApiErrorSchema, 422: ApiErrorSchema };
/** The PDF of a document never changes under its id's sha256: every site fetches it once per device. */
const DOCUMENT_CACHE = 'private, max-age=31536000, immutable';

/**
 * A course's courseware (文档课件): its lead teacher (`course.teach`) or an admin over the course
 * (`course.manage`) uploads, renames and removes documents and downloads what was uploaded; everyone who may
 * join the course's lessons (`course.join`, the decision the live lesson makes) lists them and fetches the
 * PDF. Office documents are converted by a job runner whose queue is the database (see jobs.ts).
 */
export default async function coursewareRoutes(app: TongkeApp) {
  const { db, places, config } = app.tongke;
  const repo = new CoursewareRepository(db, { nodeId: config.nodeId });
  // The same directory as evidence attachments: one content-addressed store for every uploaded file.
  const store = new DirectoryAttachmentStore(config.attachmentsDir);
  const converter = libreOfficeConverter({ command: config.sofficePath, timeoutMs: config.conversionTimeoutSeconds * 1000 });
  // With several nodes, a claim left by one that died is looked for once a lease: no upload here would bring it.
  const timing = { lookEveryMs: app.tongke.redis ? repo.leaseMs : undefined };
  const jobs = new ConversionJobs(repo, store, converter, app.log.child({ feature: 'courseware' }), Date.now, timing);
  const service = new CoursewareService(repo, store, jobs);
  app.addHook('onReady', async () => jobs.start());
  app.addHook('onClose', async () => jobs.close());
  requireSignIn(app);

  // Raw bytes, for this plugin's routes only: a 50 MiB deck as base64 JSON would be a third larger.
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_COURSEWARE_BYTES }, (_request, body, done) => done(null, body));

  const courseTarget = async (courseId: number) => ({ kind: 'course' as const, course: await places.course(courseId) });
  /** Allows when the policy allows any of the actions on the course; returns the caller's user id. */
  const authorizeCourse = async (request: FastifyRequest, actions: readonly Action[], courseId: number): Promise<number> => {
    const access = accessFor(app, request);
    const target = await courseTarget(courseId);
    if (!actions.some((action) => access.can(action, target))) throw forbidden();
    return access.principal.userId;
  };
  const TEACHERS: readonly Action[] = ['course.teach', 'course.manage'];
  const SITES: readonly Action[] = ['course.join'];

  app.get('/api/courses/:courseId/courseware', { schema: { tags, summary: "The course's documents", params: CourseParams, response: { 200: CoursewareList, ...ERROR_RESPONSES } } }, async (request) => {
    await authorizeCourse(request, SITES, request.params.courseId);
    return { items: await service.list(request.params.courseId) };
  });

  app.post(
    '/api/courses/:courseId/courseware',
    {
      bodyLimit: MAX_COURSEWARE_BYTES,
      schema: {
        tags,
        summary: 'Uploads a document (raw bytes)',
        description: `PDF, PPT, PPTX, DOC or DOCX told by its bytes, at most ${MAX_COURSEWARE_BYTES / 1024 / 1024} MiB, as \`application/octet-stream\`; the file name in \`?name=\`. A PDF is ready at once; an office document is converted to PDF by a job (poll its view for progress).`,
        consumes: ['application/octet-stream'],
        params: CourseParams,
        querystring: CoursewareUploadQuery,
        response: { 201: CoursewareView, ...ERROR_RESPONSES, ...FILE_ERRORS },
      },
      // Fastify refuses a body over the limit before the handler runs: say so in the teacher's words.
      errorHandler: (error, request) => {
        if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          throw new ApiError('file_too_large', { name: (request.query as { name?: string }).name ?? '', maxMb: MAX_COURSEWARE_BYTES / 1024 / 1024 });
        }
        throw error;
      },
    },
    async (request, reply) => {
      const { courseId } = request.params;
      const userId = await authorizeCourse(request, TEACHERS, courseId);
      const body: unknown = request.body;
      if (body !== undefined && body !== null && !Buffer.isBuffer(body)) throw new ApiError('bad_request');
      const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      const view = await service.upload({ courseId, fileName: request.query.name, title: request.query.title, bytes, uploadedBy: userId });
      request.log.info({ coursewareId: view.id, courseId, userId, sourceKind: view.sourceKind, sizeBytes: view.sizeBytes }, 'courseware uploaded');
      return reply.code(201).send(view);
    },
  );

  /** Authorizes the actions on the document's course (not_found for an unknown or removed document). */
  const authorizeDocument = async (request: FastifyRequest, actions: readonly Action[], coursewareId: number): Promise<number> =>
    authorizeCourse(request, actions, await service.courseOf(coursewareId));

  app.get('/api/courseware/:coursewareId', { schema: { tags, summary: "One document's view (status, progress, pages)", params: CoursewareParams, response: { 200: CoursewareView, ...ERROR_RESPONSES } } }, async (request) => {
    await authorizeDocument(request, SITES, request.params.coursewareId);
    return service.view(request.params.coursewareId);
  });

  app.patch(
    '/api/courseware/:coursewareId',
    { schema: { tags, summary: 'Renames a document', params: CoursewareParams, body: CoursewareRename, response: { 200: CoursewareView, ...ERROR_RESPONSES } } },
    async (request) => {
      const { coursewareId } = request.params;
      const userId = await authorizeDocument(request, TEACHERS, coursewareId);
      const view = await service.rename(coursewareId, request.body.title);
      request.log.info({ coursewareId, userId }, 'courseware renamed');
      return view;
    },
  );

  app.delete(
    '/api/courseware/:coursewareId',
    { schema: { tags, summary: "Removes a document from the course's list (lessons that showed it keep their board)", params: CoursewareParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { coursewareId } = request.params;
      const userId = await authorizeDocument(request, TEACHERS, coursewareId);
      await service.remove(coursewareId);
      request.log.info({ coursewareId, userId }, 'courseware removed');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/courseware/:coursewareId/document',
    // No response schema: the body is the PDF itself.
    { schema: { tags, produces: ['application/pdf'], summary: 'The PDF every site renders (immutable: ETag is its SHA-256)', params: CoursewareParams } },
    async (request, reply) => {
      await authorizeDocument(request, SITES, request.params.coursewareId);
      const file = await service.document(request.params.coursewareId);
      const etag = `"${file.sha256}"`;
      reply.header('etag', etag).header('cache-control', DOCUMENT_CACHE).header('x-content-type-options', 'nosniff');
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
      const disposition = attachmentDisposition(`${file.title}.pdf`, `courseware-${request.params.coursewareId}.pdf`).replace(/^attachment/, 'inline');
      return reply.type('application/pdf').header('content-disposition', disposition).send(file.bytes);
    },
  );

  app.get(
    '/api/courseware/:coursewareId/source',
    { schema: { tags, produces: ['application/octet-stream'], summary: 'The file as it was uploaded (teachers of the course)', params: CoursewareParams } },
    async (request, reply) => {
      const { coursewareId } = request.params;
      await authorizeDocument(request, TEACHERS, coursewareId);
      const file = await service.source(coursewareId);
      const extension = file.fileName.match(/\.[A-Za-z0-9]{1,5}$/)?.[0] ?? '';
      reply.header('x-content-type-options', 'nosniff');
      return sendDownload(reply, { body: file.bytes, contentType: file.contentType, name: file.fileName, asciiName: `courseware-${coursewareId}${extension}` }, 'private, no-store');
    },
  );
}

/** Whether an If-None-Match header names the ETag (a list, or `*`; weak validators compare equal). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
