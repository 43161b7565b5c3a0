import type {
  ResourceImportResult,
  ResourcesReport,
  SchoolResources,
  SchoolResourcesBody,
} from '../../../../shared/api/evaluation-resources.js';
import type { ApiClient } from '../../../lib/api.js';

/** The resource-indicator routes (shared/api/evaluation-resources.ts) of one region. */
export class ResourcesApi {
  constructor(
    private readonly http: ApiClient,
    readonly regionId: number,
  ) {}

  #base = (termId: number) => `/api/evaluation/regions/${this.regionId}/terms/${termId}/resources`;

  report = (termId: number) => this.http.get<ResourcesReport>(this.#base(termId));
  school = (termId: number, schoolId: number) => this.http.get<SchoolResources>(`${this.#base(termId)}/schools/${schoolId}`);
  saveSchool = (termId: number, schoolId: number, body: SchoolResourcesBody) => this.http.put<SchoolResources>(`${this.#base(termId)}/schools/${schoolId}`, body);
  /** `file` is the workbook's bytes in base64. */
  importFile = (termId: number, file: string, dryRun: boolean, onUploadProgress?: (fraction: number) => void) =>
    this.http.post<ResourceImportResult>(`${this.#base(termId)}/import`, { file, dryRun }, { onUploadProgress });
  templateUrl = (termId: number) => `${this.#base(termId)}/template.xlsx`;
  exportUrl = (termId: number) => `${this.#base(termId)}/export`;
}
