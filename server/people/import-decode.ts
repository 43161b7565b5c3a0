import { analyse } from 'chardet';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { ImportEncoding } from '../../shared/api/people.js';

/** A user list as cells, each row with the line (CSV) or row number (XLSX) it came from. */
export type ImportSource = { kind: 'text'; text: string; encoding: ImportEncoding } | { kind: 'cells'; records: Array<{ record: string[]; line: number }>; encoding: 'xlsx' };

/** Why a file could not be read at all, with what the detector guessed (for the message). */
export interface UndecodableFile {
  key: 'undecodable' | 'xlsxUnreadable' | 'xlsxEmpty';
  params?: Record<string, string>;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Every XLSX is a ZIP archive, which starts with a local file header. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** chardet names GBK and GB2312 files GB18030 (a superset of both). */
const GB_NAMES = new Set(['GB18030', 'GBK', 'GB2312']);
/** Below this, chardet's GB18030 guess is noise (it scores any high bytes a little). */
const MIN_GB_CONFIDENCE = 10;

/**
 * Reads the bytes of an uploaded user list: an XLSX workbook (its first sheet), or CSV text in UTF-8
 * (with or without BOM) or GB18030/GBK — what Excel on Chinese Windows writes for "CSV". UTF-8 is tried
 * strictly first (valid UTF-8 is almost never valid-looking GBK by accident); then chardet must agree
 * that the bytes are GB18030 and they must decode without a single replacement character. Anything else
 * is refused, naming the detector's guess: importing `����` is worse than importing nothing.
 */
export async function decodeImportFile(bytes: Buffer): Promise<ImportSource | UndecodableFile> {
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) return readWorkbook(bytes);
  if (bytes.subarray(0, 3).equals(UTF8_BOM)) {
    const text = strictUtf8(bytes.subarray(3));
    return text === null ? { key: 'undecodable', params: { guess: 'UTF-8' } } : { kind: 'text', text, encoding: 'utf-8-bom' };
  }
  const utf8 = strictUtf8(bytes);
  if (utf8 !== null) return { kind: 'text', text: utf8, encoding: 'utf-8' };

  const guesses = analyse(bytes);
  const gb = guesses.find((g) => GB_NAMES.has(g.name.toUpperCase()));
  if (gb && gb.confidence >= MIN_GB_CONFIDENCE) {
    const text = iconv.decode(bytes, 'gb18030');
    if (!text.includes('\ufffd')) return { kind: 'text', text, encoding: 'gb18030' };
  }
  return { key: 'undecodable', params: { guess: guesses[0]?.name ?? '?' } };
}

function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Not UTF-8: the caller tries the next encoding (this is the answer, not a lost error).
    return null;
  }
}

/** The first worksheet's cells as text (numbers as written, dates as YYYY-MM-DD), row by row. */
async function readWorkbook(bytes: Buffer): Promise<ImportSource | UndecodableFile> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    // A ZIP that is not a workbook (a .docx, a damaged file): said to the user as such.
    return { key: 'xlsxUnreadable' };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { key: 'xlsxEmpty' };
  const records: Array<{ record: string[]; line: number }> = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const record: string[] = [];
    for (let column = 1; column <= row.cellCount; column++) record.push(row.getCell(column).text.trim());
    while (record.length > 0 && record.at(-1) === '') record.pop();
    if (record.length > 0) records.push({ record, line });
  });
  // A workbook leaves out empty cells at the end of a row, where a CSV writes empty cells: pad to the header.
  const width = records[0]?.record.length ?? 0;
  for (const { record } of records) while (record.length < width) record.push('');
  return { kind: 'cells', records, encoding: 'xlsx' };
}
