import type { FastifyReply } from 'fastify';
import type { EvaluationSection, SectionCell } from '../../../shared/api/evaluation.js';
import { shanghaiDate } from '../../../shared/time.js';
import { sendDownload } from '../../core/attachment.js';
import type { TongkeApp } from '../../core/app-types.js';
import type { ExportTable } from '../../evidence/usage/export-tables.js';
import { XLSX_TYPE, xlsxStream } from '../../evidence/usage/export-writers.js';

/** A column is numeric when every filled cell of it is a number (kept unrounded; the sheet shows two decimals). */
const columnKind = (rows: readonly SectionCell[][], index: number): ExportTable['columns'][number]['kind'] =>
  rows.some((row) => row[index] !== null) && rows.every((row) => row[index] === null || typeof row[index] === 'number') ? 'number' : 'text';

/** The section as a workbook: its headline figures first, then one sheet per table (zh-CN, as in the file). */
export function sectionWorkbookTables(section: EvaluationSection): ExportTable[] {
  const summary: ExportTable = {
    sheet: '汇总',
    columns: [
      { header: '指标', kind: 'text' },
      { header: '数值', kind: 'text' },
      { header: '单位', kind: 'text' },
      { header: '要求', kind: 'text' },
      { header: '是否达到', kind: 'text' },
    ],
    rows: section.figures.map((f) => [f.label, f.value, f.unit ?? null, f.requirement ?? null, f.met === undefined || f.met === null ? null : f.met ? '是' : '否']),
  };
  return [
    summary,
    ...section.tables.map((t) => ({ sheet: t.title, columns: t.columns.map((header, i) => ({ header, kind: columnKind(t.rows, i) })), rows: t.rows })),
  ];
}

/** "2026-09-07 09:00" in Shanghai time. */
function shanghaiDateTime(instant: Date): string {
  return `${shanghaiDate(instant)} ${new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(11, 16)}`;
}

/** Sends the section as an XLSX download through the one workbook writer. */
export function sendSectionWorkbook(app: TongkeApp, reply: FastifyReply, section: EvaluationSection, file: { name: string; ascii: string; regionName: string }): FastifyReply {
  const title = { title: section.title, lines: [['区县', file.regionName], ['生成时间', shanghaiDateTime(new Date())]] as Array<[string, string]> };
  const stream = xlsxStream(sectionWorkbookTables(section), title, (error) =>
    app.log.error({ err: error }, 'writing an evaluation workbook failed'),
  );
  return sendDownload(reply, { body: stream, contentType: XLSX_TYPE, name: `${file.name}.xlsx`, asciiName: `${file.ascii}.xlsx` });
}
