import { createSubscriber } from 'svelte/reactivity';

/**
 * The current time as reactive state. It ticks only while something on screen reads `now`, so pages
 * without a countdown cost nothing.
 */
export class Clock {
  readonly #subscribe: () => void;

  constructor(intervalMs = 1000) {
    this.#subscribe = createSubscriber((update) => {
      const timer = window.setInterval(update, intervalMs);
      return () => window.clearInterval(timer);
    });
  }

  /** Milliseconds since the epoch. */
  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}
