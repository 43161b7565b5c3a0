/*
 * What an uploaded file really is, read from its first bytes (not its name): a clerk's "报告.pdf" that is
 * really a screenshot or a program is refused. Office files are ZIP archives; which one is told by the
 * names of the parts inside (xl/… for a workbook, word/… for a document).
 */

export const ATTACHMENT_TYPES = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
} as const;
export type AttachmentKind = keyof typeof ATTACHMENT_TYPES;

/** The largest attachment accepted: 10 MiB (a scanned document of a few pages), as the wire contract says. */
export { MAX_ATTACHMENT_BYTES } from '../../../shared/api/evaluation-checklist.js';

/** The file-name extensions each kind may have: a name must not claim another kind than its bytes are. */
const EXTENSIONS: Record<AttachmentKind, readonly string[]> = { pdf: ['pdf'], png: ['png'], jpeg: ['jpg', 'jpeg'], xlsx: ['xlsx'], docx: ['docx'] };

/** The kind of an upload when its bytes are an accepted kind and its name's extension says the same; else null. */
export function checkAttachment(name: string, bytes: Uint8Array): AttachmentKind | null {
  const kind = sniffAttachment(bytes);
  const extension = name.match(/\.([A-Za-z0-9]+)$/)?.[1]?.toLowerCase() ?? '';
  return kind && EXTENSIONS[kind].includes(extension) ? kind : null;
}

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean => signature.every((b, i) => bytes[i] === b);

/** The kind of file the bytes are, or null when they are none of the accepted kinds. */
export function sniffAttachment(bytes: Uint8Array): AttachmentKind | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return officeKind(bytes);
  return null;
}

/** Walks the ZIP's local file headers and looks at the part names. */
function officeKind(bytes: Uint8Array): AttachmentKind | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  let contentTypes = false;
  let offset = 0;
  // Bounded: an archive of thousands of parts is not an office file we need to look further into.
  for (let parts = 0; parts < 2000 && offset + 30 <= bytes.length && view.getUint32(offset, true) === 0x04034b50; parts++) {
    const flags = view.getUint16(offset + 6, true);
    const compressed = view.getUint32(offset + 18, true);
    const nameLength = view.getUint16(offset + 26, true);
    const extraLength = view.getUint16(offset + 28, true);
    const name = decoder.decode(bytes.subarray(offset + 30, offset + 30 + nameLength));
    if (name === '[Content_Types].xml') contentTypes = true;
    if (contentTypes && name.startsWith('xl/')) return 'xlsx';
    if (contentTypes && name.startsWith('word/')) return 'docx';
    // Sizes follow the data (bit 3) when a writer streamed the part: the headers cannot be walked further.
    if (flags & 0x08) break;
    offset += 30 + nameLength + extraLength + compressed;
  }
  return null;
}
