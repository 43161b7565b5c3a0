import { ATTACHMENT_EXTENSIONS, EXCHANGE_REQUIREMENTS, type Checklist, type ChecklistAspect, type ChecklistItem, type ChecklistItemBody, type ExchangeEntryBody, type ExchangeRegister } from '../../../../shared/api/evaluation-checklist.js';
import { ApiError } from '../../../lib/api.js';
import type { ChecklistApi, EvaluationTermRef } from './checklist-api.js';

/** What went wrong last: the server's message, or an upload refused before it was sent (the page words it). */
export type ChecklistProblem = { kind: 'api'; message: string } | { kind: 'too_large' | 'wrong_type'; name: string };

/** A file picked for upload: read into memory only once its size and name have been checked. */
export interface PickedFile {
  name: string;
  size: number;
  read(): Promise<Uint8Array>;
}

/** base64 of bytes, in chunks (String.fromCharCode takes a bounded number of arguments). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const hasAcceptedExtension = (name: string) => ATTACHMENT_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

/**
 * A region's checklist and exchange register for one term, as the evaluation pages edit them: items grouped
 * by aspect, uploads with their progress, rotations with the shares against their requirements. A newer load
 * wins over an older one still in flight; every change reloads what it changed from the server's answer.
 */
export class EvaluationChecklist {
  #checklist = $state<Checklist | null>(null);
  #register = $state<ExchangeRegister | null>(null);
  #loading = $state(false);
  #problem = $state<ChecklistProblem | null>(null);
  /** Upload progress (0…1) per item key, while a file is being sent. */
  #uploads = $state<Record<string, number>>({});
  #latest = 0;
  #ref: EvaluationTermRef | null = null;

  constructor(private readonly api: Pick<ChecklistApi, 'checklist' | 'saveItem' | 'upload' | 'removeAttachment' | 'register' | 'saveEligible' | 'addEntry' | 'updateEntry' | 'removeEntry'>) {}

  get checklist(): Checklist | null {
    return this.#checklist;
  }
  get register(): ExchangeRegister | null {
    return this.#register;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get problem(): ChecklistProblem | null {
    return this.#problem;
  }
  uploadProgress(itemKey: string): number | null {
    return this.#uploads[itemKey] ?? null;
  }

  /** The items by aspect, in catalogue order, with how many of each are met. */
  get groups(): Array<{ aspect: ChecklistAspect; items: ChecklistItem[]; met: number }> {
    const items = this.#checklist?.items ?? [];
    return (['government', 'quality'] as const).map((aspect) => {
      const own = items.filter((i) => i.aspect === aspect);
      return { aspect, items: own, met: own.filter((i) => i.status === 'met').length };
    });
  }

  /** The requirements the register's shares are read against. */
  readonly requirements = EXCHANGE_REQUIREMENTS;

  async load(ref: EvaluationTermRef, part: 'checklist' | 'exchange'): Promise<void> {
    const load = ++this.#latest;
    this.#ref = ref;
    this.#loading = true;
    this.#problem = null;
    try {
      if (part === 'checklist') {
        const checklist = await this.api.checklist(ref);
        if (load === this.#latest) this.#checklist = checklist;
      } else {
        const register = await this.api.register(ref);
        if (load === this.#latest) this.#register = register;
      }
    } catch (error) {
      if (load === this.#latest) this.#fail(error, 'loading the evaluation checklist failed');
    } finally {
      if (load === this.#latest) this.#loading = false;
    }
  }

  async saveItem(itemKey: string, body: ChecklistItemBody): Promise<boolean> {
    return this.#change(async (ref) => {
      const saved = await this.api.saveItem(ref, itemKey, body);
      this.#replaceItem(saved);
    });
  }

  /** Sends a file unless it is certainly refused (too large, or not a file kind that is accepted). */
  async upload(itemKey: string, file: PickedFile): Promise<boolean> {
    const max = this.#checklist?.maxAttachmentBytes ?? 0;
    if (file.size > max) {
      this.#problem = { kind: 'too_large', name: file.name };
      return false;
    }
    if (!hasAcceptedExtension(file.name)) {
      this.#problem = { kind: 'wrong_type', name: file.name };
      return false;
    }
    this.#uploads = { ...this.#uploads, [itemKey]: 0 };
    try {
      return await this.#change(async (ref) => {
        const attachment = await this.api.upload(ref, itemKey, { name: file.name, data: toBase64(await file.read()) }, (fraction) => {
          this.#uploads = { ...this.#uploads, [itemKey]: fraction };
        });
        const item = this.#checklist?.items.find((i) => i.key === itemKey);
        if (item) this.#replaceItem({ ...item, attachments: [...item.attachments, attachment] });
      });
    } finally {
      const { [itemKey]: _done, ...rest } = this.#uploads;
      this.#uploads = rest;
    }
  }

  async removeAttachment(attachmentId: number): Promise<boolean> {
    return this.#change(async (ref) => {
      await this.api.removeAttachment(ref, attachmentId);
      const item = this.#checklist?.items.find((i) => i.attachments.some((a) => a.id === attachmentId));
      if (item) this.#replaceItem({ ...item, attachments: item.attachments.filter((a) => a.id !== attachmentId) });
    });
  }

  async saveEligible(eligibleTeachers: number): Promise<boolean> {
    return this.#change(async (ref) => {
      this.#register = await this.api.saveEligible(ref, eligibleTeachers);
    });
  }

  /** Adds a rotation, or changes one (`entryId`); the shares come back from the server. */
  async saveEntry(body: ExchangeEntryBody, entryId?: number): Promise<boolean> {
    return this.#change(async (ref) => {
      if (entryId === undefined) await this.api.addEntry(ref, body);
      else await this.api.updateEntry(ref, entryId, body);
      this.#register = await this.api.register(ref);
    });
  }

  async removeEntry(entryId: number): Promise<boolean> {
    return this.#change(async (ref) => {
      await this.api.removeEntry(ref, entryId);
      this.#register = await this.api.register(ref);
    });
  }

  dismissProblem(): void {
    this.#problem = null;
  }

  async #change(run: (ref: EvaluationTermRef) => Promise<void>): Promise<boolean> {
    const ref = this.#ref;
    if (!ref) return false;
    this.#problem = null;
    try {
      await run(ref);
      return true;
    } catch (error) {
      this.#fail(error, 'changing the evaluation checklist failed');
      return false;
    }
  }

  #replaceItem(item: ChecklistItem): void {
    if (!this.#checklist) return;
    this.#checklist = { ...this.#checklist, items: this.#checklist.items.map((i) => (i.key === item.key ? item : i)) };
  }

  #fail(error: unknown, what: string): void {
    if (!(error instanceof ApiError)) console.error(what, error);
    this.#problem = { kind: 'api', message: error instanceof ApiError ? error.message : String(error) };
  }
}
