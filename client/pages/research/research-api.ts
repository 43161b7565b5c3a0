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
