import type { CoursewareSourceKind } from '../../shared/api/courseware.js';

/*
 * What an uploaded document really is, told by its bytes (a PPTX named .pdf is a PPTX, a picture named
 * .pdf is refused). A PDF starts with `%PDF-`. PPTX and DOCX are ZIP archives whose part names say which
 * (`ppt/…`, `word/…`). PPT and DOC are both OLE2 compound files: their streams say which
 * ("PowerPoint Document", "WordDocument"), and when those names cannot be found the file name decides.
 */

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = 0x06054b50;

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean => bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);

/** The file name's extension, lower case, without the dot ('' when it has none). */
export const extensionOf = (name: string): string => name.match(/\.([A-Za-z0-9]{1,5})$/)?.[1]?.toLowerCase() ?? '';

/** The kind of document the bytes are, or null when they are none of the kinds a teacher may upload. */
export function sniffCoursewareKind(fileName: string, bytes: Uint8Array): CoursewareSourceKind | null {
  if (startsWith(bytes, PDF_MAGIC)) return 'pdf';
  if (startsWith(bytes, OLE2_MAGIC)) return compoundKind(fileName, bytes);
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return officeOpenXmlKind(bytes);
  return null;
}

function compoundKind(fileName: string, bytes: Uint8Array): CoursewareSourceKind | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Directory entries name their streams in UTF-16LE.
  if (buffer.includes(Buffer.from('PowerPoint Document', 'utf16le'))) return 'ppt';
  if (buffer.includes(Buffer.from('WordDocument', 'utf16le'))) return 'doc';
  const extension = extensionOf(fileName);
  if (['ppt', 'pps', 'pot'].includes(extension)) return 'ppt';
  if (['doc', 'dot'].includes(extension)) return 'doc';
  return null;
}

function officeOpenXmlKind(bytes: Uint8Array): CoursewareSourceKind | null {
  for (const name of zipPartNames(bytes)) {
    if (name.startsWith('ppt/')) return 'pptx';
    if (name.startsWith('word/')) return 'docx';
  }
  return null;
}

/**
 * The part names of a ZIP archive: from its central directory when the archive is whole; from its local
 * headers when the end is missing (a truncated upload is still told as what it is, and its conversion then
 * fails with a clear reason). Writers such as LibreOffice stream their parts (sizes after the data), so the
 * local headers cannot be walked by size: each header signature is looked for in turn.
 */
export function zipPartNames(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const names: string[] = [];
  const end = findEndOfCentralDirectory(view);
  if (end !== null) {
    const entries = view.getUint16(end + 10, true);
    let offset = view.getUint32(end + 16, true);
    for (let i = 0; i < entries && offset + 46 <= bytes.length && view.getUint32(offset, true) === ZIP_CENTRAL; i++) {
      const nameLength = view.getUint16(offset + 28, true);
      names.push(decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)));
      offset += 46 + nameLength + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
    }
    if (names.length > 0) return names;
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
  // Bounded: an archive of thousands of parts is not a document we need to look further into.
  for (let offset = buffer.indexOf(signature); offset >= 0 && offset + 30 <= bytes.length && names.length < 5000; offset = buffer.indexOf(signature, offset + 4)) {
    if (view.getUint32(offset, true) !== ZIP_LOCAL) continue;
    const nameLength = view.getUint16(offset + 26, true);
    names.push(decoder.decode(bytes.subarray(offset + 30, Math.min(bytes.length, offset + 30 + nameLength))));
  }
  return names;
}

/** The offset of the end-of-central-directory record (within the last 64 KiB + 22 bytes), or null. */
function findEndOfCentralDirectory(view: DataView): number | null {
  const last = view.byteLength - 22;
  for (let offset = last; offset >= 0 && offset >= last - 0xffff; offset--) {
    if (view.getUint32(offset, true) === ZIP_END) return offset;
  }
  return null;
}
