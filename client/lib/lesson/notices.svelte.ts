export type NoticeKind = 'info' | 'warning' | 'error';

export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

/** How long a notice stays unless it is dismissed; errors stay until dismissed. */
const SHOWN_MS = 8_000;

/**
 * Short messages to the people in the room, in words: "the teacher muted your microphone", "chat is
 * off", a request that failed. The newest few are shown.
 */
export class Notices {
  #items = $state.raw<Notice[]>([]);
  #next = 1;

  get items(): Notice[] {
    return this.#items;
  }

  push(kind: NoticeKind, text: string): void {
    const notice = { id: this.#next++, kind, text };
    this.#items = [...this.#items.filter((n) => n.text !== text), notice].slice(-3);
    if (kind !== 'error') window.setTimeout(() => this.dismiss(notice.id), SHOWN_MS);
  }

  dismiss(id: number): void {
    this.#items = this.#items.filter((n) => n.id !== id);
  }
}
