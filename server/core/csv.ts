import { stringify } from 'csv-stringify/sync';

/** A cell of a downloadable table: text, a number, or empty. */
export type CsvCell = string | number | null;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** Text a spreadsheet would run as a formula (or a DDE command) when it starts with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell made inert for spreadsheets (OWASP "CSV injection"): one that starts with = + - @, a tab
 * or a carriage return gets a leading apostrophe, which Excel and WPS show as text and never evaluate. A
 * school named `=HYPERLINK(...)` therefore reaches the county's file as its name, not as a link. Numbers
 * are left alone (a negative figure stays a number).
 */
export function neutraliseCell(value: CsvCell): string | number | null {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * What a download is, written above its table: a file found in a folder weeks later still says which
 * region (or lesson), which period, which filters and when it was made.
 */
export interface ExportTitle {
  title: string;
  /** Label and value: 区县 / 统计期间 / 筛选 / 生成时间 … */
  lines: ReadonlyArray<readonly [label: string, value: string]>;
}

/** The title block's rows: the title, its lines, and an empty row before the table. */
export const titleRows = (title: ExportTitle): CsvCell[][] => [[title.title], ...title.lines.map(([label, value]) => [label, value]), []];

/**
 * The one CSV writer of Tongke: the title block (when given), a header row and the rows, RFC 4180 quoting by
 * csv-stringify, CRLF line ends, every text cell neutralised, and a UTF-8 byte-order mark so that Excel on a
 * Chinese Windows opens the Chinese text correctly. Every CSV download goes through here.
 */
export function writeCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>, title?: ExportTitle): string {
  const records = [...(title ? titleRows(title) : []), header, ...rows].map((row) => row.map((cell) => neutraliseCell(cell) ?? ''));
  return `\ufeff${stringify(records, { record_delimiter: '\r\n' })}`;
}
