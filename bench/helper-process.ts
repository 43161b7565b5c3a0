/**
 * A benchmark's helper in a child process (tsx, IPC), asked one thing at a time: what stands in for other
 * machines — receivers, a sender — so that the benchmarking process measures only what it runs itself.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How long a helper may take to exit once told to, before it is killed. */
const EXIT_GRACE_MS = 5000;

/** What a helper answers: `{ type: 'failed', message }` when the order failed there. */
export type HelperAnswer = { type: string; message?: string };

export class HelperProcess<Order extends object, Answer extends HelperAnswer> {
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  readonly #name: string;
  /** The order being answered: orders are sent one after another, so an answer is always to the last. */
  #pending: Promise<unknown> = Promise.resolve();

  private constructor(child: ChildProcess, name: string) {
    this.#child = child;
    this.#name = name;
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Forks `file` (a .ts module next to the caller, run with tsx); its output goes to this process's. */
  static start<Order extends object, Answer extends HelperAnswer>(file: URL, name: string): HelperProcess<Order, Answer> {
    const child = fork(fileURLToPath(file), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    return new HelperProcess<Order, Answer>(child, name);
  }

  /** Sends `order` after any order still being answered; resolves with the answer, rejects on `failed`, exit or timeout. */
  ask(order: Order, timeoutMs = 30_000): Promise<Answer> {
    const answered = this.#pending.catch(() => undefined).then(() => this.#answer(order, timeoutMs));
    this.#pending = answered;
    return answered;
  }

  #answer(order: Order, timeoutMs: number): Promise<Answer> {
    const child = this.#child;
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('message', onMessage);
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`${this.#name} did not answer ${JSON.stringify(order)} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onExit = (code: number | null) => {
        settle();
        reject(new Error(`${this.#name} exited (${code}) before answering`));
      };
      const onMessage = (message: Answer) => {
        settle();
        if (message.type === 'failed') reject(new Error(`${this.#name} failed: ${message.message ?? ''}`));
        else resolve(message);
      };
      child.once('exit', onExit);
      child.once('message', onMessage);
      child.send(order, (error) => {
        if (!error) return;
        settle();
        reject(error);
      });
    });
  }

  /** Disconnects (the helper exits on that) and waits for it to exit, killing it if it does not. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#child.connected) this.#child.disconnect();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), EXIT_GRACE_MS);
    });
    const exit = await Promise.race([this.#exited, late]);
    clearTimeout(timer);
    if (exit === 'late') {
      this.#child.kill('SIGKILL');
      await this.#exited;
    }
  }
}
