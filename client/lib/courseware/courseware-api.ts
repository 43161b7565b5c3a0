import { coursewareDocumentUrl, type CoursewareList, type CoursewareView } from '../../../shared/api/courseware.js';
import type { ApiClient } from '../api.js';

/** The courseware routes (shared/api/courseware.ts). */
export class CoursewareApi {
  constructor(private readonly http: ApiClient) {}

  list = (courseId: number) => this.http.get<CoursewareList>(`/api/courses/${courseId}/courseware`);
  /** Sends the file's raw bytes, reporting how much of it has gone (0…1). */
  upload = (courseId: number, file: Blob, name: string, onProgress: (fraction: number) => void) =>
    this.http.request<CoursewareView>('POST', `/api/courses/${courseId}/courseware`, { query: { name }, body: file, onUploadProgress: onProgress });
  view = (id: number) => this.http.get<CoursewareView>(`/api/courseware/${id}`);
  rename = (id: number, title: string) => this.http.patch<CoursewareView>(`/api/courseware/${id}`, { title });
  remove = (id: number) => this.http.delete<null>(`/api/courseware/${id}`);
  documentUrl = coursewareDocumentUrl;
  sourceUrl = (id: number) => `/api/courseware/${id}/source`;
}
