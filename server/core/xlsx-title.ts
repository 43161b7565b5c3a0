import type { ExportTitle } from './csv.js';

/** The document properties a workbook (ExcelJS's in-memory or streaming writer) carries. */
interface DescribedWorkbook {
  title?: string;
  subject?: string;
  description?: string;
  keywords?: string;
}

/**
 * Names what an XLSX download is in its document properties (Excel: 文件 › 信息; WPS: 文档属性): the title,
 * and the region/lesson, period, filters and time it was generated as the description. The sheets keep their
 * header on row 1, so a workbook still reads back as a table.
 */
export function describeWorkbook(workbook: DescribedWorkbook, title: ExportTitle): void {
  workbook.title = title.title;
  workbook.subject = title.lines.map(([, value]) => value).join(' | ');
  workbook.description = title.lines.map(([label, value]) => `${label}: ${value}`).join('\n');
  workbook.keywords = 'Tongke 同课';
}

/** `&` starts a control code in Excel's header and footer text. */
const headerText = (text: string): string => text.replace(/&/g, '&&');

/**
 * The printed header and footer of every sheet: the title and the description lines on paper, where the
 * file name is not printed; page numbers in the footer.
 */
export function printHeader(title: ExportTitle): { oddHeader: string; oddFooter: string } {
  const lines = title.lines.map(([label, value]) => `${label}: ${value}`).join('  ');
  return { oddHeader: `&L${headerText(title.title)}&R${headerText(lines)}`, oddFooter: '&C&P / &N' };
}
