import { pino, type DestinationStream, type Logger } from 'pino';

/** Paths whose tail is a secret (a student link opened the old way, /join/<token>): never logged as sent. */
const SECRET_PATHS = /^(\/join\/)[^?#]*/;

/** A request URL as it may appear in a log: secrets in the path replaced. */
export function loggableUrl(url: string): string {
  return url.replace(SECRET_PATHS, '$1[redacted]');
}

/** Fastify's request serializer, with the URL made loggable. */
export const logSerializers = {
  req(req: { method?: string; url?: string; host?: string; ip?: string; headers?: Record<string, unknown>; socket?: { remotePort?: number } }) {
    return {
      method: req.method,
      url: loggableUrl(req.url ?? ''),
      host: req.host,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    };
  },
};

/** The server's logger: pino at the configured level, with serializers that keep secrets out of the log. */
export function createServerLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, serializers: logSerializers }, destination);
}
