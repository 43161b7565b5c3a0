import type { FastifyReply } from 'fastify';
import { sendDownload } from '../../core/attachment.js';

/**
 * Sends an evidence file as the content type its bytes were checked to be, under its own name (the ASCII
 * fallback is `asciiStem` with the name's extension). Private: it is a county's evidence, not for shared caches,
 * and nosniff so that no browser reads it as anything else.
 */
export function sendEvidenceFile(reply: FastifyReply, file: { name: string; contentType: string }, bytes: Buffer, asciiStem: string): FastifyReply {
  const extension = file.name.match(/\.[A-Za-z0-9]{1,5}$/)?.[0] ?? '';
  reply.header('x-content-type-options', 'nosniff');
  return sendDownload(reply, { body: bytes, contentType: file.contentType, name: file.name, asciiName: `${asciiStem}${extension}` }, 'private, no-store');
}
