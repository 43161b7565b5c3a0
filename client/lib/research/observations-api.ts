import type { MyObservations, ObservationNote, ObservationNoteCreate, ObservationView } from '../../../shared/api/research-observations.js';
import type { ObservationMode } from '../../../shared/api/research.js';
import type { ApiClient } from '../api.js';

/** 听课笔记's routes (shared/api/research-observations.ts). */
export class ObservationsApi {
  constructor(private readonly http: ApiClient) {}

  open = (lessonId: number, mode: ObservationMode) => this.http.post<ObservationView>(`/api/lessons/${lessonId}/observation`, { mode });
  ofLesson = (lessonId: number) => this.http.get<ObservationView>(`/api/lessons/${lessonId}/observation`);
  mine = () => this.http.get<MyObservations>('/api/observations/mine');
  addNote = (observationId: number, note: ObservationNoteCreate) => this.http.post<ObservationNote>(`/api/observations/${observationId}/notes`, note);
  updateNote = (observationId: number, noteId: number, text: string) => this.http.patch<ObservationNote>(`/api/observations/${observationId}/notes/${noteId}`, { text });
  removeNote = (observationId: number, noteId: number) => this.http.delete<null>(`/api/observations/${observationId}/notes/${noteId}`);
}
