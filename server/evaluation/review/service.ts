import {
  RESUBMITTABLE,
  SNAPSHOT_CANONICALIZATION,
  SNAPSHOT_FORMAT,
  WAITING_AT,
  type CommentBody,
  type DecisionBody,
  type EvaluationPreview,
  type ReviewComment,
  type ReviewState,
  type SnapshotDocument,
  type SnapshotFile,
  type SubmissionDetail,
  type SubmissionListQuery,
  type SubmissionSummary,
} from '../../../shared/api/evaluation-review.js';
import type { EvaluationSectionKey, SectionAttachment } from '../../../shared/api/evaluation.js';
import type { Access } from '../../core/access.js';
import { ApiError, notFound } from '../../core/errors.js';
import { invalidField, isUniqueViolation } from '../../core/constraints.js';
import type { PolicyTarget, ReviewStep } from '../../policy/policy.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import type { RegionNode, ReviewRepository, SubmissionRow, TermRow } from './repository.js';
import type { EvaluationFileBuilder } from './sections.js';
import type { AttachmentStore } from '../../core/file-store.js';

/** Where a reviewer's decision sends the file, per step. */
const NEXT_STATE: Record<ReviewStep, Record<DecisionBody['decision'], ReviewState>> = {
  city: { return: 'returned_by_city', approve: 'approved_by_city' },
  province: { return: 'returned_by_province', approve: 'approved_by_province' },
};

/** 409 with a reason the client words for the clerk (someone else acted first, or the file is not hers to submit now). */
const stateConflict = (reason: 'state_changed' | 'already_submitted' | 'not_waiting' | 'no_city') => new ApiError('conflict', {}, { reason });

/**
 * The review chain: the county freezes its term's file as a snapshot and submits it; the city reviewer and
 * then the province reviewer comment and return or approve; every step is appended to the history. Who may
 * do what is asked of the policy with the county's place in the region hierarchy (the regions above it).
 */
export class ReviewService {
  constructor(
    private readonly repo: ReviewRepository,
    private readonly file: EvaluationFileBuilder,
    private readonly attachments: AttachmentStore,
  ) {}

  /** The county's file as it is now (the same builders as a submission), with its submission if any. */
  async preview(regionId: number, termId: number, access: Access): Promise<EvaluationPreview> {
    const { region, term } = await this.#regionTerm(regionId, termId, access, 'evaluation.read');
    const sections = await this.file.build({ regionId, termId });
    const submission = await this.repo.submissionOf(regionId, termId);
    const target = await this.#target(regionId);
    const hasCity = await this.#hasCity(region);
    return {
      region: { id: region.id, name: region.name },
      term: { id: term.id, name: term.name, startsOn: term.startsOn, endsOn: term.endsOn },
      sections,
      submission: submission ? await this.#detail(submission, access) : null,
      canSubmit: region.level === 'county' && hasCity && access.can('evaluation.manage', target) && (!submission || RESUBMITTABLE.includes(submission.state)),
      hasCity,
    };
  }

