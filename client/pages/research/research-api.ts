import type { ResearchSettings, RubricBody } from '../../../shared/api/research.js';
import type { MyReviewItem, ObservationForm, ObservationFormBody, ReviewView, RubricVersion } from '../../../shared/api/research-review.js';
import type { ApiClient } from '../../lib/api.js';

/** The rubric, observation form and review calls (server/research/rubrics, server/research/review). */
export const researchApi = (http: ApiClient) => ({
  rubric: (regionId: number) => http.get<RubricVersion>(`/api/regions/${regionId}/rubric`),
  saveRubric: (regionId: number, body: RubricBody) => http.put<RubricVersion>(`/api/regions/${regionId}/rubric`, body),
  settings: (regionId: number) => http.get<ResearchSettings>(`/api/regions/${regionId}/research-settings`),
  saveSettings: (regionId: number, body: ResearchSettings) => http.put<ResearchSettings>(`/api/regions/${regionId}/research-settings`, body),
  form: (lessonId: number) => http.get<ObservationForm>(`/api/lessons/${lessonId}/observation/form`),
  saveForm: (lessonId: number, body: ObservationFormBody) => http.put<ObservationForm>(`/api/lessons/${lessonId}/observation/form`, body),
  submitForm: (lessonId: number, body: ObservationFormBody) => http.post<ObservationForm>(`/api/lessons/${lessonId}/observation/form/submit`, body),
  review: (lessonId: number) => http.get<ReviewView>(`/api/lessons/${lessonId}/review`),
  closeReview: (lessonId: number) => http.post<ReviewView>(`/api/lessons/${lessonId}/review/close`, {}),
  reply: (observationId: number, text: string) => http.post<null>(`/api/observations/${observationId}/replies`, { text }),
  mine: () => http.get<MyReviewItem[]>('/api/reviews/mine'),
});
export type ResearchApi = ReturnType<typeof researchApi>;

/** The review page of a lesson. */
export const reviewPath = (lessonSessionId: number) => `/reviews/${lessonSessionId}`;

/** Lesson time as m:ss (mm:ss past an hour is h:mm:ss). */
export function lessonClock(atMs: number): string {
  const total = Math.max(0, Math.floor(atMs / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/**
 * The recording moment of a note: the first recording covering its lesson time, as a replay deep link
 * (`?t=` seconds into that recording); null when no recording covers it.
 */
export function noteLink(atMs: number, recordings: ReadonlyArray<{ id: number; offsetMs: number; durationMs: number | null }>): string | null {
  const covering = recordings.find((r) => atMs >= r.offsetMs && (r.durationMs === null || atMs <= r.offsetMs + r.durationMs));
  return covering ? `/recordings/${covering.id}?t=${Math.floor((atMs - covering.offsetMs) / 1000)}` : null;
}
