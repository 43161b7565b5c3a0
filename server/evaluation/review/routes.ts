import { Type } from 'typebox';
import { ERROR_RESPONSES, IdParams } from '../../../shared/api/common.js';
import {
  CommentBody,
  DecisionBody,
  EvaluationPreview,
  RegionIdParams,
  RegionTermQuery,
  ReviewComment,
  SnapshotAttachmentParams,
  SnapshotFile,
  SnapshotQuery,
  SubmissionDetail,
  SubmissionListQuery,
  SubmissionSummary,
  SubmitBody,
  VersionParams,
} from '../../../shared/api/evaluation-review.js';
import type { TongkeApp } from '../../core/app-types.js';
import { accessFor, requireSignIn } from '../../core/access.js';
import { sendDownload } from '../../core/attachment.js';
import { XLSX_TYPE } from '../../evidence/usage/export-writers.js';
import { sendEvidenceFile } from '../attachments/send.js';
import { DirectoryAttachmentStore } from '../../core/file-store.js';
import { ReviewRepository } from './repository.js';
import { EvaluationFileBuilder } from './sections.js';
import { ReviewService } from './service.js';
import { snapshotWorkbook } from './workbook.js';

const tags = ['evaluation'];

/**
 * The review chain of the county self-evaluation file: the county's live preview and its submission
 * (`evaluation.read` / `evaluation.manage` on the county), the submissions a reviewer may read, each frozen
 * version as JSON or as one XLSX workbook, and the reviewers' comments and decisions (`evaluation.review`
 * at the step the file waits at).
 */
export default async function evaluationReviewRoutes(app: TongkeApp) {
  const service = new ReviewService(new ReviewRepository(app.tongke.db), new EvaluationFileBuilder(app.tongke), new DirectoryAttachmentStore(app.tongke.config.attachmentsDir));
  requireSignIn(app);

  app.get(
    '/api/evaluation/regions/:regionId/preview',
    { schema: { tags, summary: "The county's self-evaluation file as it is now, and its submission", params: RegionIdParams, querystring: RegionTermQuery, response: { 200: EvaluationPreview, ...ERROR_RESPONSES } } },
    async (request) => service.preview(request.params.regionId, request.query.termId, accessFor(app, request)),
  );

  app.post(
    '/api/evaluation/regions/:regionId/submissions',
    {
      schema: {
        tags,
        summary: "Submits (or, after a return, resubmits) the county's file for a term as a frozen, hashed snapshot",
        params: RegionIdParams,
        body: SubmitBody,
        response: { 201: SubmissionDetail, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.code(201).send(await service.submit(request.params.regionId, request.body.termId, accessFor(app, request))),
  );

  app.get(
    '/api/evaluation/submissions',
    { schema: { tags, summary: 'Submissions the caller may read (a reviewer: the counties below her)', querystring: SubmissionListQuery, response: { 200: Type.Array(SubmissionSummary), ...ERROR_RESPONSES } } },
    async (request) => service.list(request.query, accessFor(app, request)),
  );

  app.get(
    '/api/evaluation/submissions/:id',
    { schema: { tags, summary: 'A submission: its versions, its history and the comments', params: IdParams, response: { 200: SubmissionDetail, ...ERROR_RESPONSES } } },
    async (request) => service.detail(request.params.id, accessFor(app, request)),
  );

  app.get(
    '/api/evaluation/submissions/:id/versions/:version',
    {
      schema: {
        tags,
        produces: ['application/json', XLSX_TYPE],
        summary: 'One frozen version: the JSON document and its SHA-256, or (`format=xlsx`) the workbook',
        description: 'The hash is SHA-256 over the canonical serialisation of `document` (see `canonicalization`); `npm run evaluation:verify -- file.json` recomputes it.',
        params: VersionParams,
        querystring: SnapshotQuery,
        response: { 200: SnapshotFile, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const file = await service.snapshot(request.params.id, request.params.version, accessFor(app, request));
      if ((request.query.format ?? 'json') === 'json') return file;
      const { region, term, version } = file.document;
      const stream = snapshotWorkbook(file, (error) => app.log.error({ err: error, submissionId: file.submissionId, version }, 'writing a snapshot workbook failed'));
      return sendDownload(reply, { body: stream, contentType: XLSX_TYPE, name: `自评材料-${region.name}-${term.name}-第${version}版.xlsx`, asciiName: `evaluation-${region.id}-${term.id}-v${version}.xlsx` });
    },
  );

  app.get(
    '/api/evaluation/submissions/:id/versions/:version/attachments/:sha256',
    // No response schema: the body is the file itself, as the content type its bytes were checked to be.
    { schema: { tags, produces: ['application/octet-stream'], summary: 'A file a frozen version names, by its SHA-256, as it was submitted', params: SnapshotAttachmentParams } },
    async (request, reply) => {
      const { id, version, sha256 } = request.params;
      const { attachment, bytes } = await service.snapshotAttachment(id, version, sha256, accessFor(app, request));
      return sendEvidenceFile(reply, attachment, bytes, `evidence-${sha256.slice(0, 12)}`);
    },
  );

  app.post(
    '/api/evaluation/submissions/:id/comments',
    { schema: { tags, summary: "A reviewer's comment on an item (a section's figure or table, a section, or the whole file)", params: IdParams, body: CommentBody, response: { 201: ReviewComment, ...ERROR_RESPONSES } } },
    async (request, reply) => reply.code(201).send(await service.comment(request.params.id, request.body, accessFor(app, request))),
  );

  app.post(
    '/api/evaluation/submissions/:id/decision',
    { schema: { tags, summary: 'The reviewer of the current step returns the file to the county (with why) or approves it', params: IdParams, body: DecisionBody, response: { 200: SubmissionDetail, ...ERROR_RESPONSES } } },
    async (request) => service.decide(request.params.id, request.body, accessFor(app, request)),
  );
}
