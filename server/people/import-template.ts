import ExcelJS from 'exceljs';
import { writeCsv, type CsvCell } from '../core/csv.js';
import { COLUMN_NAMES_ZH, IMPORT_COLUMNS, ROLE_NAMES_ZH } from './import-file.js';

/** The template's example people: one of each kind a school office enters. */
const EXAMPLES: ReadonlyArray<readonly CsvCell[]> = [
  ['zhang.laoshi', '张老师', ROLE_NAMES_ZH.teacher, 'change-me-2026', '', '', ''],
  ['wang.xiaoming', '王小明', ROLE_NAMES_ZH.student, '', 3, '三年级一班', '否'],
  ['li.xiaohong', '李小红', ROLE_NAMES_ZH.student, '', 4, '四年级二班', '是'],
];

const HEADER = IMPORT_COLUMNS.map((c) => COLUMN_NAMES_ZH[c]);

/** The import template as CSV: Chinese column names and roles, UTF-8 with BOM so Excel opens it right. */
export function importTemplateCsv(): string {
  return writeCsv(HEADER, EXAMPLES);
}

/** The import template as an Excel workbook (one sheet, same columns and examples as the CSV). */
export async function importTemplateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('用户');
  sheet.addRow(HEADER);
  for (const row of EXAMPLES) sheet.addRow(row.map((cell) => cell ?? ''));
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((column) => (column.width = 16));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
