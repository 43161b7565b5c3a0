import type {
  ChangeResearchSession,
  ResearchAttendance,
  ResearchSessionList,
  ResearchSessionStarted,
  ResearchSessionView,
  ScheduleResearchSession,
} from '../../../shared/api/research-sessions.js';
import type { ApiClient } from '../api.js';

/** The teaching-research sessions' routes (shared/api/research-sessions.ts). */
export class ResearchSessionsApi {
  constructor(private readonly http: ApiClient) {}

  ofLesson = (lessonId: number) => this.http.get<ResearchSessionList>(`/api/lessons/${lessonId}/research-sessions`);
  schedule = (lessonId: number, body: ScheduleResearchSession) => this.http.post<ResearchSessionView>(`/api/lessons/${lessonId}/research-sessions`, body);
  change = (id: number, body: ChangeResearchSession) => this.http.patch<ResearchSessionView>(`/api/research-sessions/${id}`, body);
  cancel = (id: number) => this.http.delete<null>(`/api/research-sessions/${id}`);
  start = (id: number) => this.http.post<ResearchSessionStarted>(`/api/research-sessions/${id}/start`);
  upcoming = () => this.http.get<ResearchSessionList>('/api/research-sessions/upcoming');
  attendance = (id: number) => this.http.get<ResearchAttendance>(`/api/research-sessions/${id}/attendance`);
}
