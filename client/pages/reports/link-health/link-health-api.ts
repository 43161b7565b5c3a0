import type { LinkHealthReport, LinkHealthScope } from '../../../../shared/api/link-health.js';
import type { ApiClient } from '../../../lib/api.js';
import { searchOf } from '../usage/usage-api.js';

/** Which unit's receiving classrooms, over which period (all in the page's URL). */
export interface LinkHealthFilters {
  scope: LinkHealthScope;
  id: number;
  termId?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The link health route (shared/api/link-health.ts). */
export class LinkHealthApi {
  constructor(private readonly http: Pick<ApiClient, 'get'>) {}

  report = (filters: LinkHealthFilters) => this.http.get<LinkHealthReport>('/api/reports/link-health', { ...filters });

  /** The Excel workbook of the same report (the ranking and every classroom's weekly trend). */
  fileUrl(filters: LinkHealthFilters): string {
    return `/api/reports/link-health?${searchOf({ ...filters, format: 'xlsx' })}`;
  }
}

/** The page's own URL for a unit and period. */
export function linkHealthHref(filters: LinkHealthFilters): string {
  return `/reports/link-health?${searchOf(filters)}`;
}
