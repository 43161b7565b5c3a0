import type { RecordingList, RecordingQuery, RecordingUpdate, RecordingView } from '../../../shared/api/recordings.js';
import { ApiError } from '../api.js';
import type { RecordingsApi } from './recordings-api.js';

/** The filters the library page offers (a school's or teacher's id, a word search); `mine` is the page's, not a filter. */
export type LibraryFilters = Omit<RecordingQuery, 'mine' | 'page'>;

/**
 * The library list: the filters, the current page of recordings, and (on the teacher's own list) the
 * changes she makes to one — publish, rename, delete — each answered by the server's view of it.
 */
export class RecordingLibrary {
  #filters = $state<LibraryFilters>({});
  #page = $state(1);
  #list = $state<RecordingList | null>(null);
  #loading = $state(false);
  #error = $state<string | null>(null);
  /** Which load is current: an answer to an older one (filters changed meanwhile) is dropped. */
  #generation = 0;

  constructor(
    private readonly api: Pick<RecordingsApi, 'list' | 'update' | 'remove'>,
    /** The teacher's own recordings (every status) instead of the library. */
    readonly mine = false,
  ) {}

  get filters(): LibraryFilters {
    return this.#filters;
  }
  get items(): RecordingView[] {
    return this.#list?.items ?? [];
  }
  get total() {
    return this.#list?.total ?? 0;
  }
  get page() {
    return this.#page;
  }
  get pages() {
    return this.#list ? Math.max(1, Math.ceil(this.#list.total / this.#list.pageSize)) : 1;
  }
  get loading() {
    return this.#loading;
  }
  get loaded() {
    return this.#list !== null;
  }
  get error() {
    return this.#error;
  }

  /** New filters start at the first page. */
  async filter(filters: LibraryFilters): Promise<void> {
    this.#filters = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== '')) as LibraryFilters;
    this.#page = 1;
    await this.load();
  }

  async goTo(page: number): Promise<void> {
    this.#page = Math.min(Math.max(1, page), this.pages);
    await this.load();
  }

  async load(): Promise<void> {
    const generation = ++this.#generation;
    this.#loading = true;
    try {
      const list = await this.api.list({ ...this.#filters, page: this.#page, ...(this.mine ? { mine: true } : {}) });
      if (generation !== this.#generation) return;
      this.#list = list;
      this.#error = null;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (generation === this.#generation) this.#error = error.message;
    } finally {
      if (generation === this.#generation) this.#loading = false;
    }
  }

  /** Publishes (a visibility), unpublishes (null) or renames; the row shows what the server answered. */
  async change(id: number, change: RecordingUpdate): Promise<boolean> {
    try {
      const changed = await this.api.update(id, change);
      if (this.#list) this.#list = { ...this.#list, items: this.#list.items.map((r) => (r.id === id ? changed : r)) };
      this.#error = null;
      return true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.#error = error.message;
      return false;
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await this.api.remove(id);
      await this.load();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.#error = error.message;
    }
  }
}
