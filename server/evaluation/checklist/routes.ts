import { Type } from 'typebox';
import { AttachmentUploadBody, Checklist, ChecklistAttachment, ChecklistAttachmentParams, ChecklistItem, ChecklistItemBody, ChecklistItemParams, EvaluationPartQuery, EvaluationTermParams, MAX_ATTACHMENT_BYTES } from '../../../shared/api/evaluation-checklist.js';
import { ApiErrorSchema, ERROR_RESPONSES } from '../../../shared/api/common.js';
import { sendEvidenceFile } from '../attachments/send.js';
import type { TongkeApp } from '../../core/app-types.js';
import { requireSignIn } from '../../core/access.js';
import type { Action } from '../../policy/policy.js';
import { registerExchangeRoutes } from '../exchange/routes.js';
import { sendSectionWorkbook } from './export.js';
import { checklistParts } from './parts.js';

const tags = ['evaluation'];
export const CHECKLIST_BASE = '/api/evaluation/regions/:regionId/terms/:termId';
/** base64 of the largest file, plus room for the JSON around it. */
const UPLOAD_BODY_LIMIT = Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + 2 * 1024 * 1024;
const FILE_ERRORS = { 413: ApiErrorSchema, 415: ApiErrorSchema };

/**
 * The government-guarantee and quality checklist of a region's term (`evaluation.read` to see it and download
 * its files, `evaluation.manage` to change it), and the teacher-exchange register beside it.
 */
export default async function checklistRoutes(app: TongkeApp) {
  const { db, places, config } = app.tongke;
  const parts = checklistParts(db, places, config);
  const { checklist } = parts;
  requireSignIn(app);

  /** Checks the action on the region named in the URL; the caller's id for what it writes. */
  const authorize = async (request: Parameters<TongkeApp['authorize']>[0], action: Action, regionId: number): Promise<number> =>
    app.authorize(request, action, { kind: 'region', place: await places.region(regionId) }).userId;
  const regionName = async (regionId: number) => (await parts.usage.repo.region(regionId))?.name ?? String(regionId);

  app.get(
    `${CHECKLIST_BASE}/checklist`,
    {
      schema: {
        tags,
        produces: ['application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        summary: "The region's government-guarantee and quality checklist for a term",
        description: 'Every catalogue item with its status, note, attached files and, where Tongke has the data, the figure filled in from it and its source page. `format=xlsx` downloads the checklist as it goes into the evaluation file.',
        params: EvaluationTermParams,
        querystring: EvaluationPartQuery,
        response: { 200: Checklist, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { regionId, termId } = request.params;
      await authorize(request, 'evaluation.read', regionId);
      if (request.query.format !== 'xlsx') return checklist.checklist({ regionId, termId });
      const section = await parts.sections.checklist({ regionId, termId });
      const name = await regionName(regionId);
      return sendSectionWorkbook(app, reply, section, { name: `政府保障与教育质量清单-${name}`, ascii: `checklist-${regionId}-${termId}`, regionName: name });
    },
  );

  app.put(
    `${CHECKLIST_BASE}/checklist/items/:itemKey`,
    { schema: { tags, summary: "Sets an item's status and note", params: ChecklistItemParams, body: ChecklistItemBody, response: { 200: ChecklistItem, ...ERROR_RESPONSES } } },
    async (request) => {
      const { regionId, termId, itemKey } = request.params;
      const userId = await authorize(request, 'evaluation.manage', regionId);
      return checklist.saveItem({ regionId, termId }, itemKey, request.body, userId);
    },
  );

  app.post(
    `${CHECKLIST_BASE}/checklist/items/:itemKey/attachments`,
    {
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Attaches a file to an item',
        description: `The file as base64 (at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB): PDF, PNG, JPEG, XLSX or DOCX, told by its bytes. 413 when larger, 415 when its bytes are none of these; nothing is stored then.`,
        params: ChecklistItemParams,
        body: AttachmentUploadBody,
        response: { 201: ChecklistAttachment, ...ERROR_RESPONSES, ...FILE_ERRORS },
      },
    },
    async (request, reply) => {
      const { regionId, termId, itemKey } = request.params;
      const userId = await authorize(request, 'evaluation.manage', regionId);
      return reply.status(201).send(await checklist.attach({ regionId, termId }, itemKey, request.body, userId));
    },
  );

  app.get(
    `${CHECKLIST_BASE}/checklist/attachments/:attachmentId`,
    // No response schema: the body is the file itself, sent as its checked content type.
    { schema: { tags, produces: ['application/octet-stream'], summary: 'Downloads an attached file (as an attachment, with the content type its bytes were checked to be)', params: ChecklistAttachmentParams } },
    async (request, reply) => {
      const { regionId, termId, attachmentId } = request.params;
      await authorize(request, 'evaluation.read', regionId);
      const { attachment, bytes } = await checklist.download({ regionId, termId }, attachmentId);
      return sendEvidenceFile(reply, attachment, bytes, `attachment-${attachment.id}`);
    },
  );

  app.delete(
    `${CHECKLIST_BASE}/checklist/attachments/:attachmentId`,
    { schema: { tags, summary: 'Removes an attachment from its item (the stored file stays: a submitted snapshot may name it)', params: ChecklistAttachmentParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { regionId, termId, attachmentId } = request.params;
      await authorize(request, 'evaluation.manage', regionId);
      await checklist.detach({ regionId, termId }, attachmentId);
      return reply.code(204).send(null);
    },
  );

  registerExchangeRoutes(app, parts, authorize, regionName);
}
