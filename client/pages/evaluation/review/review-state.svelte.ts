import type { EvaluationPreview, ReviewComment, ReviewDecision, SnapshotFile, SubmissionDetail } from '../../../../shared/api/evaluation-review.js';
import { RESUBMITTABLE } from '../../../../shared/api/evaluation-review.js';
import type { EvaluationSectionKey } from '../../../../shared/api/evaluation.js';
import type { Term } from '../../../../shared/api/teaching.js';
import { ApiError } from '../../../lib/api.js';
import type { ReviewApi } from './review-api.js';

/** The item a comment is about: a figure or table of a section, a whole section, or the whole file (both null). */
export interface CommentTarget {
  sectionKey: EvaluationSectionKey | null;
  itemKey: string | null;
}

/** "usage/schools", "usage/", "/": one key per item, for grouping comments under what they are about. */
export const itemId = (target: CommentTarget): string => `${target.sectionKey ?? ''}/${target.itemKey ?? ''}`;

/** The comments of a version by the item they are about, oldest first. */
export function commentsByItem(comments: readonly ReviewComment[], version: number): Map<string, ReviewComment[]> {
  const byItem = new Map<string, ReviewComment[]>();
  for (const comment of comments) {
    if (comment.version !== version) continue;
    const key = itemId(comment);
    byItem.set(key, [...(byItem.get(key) ?? []), comment]);
  }
  return byItem;
}

/** The reason a 409 from the review chain gives (details.reason), as an i18n key of `evalReview`. */
export type ConflictMessageKey = 'stateChanged' | 'alreadySubmitted' | 'notWaiting' | 'noCity';

export function conflictMessageKey(error: unknown): ConflictMessageKey | null {
  if (!(error instanceof ApiError) || error.code !== 'conflict') return null;
  const reason = (error.details as { reason?: string } | undefined)?.reason;
  return reason === 'already_submitted' ? 'alreadySubmitted' : reason === 'not_waiting' ? 'notWaiting' : reason === 'no_city' ? 'noCity' : 'stateChanged';
}

/** Whether the county may submit (first time, or after a return) — as the server says, or derived from the state. */
export function submitLabelKey(submission: SubmissionDetail | null): 'submit' | 'resubmit' {
  return submission && RESUBMITTABLE.includes(submission.submission.state) ? 'resubmit' : 'submit';
}

/** A return needs a reason; an approval does not. */
export function decisionReady(decision: ReviewDecision, comment: string): boolean {
  return decision === 'approve' || comment.trim().length > 0;
}

type Translate = (key: ConflictMessageKey) => string;

/**
 * The county's page: the region's terms, the chosen term's live file (built by the same section builders a
 * submission freezes), its submission with history, versions and the reviewers' comments, and submitting.
 */
export class CountyFile {
  #terms = $state<Term[]>([]);
  #termId = $state<number | null>(null);
  #preview = $state<EvaluationPreview | null>(null);
  #loading = $state(false);
  #busy = $state(false);
  #error = $state<string | null>(null);

  constructor(
    private readonly api: ReviewApi,
    private readonly regionId: number,
    private readonly messages: Translate,
  ) {}

  get terms(): Term[] {
    return this.#terms;
  }
  get termId(): number | null {
    return this.#termId;
  }
  get preview(): EvaluationPreview | null {
    return this.#preview;
  }
  get submission(): SubmissionDetail | null {
    return this.#preview?.submission ?? null;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }

  /** The terms, then the wanted one (else the latest) and its file. */
  async load(wanted: number | null): Promise<void> {
    await this.#run(async () => {
      this.#terms = [...(await this.api.terms(this.regionId))].sort((a, b) => b.startsOn.localeCompare(a.startsOn));
      const termId = this.#terms.find((t) => t.id === wanted)?.id ?? this.#terms[0]?.id ?? null;
      this.#termId = termId;
      this.#preview = termId === null ? null : await this.api.preview(this.regionId, termId);
    });
  }

  async chooseTerm(termId: number): Promise<void> {
    this.#termId = termId;
    await this.#run(async () => {
      this.#preview = await this.api.preview(this.regionId, termId);
    });
  }

  /** Submits (or resubmits) the chosen term's file; the page then shows the new version and state. */
  async submit(): Promise<boolean> {
    const termId = this.#termId;
    if (termId === null || this.#busy) return false;
    this.#busy = true;
    this.#error = null;
    try {
      await this.api.submit(this.regionId, termId);
      this.#preview = await this.api.preview(this.regionId, termId);
      return true;
    } catch (error) {
      this.#error = errorMessage(error, this.messages);
      if (conflictMessageKey(error)) this.#preview = await this.api.preview(this.regionId, termId).catch(() => this.#preview);
      return false;
    } finally {
      this.#busy = false;
    }
  }

  async #run(work: () => Promise<void>): Promise<void> {
    this.#loading = true;
    this.#error = null;
    try {
      await work();
    } catch (error) {
      this.#error = errorMessage(error, this.messages);
    } finally {
      this.#loading = false;
    }
  }
}

