import { ApiError } from '../api.js';

/**
 * One setting of a course that is saved as soon as it is chosen (the recording policy, 开放听课): loaded once,
 * shown at once when changed, put back with the server's message when the save is refused.
 */
export class CourseSetting<T> {
  value = $state<T | null>(null);
  saved = $state(false);
  error = $state<string | null>(null);

  constructor(
    private readonly load: () => Promise<T>,
    private readonly save: (value: T) => Promise<T>,
  ) {}

  async read(): Promise<void> {
    try {
      this.value = await this.load();
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      this.error = failure.message;
    }
  }

  async choose(next: T): Promise<void> {
    const before = this.value;
    this.value = next;
    this.saved = false;
    this.error = null;
    try {
      this.value = await this.save(next);
      this.saved = true;
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      this.value = before;
      this.error = failure.message;
    }
  }
}