  /**
   * The county submits (or, after a return, resubmits) its term's file: every section is built now, frozen
   * as canonical JSON and hashed. A resubmission is a new version; the earlier ones stay as they were.
   */
  async submit(regionId: number, termId: number, access: Access, now = new Date()): Promise<SubmissionDetail> {
    const { region, term } = await this.#regionTerm(regionId, termId, access, 'evaluation.manage');
    if (region.level !== 'county') throw invalidField('/regionId', 'only a county submits a self-evaluation file');
    // A file with no city above would wait for a reviewer who cannot exist: refuse it and say what is missing.
    if (!(await this.#hasCity(region))) throw stateConflict('no_city');
    const existing = await this.repo.submissionOf(regionId, termId);
    if (existing && !RESUBMITTABLE.includes(existing.state)) throw stateConflict('already_submitted');
    const version = existing ? existing.version + 1 : 1;
    const userId = access.principal.userId;
    const names = await this.repo.userNames([userId]);
    const document: SnapshotDocument = {
      format: SNAPSHOT_FORMAT,
      region: { id: region.id, name: region.name, code: region.code },
      term: { id: term.id, name: term.name, startsOn: term.startsOn, endsOn: term.endsOn },
      version,
      submittedAt: now.toISOString(),
      submittedBy: { id: userId, name: names.get(userId) ?? '' },
      sections: await this.file.build({ regionId, termId }),
    };
    const content = canonicalJson(document);
    const snapshot = { content, sha256: sha256Hex(content), submittedBy: userId, submittedAt: now };
    const event = { action: 'submit' as const, toState: 'submitted_to_city' as const, actorId: userId, comment: null, at: now };
    if (!existing) {
      try {
        await this.repo.insertSubmission(regionId, termId, snapshot, { ...event, fromState: null });
      } catch (error) {
        // Two clerks of the county pressing 提交 at once: one submission exists, the other is told.
        if (isUniqueViolation(error)) throw stateConflict('already_submitted');
        throw error;
      }
    } else if (!(await this.repo.step(existing, { ...event, fromState: existing.state }, snapshot))) {
      throw stateConflict('state_changed');
    }
    return this.#detail((await this.repo.submissionOf(regionId, termId))!, access);
  }

  /** The submissions the caller may read (a reviewer: the counties below her; a county: its own), optionally by state. */
  async list(query: SubmissionListQuery, access: Access): Promise<SubmissionSummary[]> {
    const regions = await this.repo.regions();
    const readable = regions.filter((r) => r.level === 'county' && access.can('evaluation.read', targetOf(r.id, regions)));
    const rows = await this.repo.submissionsOf(readable.map((r) => r.id));
    return rows
      .filter((s) => query.state === undefined || s.state === query.state)
      .filter((s) => !query.waiting || this.#mayReview(s, regions, access))
      .map((s) => summaryOf(s, s.regionName, s.termName));
  }

  async detail(id: number, access: Access): Promise<SubmissionDetail> {
    const submission = await this.#readable(id, access);
    return this.#detail(submission, access);
  }

  /** One frozen version as served: the document parsed from the stored canonical text, and its hash. */
  async snapshot(id: number, version: number, access: Access): Promise<SnapshotFile> {
    await this.#readable(id, access);
    const row = await this.repo.snapshot(id, version);
    if (!row) throw notFound();
    return { submissionId: id, sha256: row.sha256, canonicalization: SNAPSHOT_CANONICALIZATION, document: JSON.parse(row.content) as SnapshotDocument };
  }

  /**
   * A file a frozen version names, for whoever may read the version: served from the content-addressed store
   * by its hash, so an attachment the county removed from its checklist afterwards is still there as submitted.
   */
  async snapshotAttachment(id: number, version: number, sha256: string, access: Access): Promise<{ attachment: SectionAttachment; bytes: Buffer }> {
    const { document } = await this.snapshot(id, version, access);
    const attachment = document.sections.flatMap((s) => s.attachments).find((a) => a.sha256 === sha256);
    const bytes = attachment ? await this.attachments.get(sha256) : null;
    if (!attachment || !bytes) throw notFound();
    return { attachment, bytes };
  }

  /** A reviewer's comment on an item of a version (the reviewer of the step the file waits at). */
  async comment(id: number, body: CommentBody, access: Access, now = new Date()): Promise<ReviewComment> {
    const submission = await this.#readable(id, access);
    const step = WAITING_AT[submission.state];
    if (step === null) throw stateConflict('not_waiting');
    access.authorize('evaluation.review', await this.#target(submission.regionId, step));
    const snapshot = await this.repo.snapshot(id, body.version);
    if (!snapshot) throw invalidField('/version', 'no such version of this submission');
    const sectionKey = body.sectionKey ?? null;
    const itemKey = body.itemKey ?? null;
    if (itemKey !== null && sectionKey === null) throw invalidField('/itemKey', 'an item is named within a section');
    if (sectionKey !== null) {
      const section = (JSON.parse(snapshot.content) as SnapshotDocument).sections.find((s) => s.key === sectionKey);
      if (!section) throw invalidField('/sectionKey', 'the snapshot has no such section');
      if (itemKey !== null && ![...section.figures, ...section.tables].some((item) => item.key === itemKey)) throw invalidField('/itemKey', 'the section has no such figure or table');
    }
    const row = await this.repo.insertComment({ submissionId: id, version: body.version, sectionKey, itemKey, body: body.body.trim(), authorId: access.principal.userId, createdAt: now });
    const names = await this.repo.userNames([row.authorId]);
    return commentView(row, names);
  }

  /**
   * A reviewer returns the file to the county or approves it, on the revision she saw: of two reviewers
   * deciding at once, exactly one moves it and the other gets `conflict` (nothing of hers is written).
   */
  async decide(id: number, body: DecisionBody, access: Access, now = new Date()): Promise<SubmissionDetail> {
    const submission = await this.#readable(id, access);
    const step = WAITING_AT[submission.state];
    // A decision on what the reviewer saw: if the file moved since (a colleague acted first), she is told so.
    if (body.revision !== submission.revision) throw stateConflict('state_changed');
    if (step === null) throw stateConflict('not_waiting');
    access.authorize('evaluation.review', await this.#target(submission.regionId, step));
    const comment = body.comment?.trim() ?? null;
    if (body.decision === 'return' && !comment) throw invalidField('/comment', 'a return says why');
    const event = { action: body.decision, fromState: submission.state, toState: NEXT_STATE[step][body.decision], actorId: access.principal.userId, comment, at: now };
    if (!(await this.repo.step(submission, event))) throw stateConflict('state_changed');
    return this.#detail((await this.repo.submission(id))!, access);
  }

  async #readable(id: number, access: Access): Promise<SubmissionRow> {
    const submission = await this.repo.submission(id);
    if (!submission) throw notFound();
    access.authorize('evaluation.read', await this.#target(submission.regionId));
    return submission;
  }

  async #regionTerm(regionId: number, termId: number, access: Access, action: 'evaluation.read' | 'evaluation.manage'): Promise<{ region: RegionNode; term: TermRow }> {
    const region = await this.repo.region(regionId);
    if (!region) throw notFound();
    access.authorize(action, await this.#target(regionId));
    const term = await this.repo.term(termId);
    if (!term || term.regionId !== regionId) throw invalidField('/termId', "not a term of the region");
    return { region, term };
  }

  /** Whether a city is set above the county: its reviewer is the file's first step. */
  async #hasCity(region: RegionNode): Promise<boolean> {
    if (region.parentId === null) return false;
    return (await this.repo.region(region.parentId))?.level === 'city';
  }

  async #target(regionId: number, reviewStep?: ReviewStep): Promise<PolicyTarget> {
    return targetOf(regionId, await this.repo.regions(), reviewStep);
  }

  #mayReview(s: SubmissionRow, regions: readonly RegionNode[], access: Access): boolean {
    const step = WAITING_AT[s.state];
    return step !== null && access.can('evaluation.review', targetOf(s.regionId, regions, step));
  }

  async #detail(submission: SubmissionRow, access: Access): Promise<SubmissionDetail> {
    const [snapshots, events, comments, regions] = [await this.repo.snapshots(submission.id), await this.repo.events(submission.id), await this.repo.comments(submission.id), await this.repo.regions()];
    const names = await this.repo.userNames([...snapshots.map((s) => s.submittedBy), ...events.map((e) => e.actorId), ...comments.map((c) => c.authorId)]);
    const person = (id: number) => ({ id, name: names.get(id) ?? '' });
    const region = regions.find((r) => r.id === submission.regionId);
    const term = await this.repo.term(submission.termId);
    return {
      submission: summaryOf(submission, region?.name ?? '', term?.name ?? ''),
      versions: snapshots.map((s) => ({ version: s.version, sha256: s.sha256, submittedAt: s.submittedAt.toISOString(), submittedBy: person(s.submittedBy) })),
      history: events.map((e) => ({ id: e.id, version: e.version, action: e.action, fromState: e.fromState, toState: e.toState, actor: person(e.actorId), comment: e.comment, at: e.at.toISOString() })),
      comments: comments.map((c) => commentView(c, names)),
      canReview: this.#mayReview(submission, regions, access),
      canResubmit: RESUBMITTABLE.includes(submission.state) && access.can('evaluation.manage', targetOf(submission.regionId, regions)),
    };
  }
}

/** A region as the policy's target, with the regions above it (its city, its province) for the reviewer rules. */
export function targetOf(regionId: number, regions: readonly RegionNode[], reviewStep?: ReviewStep): Extract<PolicyTarget, { kind: 'region' }> {
  const byId = new Map(regions.map((r) => [r.id, r]));
  const above: number[] = [];
  // A guard against a cycle someone made by hand: the hierarchy is three levels deep.
  for (let parent = byId.get(regionId)?.parentId ?? null; parent !== null && above.length < 8 && !above.includes(parent); parent = byId.get(parent)?.parentId ?? null) above.push(parent);
  return { kind: 'region', place: { regionId, groupId: null, schoolId: null, classroomId: null }, above, ...(reviewStep && { reviewStep }) };
}

function summaryOf(s: SubmissionRow, regionName: string, termName: string): SubmissionSummary {
  return {
    id: s.id,
    region: { id: s.regionId, name: regionName },
    term: { id: s.termId, name: termName },
    state: s.state,
    version: s.version,
    revision: s.revision,
    updatedAt: s.updatedAt.toISOString(),
  };
}

function commentView(c: { id: number; version: number; sectionKey: string | null; itemKey: string | null; body: string; authorId: number; createdAt: Date }, names: Map<number, string>): ReviewComment {
  return {
    id: c.id,
    version: c.version,
    sectionKey: c.sectionKey as EvaluationSectionKey | null,
    itemKey: c.itemKey,
    body: c.body,
    author: { id: c.authorId, name: names.get(c.authorId) ?? '' },
    createdAt: c.createdAt.toISOString(),
  };
}
