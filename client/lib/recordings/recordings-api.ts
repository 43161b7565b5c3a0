import type { RecordingDetail, RecordingList, RecordingPolicy, RecordingQuery, RecordingUpdate, RecordingView } from '../../../shared/api/recordings.js';
import type { ApiClient } from '../api.js';

/** The library's routes (shared/api/recordings.ts). */
export class RecordingsApi {
  constructor(private readonly http: ApiClient) {}

  list = (query: RecordingQuery) => this.http.get<RecordingList>('/api/recordings', { ...query });
  detail = (id: number) => this.http.get<RecordingDetail>(`/api/recordings/${id}`);
  update = (id: number, change: RecordingUpdate) => this.http.patch<RecordingView>(`/api/recordings/${id}`, change);
  remove = (id: number) => this.http.delete<null>(`/api/recordings/${id}`);
  ofLesson = (lessonId: number) => this.http.get<RecordingView[]>(`/api/lessons/${lessonId}/recordings`);
  coursePolicy = (courseId: number) => this.http.get<{ policy: RecordingPolicy }>(`/api/courses/${courseId}/recording-policy`);
  setCoursePolicy = (courseId: number, policy: RecordingPolicy) => this.http.put<{ policy: RecordingPolicy }>(`/api/courses/${courseId}/recording-policy`, { policy });
}
