/** Structured logger the media layer writes to; a pino child logger fits as is. */
export interface MediaLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A logger that adds `context` (e.g. `{ lessonId }`) to every entry, as a pino child logger would. */
export function withContext(logger: MediaLogger, context: object): MediaLogger {
  return {
    info: (obj, msg) => logger.info({ ...context, ...obj }, msg),
    warn: (obj, msg) => logger.warn({ ...context, ...obj }, msg),
    error: (obj, msg) => logger.error({ ...context, ...obj }, msg),
  };
}