/** A reviewer's (or the county's) view of one submission: a version's snapshot, comments per item, and the decision. */
export class SubmissionReview {
  #detail = $state<SubmissionDetail | null>(null);
  #snapshot = $state<SnapshotFile | null>(null);
  #version = $state<number | null>(null);
  #busy = $state(false);
  #error = $state<string | null>(null);

  constructor(
    private readonly api: ReviewApi,
    readonly submissionId: number,
    private readonly messages: Translate,
  ) {}

  get detail(): SubmissionDetail | null {
    return this.#detail;
  }
  get snapshot(): SnapshotFile | null {
    return this.#snapshot;
  }
  get version(): number | null {
    return this.#version;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  /** The comments of the version shown, by item. */
  get comments(): Map<string, ReviewComment[]> {
    return this.#detail && this.#version !== null ? commentsByItem(this.#detail.comments, this.#version) : new Map();
  }
  /** Reviewers comment on and decide about the latest version only. */
  get canReview(): boolean {
    return (this.#detail?.canReview ?? false) && this.#version === this.#detail?.submission.version;
  }

  async load(version?: number): Promise<void> {
    await this.#run(async () => {
      this.#detail = await this.api.detail(this.submissionId);
      await this.#show(version ?? this.#detail.submission.version);
    });
  }

  async showVersion(version: number): Promise<void> {
    await this.#run(() => this.#show(version));
  }

  async comment(target: CommentTarget, body: string): Promise<boolean> {
    const version = this.#version;
    if (version === null || !body.trim()) return false;
    return this.#act(async () => {
      await this.api.comment(this.submissionId, { version, sectionKey: target.sectionKey, ...(target.itemKey !== null && { itemKey: target.itemKey }), body: body.trim() });
      this.#detail = await this.api.detail(this.submissionId);
    });
  }

  async decide(decision: ReviewDecision, comment: string): Promise<boolean> {
    const detail = this.#detail;
    if (!detail || !decisionReady(decision, comment)) return false;
    return this.#act(async () => {
      this.#detail = await this.api.decide(this.submissionId, { decision, revision: detail.submission.revision, ...(comment.trim() && { comment: comment.trim() }) });
    });
  }

  async #show(version: number): Promise<void> {
    this.#snapshot = await this.api.snapshot(this.submissionId, version);
    this.#version = version;
  }

  async #act(work: () => Promise<void>): Promise<boolean> {
    if (this.#busy) return false;
    this.#busy = true;
    this.#error = null;
    try {
      await work();
      return true;
    } catch (error) {
      this.#error = errorMessage(error, this.messages);
      // Someone else moved the file: show where it is now.
      if (conflictMessageKey(error)) await this.load().catch(() => undefined);
      return false;
    } finally {
      this.#busy = false;
    }
  }

  async #run(work: () => Promise<void>): Promise<void> {
    this.#error = null;
    try {
      await work();
    } catch (error) {
      this.#error = errorMessage(error, this.messages);
    }
  }
}

function errorMessage(error: unknown, messages: Translate): string {
  const conflict = conflictMessageKey(error);
  if (conflict) return messages(conflict);
  if (error instanceof Error) return error.message;
  return String(error);
}
