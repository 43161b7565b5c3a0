import type { Checklist, ChecklistAttachment, ChecklistItem, ChecklistItemBody, AttachmentUploadBody } from '../../../shared/api/evaluation-checklist.js';
import { MAX_ATTACHMENT_BYTES } from '../../../shared/api/evaluation-checklist.js';
import { shanghaiDate } from '../../../shared/time.js';
import { ApiError, notFound } from '../../core/errors.js';
import { invalidField } from '../../core/constraints.js';
import { ATTACHMENT_TYPES, checkAttachment } from '../attachments/content-type.js';
import type { AttachmentStore } from '../../core/file-store.js';
import { CHECKLIST_ITEMS, checklistItem, type ChecklistItemDefinition } from './catalogue.js';
import type { ChecklistAutoFigures } from './auto-figures.js';
import type { ChecklistFileRow, ChecklistItemRow, ChecklistRepository, EvaluationTerm, TermRow } from './repository.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const attachmentView = (row: ChecklistFileRow): ChecklistAttachment => ({
  id: row.id,
  itemKey: row.itemKey,
  name: row.name,
  sha256: row.sha256,
  bytes: row.bytes,
  contentType: row.contentType,
  uploadedAt: row.uploadedAt.toISOString(),
});

/** A file name as shown and downloaded: its last path segment, without control characters. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).at(-1) ?? '';
  return base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
}

/**
 * A region's government-guarantee and quality checklist for a term: each catalogue item with the region's
 * status and note, its attached files, and the figure Tongke fills in where it has the data.
 */
export class ChecklistService {
  constructor(
    private readonly repo: ChecklistRepository,
    private readonly store: AttachmentStore,
    private readonly auto: ChecklistAutoFigures,
  ) {}

  /** The term, when it is the region's; not_found otherwise (a term id of another region names nothing here). */
  async term(scope: EvaluationTerm): Promise<TermRow> {
    const term = await this.repo.termOf(scope);
    if (!term) throw notFound();
    return term;
  }

  async checklist(scope: EvaluationTerm, today = shanghaiDate(new Date())): Promise<Checklist> {
    const term = await this.term(scope);
    const saved = new Map((await this.repo.items(scope)).map((row) => [row.itemKey, row]));
    const files = await this.repo.files(scope);
    const items: ChecklistItem[] = [];
    for (const item of CHECKLIST_ITEMS) items.push(await this.#view(scope, item, saved.get(item.key), files, today));
    return { regionId: scope.regionId, term: { id: term.id, name: term.name, startsOn: term.startsOn, endsOn: term.endsOn }, items, maxAttachmentBytes: MAX_ATTACHMENT_BYTES };
  }

  async saveItem(scope: EvaluationTerm, itemKey: string, body: ChecklistItemBody, userId: number, now = new Date()): Promise<ChecklistItem> {
    await this.term(scope);
    if (!checklistItem(itemKey)) throw notFound();
    const current = (await this.repo.items(scope)).find((row) => row.itemKey === itemKey);
    await this.repo.saveItem(scope, itemKey, { status: body.status ?? current?.status ?? 'not_started', note: body.note?.trim() ?? current?.note ?? '', updatedBy: userId, updatedAt: now });
    return this.#item(scope, itemKey);
  }

  /** One item as saved now (its figure computed alone: the other items' figures are not needed for it). */
  async #item(scope: EvaluationTerm, itemKey: string): Promise<ChecklistItem> {
    const item = checklistItem(itemKey);
    if (!item) throw notFound();
    const saved = (await this.repo.items(scope)).find((row) => row.itemKey === itemKey);
    return this.#view(scope, item, saved, await this.repo.files(scope), shanghaiDate(new Date()));
  }

  async #view(scope: EvaluationTerm, item: ChecklistItemDefinition, row: ChecklistItemRow | undefined, files: readonly ChecklistFileRow[], today: string): Promise<ChecklistItem> {
    return {
      key: item.key,
      aspect: item.aspect,
      title: item.title,
      requirement: item.requirement,
      status: row?.status ?? 'not_started',
      note: row?.note ?? '',
      updatedAt: row?.updatedAt.toISOString() ?? null,
      attachments: files.filter((f) => f.itemKey === item.key).map(attachmentView),
      auto: item.auto ? await this.auto.figure(item.auto, scope, today) : null,
    };
  }

  /**
   * Checks the upload (size, then what its bytes are) before anything is written: a refused file leaves
   * neither a stored file nor a row. The same bytes attached again are stored once.
   */
  async attach(scope: EvaluationTerm, itemKey: string, body: AttachmentUploadBody, userId: number, now = new Date()): Promise<ChecklistAttachment> {
    await this.term(scope);
    if (!checklistItem(itemKey)) throw notFound();
    const name = cleanName(body.name);
    if (!name) throw invalidField('/name', 'no file name');
    if (body.data.length % 4 !== 0 || !BASE64.test(body.data)) throw invalidField('/data', 'not base64');
    const bytes = Buffer.from(body.data, 'base64');
    if (bytes.length > MAX_ATTACHMENT_BYTES) throw new ApiError('file_too_large', { name, maxMb: MAX_ATTACHMENT_BYTES / 1024 / 1024 });
    const kind = checkAttachment(name, bytes);
    if (!kind) throw new ApiError('file_type_not_allowed', { name });
    const { sha256 } = await this.store.put(bytes);
    const row = await this.repo.addFile({ ...scope, itemKey, name, sha256, bytes: bytes.length, contentType: ATTACHMENT_TYPES[kind], uploadedAt: now, uploadedBy: userId });
    return attachmentView(row);
  }

  /** Unlinks the file from its item; its bytes stay in the store, where a submitted snapshot may still name them. */
  async detach(scope: EvaluationTerm, attachmentId: number): Promise<void> {
    await this.term(scope);
    if (!(await this.repo.removeFile(scope, attachmentId))) throw notFound();
  }

  async download(scope: EvaluationTerm, attachmentId: number): Promise<{ attachment: ChecklistAttachment; bytes: Buffer }> {
    await this.term(scope);
    const row = await this.repo.file(scope, attachmentId);
    if (!row) throw notFound();
    const bytes = await this.store.get(row.sha256);
    // A row whose bytes are gone is a broken store, not a missing attachment: let it be logged as such.
    if (!bytes) throw new Error(`attachment ${row.id}: no stored file for sha256 ${row.sha256}`);
    return { attachment: attachmentView(row), bytes };
  }
}
