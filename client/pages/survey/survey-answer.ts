import type { PublicSurvey, SurveyAnswerBody, SurveyRefusal } from '../../../shared/api/evaluation-satisfaction.js';
import { ApiError, type ApiClient } from '../../lib/api.js';

/** The answer page's two calls (no sign-in needed). */
export const surveyApi = (http: ApiClient) => ({
  open: (code: string) => http.get<PublicSurvey>(`/api/survey/${encodeURIComponent(code)}`),
  answer: (code: string, body: SurveyAnswerBody) => http.post<{ ok: true }>(`/api/survey/${encodeURIComponent(code)}`, body),
});

/** How many questions still have no level chosen. */
export const unanswered = (answers: ReadonlyArray<number | null>): number => answers.filter((a) => a === null).length;

/** The body to send, or null while a question is unanswered. A blank comment is left out. */
export function answerBody(answers: ReadonlyArray<number | null>, comment: string): SurveyAnswerBody | null {
  if (unanswered(answers) > 0) return null;
  const text = comment.trim();
  return { answers: answers as number[], ...(text ? { comment: text.slice(0, 500) } : {}) };
}

/** Why the server refused an answer (`details.reason`), so the page can say it plainly; null for other failures. */
export function refusalOf(error: unknown): SurveyRefusal | null {
  if (!(error instanceof ApiError) || typeof error.details !== 'object' || error.details === null || !('reason' in error.details)) return null;
  const reason = (error.details as { reason: unknown }).reason;
  return reason === 'unknown' || reason === 'used' || reason === 'not_open' || reason === 'closed' || reason === 'answers' ? reason : null;
}
