import type { Logger } from 'pino';

export interface ProcessGuardOptions {
  logger: Logger;
  /**
   * Writes what must not be lost (the evidence write-behind buffer). Resolves to false when it could not;
   * it is called once, after the error is logged, and waited for at most `flushTimeoutMs`.
   */
  flush: () => boolean | Promise<boolean>;
  /** How long the pending evidence may take to be written before the process exits anyway (ms). */
  flushTimeoutMs?: number;
  /** Ends the process (tests of the guard pass a fake). */
  exit?: (code: number) => void;
}

/** The exit code after an uncaught exception or an unhandled rejection (EX_SOFTWARE: an internal error). */
export const FATAL_EXIT_CODE = 70;
/**
 * A flush of the whole buffer takes well under a second on a healthy store; a store that does not answer
 * within this must not keep a broken process alive (the service manager is waiting to restart it).
 */
export const FATAL_FLUSH_TIMEOUT_MS = 5_000;

/**
 * After an uncaught exception or an unhandled promise rejection the process is in an unknown state and
 * must not go on serving lessons (Node's own advice). Before it exits non-zero — for the service manager
 * to restart it — the evidence still waiting in memory is written, so that the lessons' acknowledged
 * messages, hands and joins are not lost with it; the next start closes the lessons at that evidence. The
 * write is asynchronous (the store is), so it is waited for, but only so long.
 */
export function installProcessGuards(options: ProcessGuardOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = options.flushTimeoutMs ?? FATAL_FLUSH_TIMEOUT_MS;
  let failing = false;
  const fatal = (kind: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
    // A second failure while flushing must not re-enter: the first one is already on its way out.
    if (failing) return;
    failing = true;
    options.logger.fatal({ err: error, kind }, `FATAL ${kind}: writing pending evidence, then exiting`);
    void flushWithin(options, timeoutMs).then(() => exit(FATAL_EXIT_CODE));
  };
  process.on('uncaughtException', fatal('uncaughtException'));
  process.on('unhandledRejection', fatal('unhandledRejection'));
}

/** Runs the flush, logging why it did not write everything; resolves when it ended or the time is up. */
async function flushWithin(options: ProcessGuardOptions, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([Promise.resolve().then(options.flush), timedOut]);
    if (outcome === 'timeout') options.logger.fatal({ timeoutMs }, 'the pending evidence was not written in time before exiting');
    else if (!outcome) options.logger.fatal({}, 'the pending evidence could not be written before exiting');
  } catch (flushError) {
    options.logger.fatal({ err: flushError }, 'writing the pending evidence before exiting failed');
  } finally {
    clearTimeout(timer);
  }
}
