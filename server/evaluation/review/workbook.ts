import type { Readable } from 'node:stream';
import { SNAPSHOT_CANONICALIZATION, type SnapshotFile } from '../../../shared/api/evaluation-review.js';
import type { SectionCell } from '../../../shared/api/evaluation.js';
import type { ExportTitle } from '../../core/csv.js';
import type { ColumnKind, ExportTable } from '../../evidence/usage/export-tables.js';
import { xlsxStream } from '../../evidence/usage/export-writers.js';

/** Characters Excel refuses in a sheet name. */
const SHEET_FORBIDDEN = /[[\]:*?/\\]/g;

/** How a reviewer checks the file offline, printed on the cover. */
export const VERIFY_HOWTO =
  '下载本版本的 JSON（/api/evaluation/submissions/{id}/versions/{version}），取其中的 document，按上面的规范化方法序列化后计算 SHA-256，应与本页的哈希值相同；或运行 npm run evaluation:verify -- 文件.json。';

/**
 * The snapshot as one workbook, written by the one XLSX writer of the reports: a cover sheet (region, term,
 * version, who submitted it when, the hash and how to check it), every section's figures on one sheet, then
 * a sheet per section table, and the attachments by hash. Numbers stay numbers as frozen (unrounded).
 */
export function snapshotWorkbook(file: SnapshotFile, onError: (error: unknown) => void): Readable {
  const { document: doc } = file;
  const title: ExportTitle = {
    title: `${doc.region.name} ${doc.term.name} 县域义务教育优质均衡发展自评材料（第 ${doc.version} 版）`,
    lines: [
      ['区县', doc.region.name],
      ['学期', doc.term.name],
      ['版本', String(doc.version)],
      ['SHA-256', file.sha256],
    ],
  };
  const sectionTitle = new Map(doc.sections.map((s) => [s.key, s.title]));
  const names = new Set<string>();
  const sheetName = (wanted: string): string => {
    const clean = wanted.replace(SHEET_FORBIDDEN, '-').slice(0, 31);
    let name = clean;
    for (let i = 2; names.has(name); i++) name = `${clean.slice(0, 27)}(${i})`;
    names.add(name);
    return name;
  };
  const cover: ExportTable = {
    sheet: sheetName('封面'),
    columns: [
      { header: '项目', kind: 'text' },
      { header: '内容', kind: 'text' },
    ],
    rows: [
      ['标题', title.title],
      ['区县', `${doc.region.name}（${doc.region.code}）`],
      ['学期', `${doc.term.name}（${doc.term.startsOn} 至 ${doc.term.endsOn}）`],
      ['版本', doc.version],
      ['提交人', doc.submittedBy.name],
      ['提交时间', doc.submittedAt],
      ['内容哈希 SHA-256', file.sha256],
      ['规范化方法', SNAPSHOT_CANONICALIZATION],
      ['如何校验', VERIFY_HOWTO.replace('{id}', String(file.submissionId)).replace('{version}', String(doc.version))],
      ['包含部分', doc.sections.map((s) => s.title).join('、')],
    ],
  };
  const figures: ExportTable = {
    sheet: sheetName('指标汇总'),
    columns: [
      { header: '部分', kind: 'text' },
      { header: '键', kind: 'text' },
      { header: '指标', kind: 'text' },
      { header: '数值', kind: 'text' },
      { header: '单位', kind: 'text' },
      { header: '要求', kind: 'text' },
      { header: '是否达标', kind: 'text' },
    ],
    rows: doc.sections.flatMap((s) =>
      s.figures.map((f) => [s.title, f.key, f.label, f.value, f.unit ?? null, f.requirement ?? null, f.met === undefined || f.met === null ? null : f.met ? '达标' : '未达标']),
    ),
  };
  const tables: ExportTable[] = doc.sections.flatMap((s) =>
    s.tables.map((t) => ({
      sheet: sheetName(`${t.title}`),
      columns: t.columns.map((header, i) => ({ header, kind: columnKind(t.rows.map((r) => r[i] ?? null)) })),
      rows: t.rows,
    })),
  );
  const attachments = doc.sections.flatMap((s) => s.attachments.map((a) => [sectionTitle.get(s.key) ?? s.key, a.itemKey, a.name, a.sha256, a.bytes, a.contentType]));
  const attachmentSheet: ExportTable[] =
    attachments.length === 0
      ? []
      : [
          {
            sheet: sheetName('附件'),
            columns: ['部分', '条目', '文件名', 'SHA-256', '字节数', '类型'].map((header) => ({ header, kind: header === '字节数' ? ('integer' as const) : ('text' as const) })),
            rows: attachments,
          },
        ];
  return xlsxStream([cover, figures, ...tables, ...attachmentSheet], title, onError);
}

/** Whole numbers get the integer format; anything else keeps Excel's General format, which shows a frozen value unrounded. */
function columnKind(cells: readonly SectionCell[]): ColumnKind {
  const present = cells.filter((c) => c !== null);
  return present.length > 0 && present.every((c) => typeof c === 'number' && Number.isInteger(c)) ? 'integer' : 'text';
}
