import type { LinkHealthReport, LinkHealthRow } from '../../../../shared/api/link-health.js';
import { ApiError } from '../../../lib/api.js';
import type { LinkHealthApi, LinkHealthFilters } from './link-health-api.js';

/** A share of poor lesson time at or above this is shown as bad (the county should act), below `FAIR_PCT` as fine. */
export const BAD_PCT = 20;
export const FAIR_PCT = 5;

/** How a row's poor share reads: bad, fair, good, or no samples. */
export function poorLevel(poorPct: number | null): 'bad' | 'fair' | 'good' | 'none' {
  if (poorPct === null) return 'none';
  return poorPct >= BAD_PCT ? 'bad' : poorPct >= FAIR_PCT ? 'fair' : 'good';
}

/**
 * The link health page's state: the report of a unit and period (worst first, as the server sorts it), and
 * the receiving classroom whose trend the chart shows — the worst one until the user picks another. A newer
 * load wins over an older one still in flight.
 */
export class LinkHealthBoard {
  #report = $state<LinkHealthReport | null>(null);
  #loading = $state(false);
  #error = $state<ApiError | null>(null);
  #chosen = $state<number | null>(null);
  #latest = 0;
  readonly #api: Pick<LinkHealthApi, 'report'>;

  constructor(api: Pick<LinkHealthApi, 'report'>) {
    this.#api = api;
  }

  get report(): LinkHealthReport | null {
    return this.#report;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): ApiError | null {
    return this.#error;
  }

  /** The classroom the trend chart shows: the chosen one if it is still listed, else the worst. */
  get selected(): LinkHealthRow | null {
    const rows = this.#report?.rows ?? [];
    return rows.find((r) => r.classroomId === this.#chosen) ?? rows[0] ?? null;
  }

  select(classroomId: number): void {
    this.#chosen = classroomId;
  }

  async load(filters: LinkHealthFilters): Promise<void> {
    const load = ++this.#latest;
    this.#loading = true;
    this.#error = null;
    try {
      const report = await this.#api.report(filters);
      if (load !== this.#latest) return;
      this.#report = report;
    } catch (error) {
      if (load !== this.#latest) return;
      console.error('loading the link health report failed', error);
      this.#error = error instanceof ApiError ? error : new ApiError(0, 'internal', String(error));
    } finally {
      if (load === this.#latest) this.#loading = false;
    }
  }
}
