import type { IndicatorReport, RegionTargets, RegionTargetsBody, UsageReport } from '../../../../shared/api/evidence-usage.js';
import { ApiError } from '../../../lib/api.js';
import type { UsageApi, UsageFilters } from './usage-api.js';

/**
 * The figures one dashboard shows: the usage report of its unit and, for a region its administrator may
 * evaluate, the indicators and targets. A newer load wins over an older one still in flight.
 */
export class UsageDashboard {
  #report = $state<UsageReport | null>(null);
  #indicators = $state<IndicatorReport | null>(null);
  #loading = $state(false);
  #error = $state<ApiError | null>(null);
  #latest = 0;
  readonly #api: UsageApi;

  constructor(api: UsageApi) {
    this.#api = api;
  }

  get report(): UsageReport | null {
    return this.#report;
  }
  get indicators(): IndicatorReport | null {
    return this.#indicators;
  }
  get targets(): RegionTargets | null {
    return this.#indicators?.targets ?? null;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): ApiError | null {
    return this.#error;
  }

  async load(filters: UsageFilters): Promise<void> {
    const load = ++this.#latest;
    this.#loading = true;
    this.#error = null;
    try {
      const [report, indicators] = await Promise.all([this.#api.usage(filters), filters.scope === 'region' ? this.#regionIndicators(filters) : Promise.resolve(null)]);
      if (load !== this.#latest) return;
      this.#report = report;
      this.#indicators = indicators;
    } catch (error) {
      if (load !== this.#latest) return;
      console.error('loading the usage report failed', error);
      this.#error = error instanceof ApiError ? error : new ApiError(0, 'internal', String(error));
    } finally {
      if (load === this.#latest) this.#loading = false;
    }
  }

  /** Saves the region's targets; the indicators are measured against them again. */
  async saveTargets(regionId: number, body: RegionTargetsBody, filters: UsageFilters): Promise<void> {
    await this.#api.saveTargets(regionId, body);
    await this.load(filters);
  }

  /** A region's indicators, or null when this administrator may see the region's usage but not evaluate it. */
  async #regionIndicators(filters: UsageFilters): Promise<IndicatorReport | null> {
    try {
      return await this.#api.indicators({ regionId: filters.id, termId: filters.termId, from: filters.from, to: filters.to });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'forbidden') return null;
      throw error;
    }
  }
}
