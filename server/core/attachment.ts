import type { FastifyReply } from 'fastify';

/**
 * `Content-Disposition: attachment` with the real (possibly Chinese) file name as RFC 5987 `filename*`
 * and a sanitised ASCII `filename` for old clients.
 */
export function attachmentDisposition(name: string, asciiName: string): string {
  const fallback = asciiName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A download: the body, its content type, and its (Chinese) file name with an ASCII fallback. */
export interface Download {
  body: unknown;
  contentType: string;
  name: string;
  asciiName: string;
}

/** Sends a download, never cached: reports and files change as data comes in, and they are not for shared caches. */
export function sendDownload(reply: FastifyReply, file: Download, cacheControl = 'no-store'): FastifyReply {
  return reply.header('cache-control', cacheControl).type(file.contentType).header('content-disposition', attachmentDisposition(file.name, file.asciiName)).send(file.body);
}
