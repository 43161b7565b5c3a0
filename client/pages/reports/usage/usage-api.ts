import type { IndicatorReport, IndicatorTable, RegionTargets, RegionTargetsBody, UsagePeriod, UsageReport, UsageScope, UsageTable } from '../../../../shared/api/evidence-usage.js';
import type { LessonKind, Subject } from '../../../../shared/subjects.js';
import type { ApiClient, QueryValue } from '../../../lib/api.js';

/** What a usage dashboard shows: a unit and the filters (all in the page's URL). */
export interface UsageFilters {
  scope: UsageScope;
  id: number;
  termId?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
  groupBy?: UsagePeriod | undefined;
  subject?: Subject | undefined;
  kind?: LessonKind | undefined;
}

export interface IndicatorFilters {
  regionId: number;
  termId?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const query = (filters: object): Record<string, QueryValue> => ({ ...(filters as Record<string, QueryValue>) });

/** The usage-evidence routes (shared/api/evidence-usage.ts). */
export class UsageApi {
  constructor(private readonly http: ApiClient) {}

  usage = (filters: UsageFilters) => this.http.get<UsageReport>('/api/reports/usage', query(filters));
  indicators = (filters: IndicatorFilters) => this.http.get<IndicatorReport>('/api/reports/indicators', query(filters));
  targets = (regionId: number) => this.http.get<RegionTargets>(`/api/regions/${regionId}/targets`);
  saveTargets = (regionId: number, body: RegionTargetsBody) => this.http.put<RegionTargets>(`/api/regions/${regionId}/targets`, body);

  /** The download URL of a report table (`csv`) or of all its tables (`xlsx`). */
  usageFileUrl(filters: UsageFilters, format: 'csv' | 'xlsx', table: UsageTable = 'units'): string {
    return `/api/reports/usage?${searchOf({ ...filters, format, table })}`;
  }
  indicatorFileUrl(filters: IndicatorFilters, format: 'csv' | 'xlsx', table: IndicatorTable = 'schools'): string {
    return `/api/reports/indicators?${searchOf({ ...filters, format, table })}`;
  }
}

export function searchOf(values: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  return params.toString();
}

/**
 * Downloads a file with the session cookie, reporting progress (0…1, or null while the size is unknown —
 * streamed workbooks have none), then hands it to the browser under the server's file name.
 */
export async function downloadFile(url: string, onProgress: (fraction: number | null, bytes: number) => void, signal?: AbortSignal): Promise<void> {
  const response = await fetch(url, { credentials: 'same-origin', signal: signal ?? null });
  if (!response.ok || !response.body) throw new Error(`download failed: ${response.status}`);
  const total = Number(response.headers.get('content-length') ?? 0);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.byteLength;
    onProgress(total > 0 ? received / total : null, received);
  }
  onProgress(1, received);
  const blob = new Blob(parts as BlobPart[], { type: response.headers.get('content-type') ?? 'application/octet-stream' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileNameOf(response.headers.get('content-disposition')) ?? 'report';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** The file name of a Content-Disposition header: RFC 5987 `filename*` first, else `filename`. */
export function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1]) return decodeURIComponent(extended[1]);
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? null;
}
