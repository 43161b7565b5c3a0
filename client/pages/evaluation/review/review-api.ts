import type {
  CommentBody,
  DecisionBody,
  EvaluationPreview,
  ReviewComment,
  ReviewState,
  SnapshotFile,
  SubmissionDetail,
  SubmissionSummary,
} from '../../../../shared/api/evaluation-review.js';
import type { Term } from '../../../../shared/api/teaching.js';
import type { ApiClient } from '../../../lib/api.js';

/** The review chain's routes (shared/api/evaluation-review.ts). */
export class ReviewApi {
  constructor(private readonly http: ApiClient) {}

  terms = (regionId: number) => this.http.get<Term[]>('/api/terms', { regionId });
  preview = (regionId: number, termId: number) => this.http.get<EvaluationPreview>(`/api/evaluation/regions/${regionId}/preview`, { termId });
  submit = (regionId: number, termId: number) => this.http.post<SubmissionDetail>(`/api/evaluation/regions/${regionId}/submissions`, { termId });
  submissions = (filter: { state?: ReviewState | undefined; waiting?: boolean | undefined }) => this.http.get<SubmissionSummary[]>('/api/evaluation/submissions', filter);
  detail = (id: number) => this.http.get<SubmissionDetail>(`/api/evaluation/submissions/${id}`);
  snapshot = (id: number, version: number) => this.http.get<SnapshotFile>(`/api/evaluation/submissions/${id}/versions/${version}`);
  comment = (id: number, body: CommentBody) => this.http.post<ReviewComment>(`/api/evaluation/submissions/${id}/comments`, body);
  decide = (id: number, body: DecisionBody) => this.http.post<SubmissionDetail>(`/api/evaluation/submissions/${id}/decision`, body);

  /** Where a version downloads as JSON or as the workbook. */
  snapshotUrl = (id: number, version: number, format: 'json' | 'xlsx') => `/api/evaluation/submissions/${id}/versions/${version}${format === 'xlsx' ? '?format=xlsx' : ''}`;
}
