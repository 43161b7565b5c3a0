import type { AttachmentUploadBody, Checklist, ChecklistAttachment, ChecklistItem, ChecklistItemBody, ExchangeEntry, ExchangeEntryBody, ExchangeRegister } from '../../../../shared/api/evaluation-checklist.js';
import type { ApiClient } from '../../../lib/api.js';

/** Which region's term a page works on. */
export interface EvaluationTermRef {
  regionId: number;
  termId: number;
}

const base = (ref: EvaluationTermRef) => `/api/evaluation/regions/${ref.regionId}/terms/${ref.termId}`;

/** The checklist and exchange-register routes (shared/api/evaluation-checklist.ts). */
export class ChecklistApi {
  constructor(private readonly http: ApiClient) {}

  checklist = (ref: EvaluationTermRef) => this.http.get<Checklist>(`${base(ref)}/checklist`);
  saveItem = (ref: EvaluationTermRef, itemKey: string, body: ChecklistItemBody) => this.http.put<ChecklistItem>(`${base(ref)}/checklist/items/${encodeURIComponent(itemKey)}`, body);
  upload = (ref: EvaluationTermRef, itemKey: string, body: AttachmentUploadBody, onProgress: (fraction: number) => void) =>
    this.http.post<ChecklistAttachment>(`${base(ref)}/checklist/items/${encodeURIComponent(itemKey)}/attachments`, body, { onUploadProgress: onProgress });
  removeAttachment = (ref: EvaluationTermRef, id: number) => this.http.delete<null>(`${base(ref)}/checklist/attachments/${id}`);
  attachmentUrl = (ref: EvaluationTermRef, id: number) => `${base(ref)}/checklist/attachments/${id}`;
  checklistFileUrl = (ref: EvaluationTermRef) => `${base(ref)}/checklist?format=xlsx`;

  register = (ref: EvaluationTermRef) => this.http.get<ExchangeRegister>(`${base(ref)}/exchange`);
  saveEligible = (ref: EvaluationTermRef, eligibleTeachers: number) => this.http.put<ExchangeRegister>(`${base(ref)}/exchange/eligible`, { eligibleTeachers });
  addEntry = (ref: EvaluationTermRef, body: ExchangeEntryBody) => this.http.post<ExchangeEntry>(`${base(ref)}/exchange/entries`, body);
  updateEntry = (ref: EvaluationTermRef, id: number, body: ExchangeEntryBody) => this.http.put<ExchangeEntry>(`${base(ref)}/exchange/entries/${id}`, body);
  removeEntry = (ref: EvaluationTermRef, id: number) => this.http.delete<null>(`${base(ref)}/exchange/entries/${id}`);
  exchangeFileUrl = (ref: EvaluationTermRef) => `${base(ref)}/exchange?format=xlsx`;
}
