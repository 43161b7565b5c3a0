import { ApiError } from './api.js';
import type { I18n } from './i18n.svelte.js';

/**
 * The state of one form's save: busy while it runs, then the server's complaint split for display —
 * messages next to the fields named in `details[].path` ('name', 'receivers.0.classroomId') and the
 * overall message as a banner.
 */
export class SaveState {
  #busy = $state(false);
  #banner = $state<string | null>(null);
  #fields = $state<Record<string, string>>({});
  readonly #i18n: I18n;

  constructor(i18n: I18n) {
    this.#i18n = i18n;
  }

  get busy(): boolean {
    return this.#busy;
  }
  get banner(): string | null {
    return this.#banner;
  }

  /**
   * The message to show next to a field, or null. The server's messages already name the field in the
   * user's language (server/core/validation-messages.ts), so they are shown as they come.
   */
  field(key: string): string | null {
    return this.#fields[key] ?? null;
  }

  /** Shows a problem the client found itself. */
  fail(banner: string, fields: Record<string, string> = {}): void {
    this.#banner = banner;
    this.#fields = fields;
  }

  reset(): void {
    this.#banner = null;
    this.#fields = {};
  }

  /** Runs a save; true when it succeeded. */
  async run(save: () => Promise<unknown>): Promise<boolean> {
    this.#busy = true;
    this.reset();
    try {
      await save();
      return true;
    } catch (error) {
      this.#show(error);
      return false;
    } finally {
      this.#busy = false;
    }
  }

  #show(error: unknown): void {
    if (!(error instanceof ApiError)) {
      console.error('saving failed', error);
      this.#banner = this.#i18n.t('app.unknownError');
      return;
    }
    const fields: Record<string, string> = {};
    if (Array.isArray(error.details)) {
      for (const detail of error.details as unknown[]) {
        if (typeof detail !== 'object' || detail === null || !('path' in detail) || typeof detail.path !== 'string' || !detail.path) continue;
        const key = detail.path.replace(/^\//, '').replaceAll('/', '.');
        const message = 'message' in detail && typeof detail.message === 'string' ? detail.message : error.message;
        fields[key] = fields[key] ? `${fields[key]}; ${message}` : message;
      }
    }
    this.#fields = fields;
    this.#banner = error.message;
  }
}
