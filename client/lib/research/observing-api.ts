import type { ObservableLesson, ObservationSetting } from '../../../shared/api/research-observing.js';
import type { ApiClient } from '../api.js';

/** Observing (听课) over HTTP: a course's 开放听课, and the live lessons the caller may observe now. */
export class ObservingApi {
  constructor(private readonly http: ApiClient) {}

  setting = (courseId: number) => this.http.get<ObservationSetting>(`/api/courses/${courseId}/observation`);
  setSetting = (courseId: number, observable: boolean) => this.http.put<ObservationSetting>(`/api/courses/${courseId}/observation`, { observable });
  live = () => this.http.get<ObservableLesson[]>('/api/observations/live');
}
