import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { writeCsv, type ExportTitle } from '../../core/csv.js';
import { describeWorkbook, printHeader } from '../../core/xlsx-title.js';
import type { ExportTable } from './export-tables.js';

export { CSV_CONTENT_TYPE as CSV_TYPE } from '../../core/csv.js';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** One table as CSV (the title block, then the header row in the caller's language), through the one CSV writer. */
export function toCsv(table: ExportTable, title: ExportTitle): string {
  return writeCsv(table.columns.map((c) => c.header), table.rows, title);
}

/**
 * The tables as one workbook (a sheet each, the title in its properties and each sheet's printed header), written as a stream: rows are committed as they are added,
 * so the download starts at once and a large report never sits whole in memory. Errors destroy the stream
 * (the caller's `onError` is told, to log them).
 */
export function xlsxStream(tables: readonly ExportTable[], title: ExportTitle, onError: (error: unknown) => void): Readable {
  const stream = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Tongke 同课';
  workbook.created = new Date();
  describeWorkbook(workbook, title);
  const write = async () => {
    for (const table of tables) {
      const sheet = workbook.addWorksheet(table.sheet.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }], headerFooter: printHeader(title) });
      sheet.columns = table.columns.map((c, i) => ({
        header: c.header,
        key: String(i),
        width: Math.min(40, Math.max(10, displayWidth(c.header) + 2)),
        style: c.kind === 'number' || c.kind === 'percent' ? { numFmt: '0.00' } : c.kind === 'integer' ? { numFmt: '0' } : {},
      }));
      sheet.getRow(1).font = { bold: true };
      for (const row of table.rows) sheet.addRow(row).commit();
      sheet.commit();
    }
    await workbook.commit();
  };
  write().catch((error: unknown) => {
    onError(error);
    stream.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return stream;
}

/** Columns of a text in a spreadsheet: CJK characters are about twice as wide. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u2e80-\uffff]/.test(char) ? 2 : 1;
  return width;
}

