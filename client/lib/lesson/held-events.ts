/**
 * Server events that arrive while a join is in flight, kept to be applied after its snapshot. The server
 * takes a join's snapshot when she joins and answers once her receiving side is made; what changed
 * meanwhile (someone else joined, a producer came or went) reaches her as events *before* the ack, newer
 * than the snapshot the ack carries. Applied as they come, the snapshot would then overwrite them.
 */
export class HeldEvents {
  #queue: Array<() => void> | null = null;
  #holds = 0;
  /** Bumped by flush(): releases of holds taken before it do nothing. */
  #generation = 0;

  /** From now on events wait; the returned function lets them through (in order) once no hold is left. Safe to call twice. */
  hold(): () => void {
    this.#holds++;
    this.#queue ??= [];
    const generation = this.#generation;
    let released = false;
    return () => {
      if (released || generation !== this.#generation) return;
      released = true;
      if (--this.#holds === 0) this.#applyQueued();
    };
  }

  /** Applies an event now, or after the holds if there are any. */
  deliver(apply: () => void): void {
    if (this.#queue) this.#queue.push(apply);
    else apply();
  }

  /**
   * Applies what waits now and ends every hold (the link went down: the join in flight fails, and what
   * came before the drop — the lesson's end, a removal — must not be lost with it).
   */
  flush(): void {
    this.#generation++;
    this.#holds = 0;
    this.#applyQueued();
  }

  #applyQueued(): void {
    const queue = this.#queue ?? [];
    this.#queue = null;
    for (const apply of queue) apply();
  }
}
