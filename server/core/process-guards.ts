import type { Logger } from 'pino';

export interface ProcessGuardOptions {
  logger: Logger;
  /**
   * Writes what must not be lost, synchronously (the evidence write-behind buffer). Returns false when it
   * could not; it is called once, after the error is logged.
   */
  flush: () => boolean;
  /** Ends the process (tests of the guard pass a fake). */
  exit?: (code: number) => void;
}

/** The exit code after an uncaught exception or an unhandled rejection (EX_SOFTWARE: an internal error). */
export const FATAL_EXIT_CODE = 70;

/**
 * After an uncaught exception or an unhandled promise rejection the process is in an unknown state and
 * must not go on serving lessons (Node's own advice). Before it exits non-zero — for the service manager
 * to restart it — the evidence still waiting in memory is written, so that the lessons' acknowledged
 * messages, hands and joins are not lost with it; the next start closes the lessons at that evidence.
 */
export function installProcessGuards(options: ProcessGuardOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let failing = false;
  const fatal = (kind: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
    // A second failure while flushing must not re-enter: the first one is already on its way out.
    if (failing) return;
    failing = true;
    options.logger.fatal({ err: error, kind }, `FATAL ${kind}: writing pending evidence, then exiting`);
    try {
      if (!options.flush()) options.logger.fatal({}, 'the pending evidence could not be written before exiting');
    } catch (flushError) {
      options.logger.fatal({ err: flushError }, 'writing the pending evidence before exiting failed');
    }
    exit(FATAL_EXIT_CODE);
  };
  process.on('uncaughtException', fatal('uncaughtException'));
  process.on('unhandledRejection', fatal('unhandledRejection'));
}
