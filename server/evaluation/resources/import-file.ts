import { COUNT_INPUTS, RESOURCE_INPUTS, stagePartsOf, type ResourceInput, type ResourcePartInput, type ResourceStage } from '../../../shared/api/evaluation-resources.js';
import { SHARED_MESSAGES } from '../../../shared/i18n/index.js';
import type { ImportRecord } from '../../people/import-file.js';
import { partKey, type RegionSchool } from './repository.js';

/*
 * The resource-input template (资源配置数据导入模板): one row per school stage part, Chinese headers with the
 * unit in the header. The same columns are written by the template and read back by the import.
 */

export type TemplateColumn = 'school' | 'stage' | ResourceInput;
export const TEMPLATE_COLUMNS: readonly TemplateColumn[] = ['school', 'stage', ...RESOURCE_INPUTS];

/** The file is a Chinese administrative form whatever the reader's language: its words are the zh-CN catalog's. */
const zh = SHARED_MESSAGES['zh-CN'];

/** The header a county clerk sees: the name and, in brackets, the unit (the same words as the entry form's). */
export const TEMPLATE_HEADERS: Record<TemplateColumn, string> = { school: '学校名称', stage: zh.evalResources.stage, ...zh.evalResources.input };
export const STAGE_NAMES: Record<ResourceStage, string> = { primary: zh.stage.primary, junior: zh.stage.junior };

/** A part's rows in a county are a few hundred at most; more is not this template. */
export const MAX_RESOURCE_ROWS = 2000;

/** A header as written, or without its unit in brackets (a clerk may retype the header without it). */
const normalise = (header: string): string => header.replace(/\s+/g, '').replace(/[（(][^（()）]*[)）]$/, '');
const COLUMN_BY_HEADER = new Map<string, TemplateColumn>(
  TEMPLATE_COLUMNS.flatMap((c) => [
    [normalise(TEMPLATE_HEADERS[c]), c],
    [c.toLowerCase(), c],
  ]),
);
const STAGE_BY_NAME = new Map<string, ResourceStage>([
  ['小学', 'primary'],
  ['初中', 'junior'],
  ['primary', 'primary'],
  ['junior', 'junior'],
]);

/** A problem with one cell (or the row, column ''), as an i18n key under `evalResources.import.` and its values. */
export interface ResourceImportIssue {
  line: number;
  /** The column's header as the template writes it ('' for the whole file or row). */
  column: string;
  key: string;
  params?: Record<string, string | number>;
}

export interface CheckedImport {
  parts: Array<ResourcePartInput & { schoolId: number; line: number }>;
  /** Rows whose values are all blank: not entered, left as they are. */
  skipped: number;
  issues: ResourceImportIssue[];
}

/**
 * Checks the filled-in template row by row against the region's schools: a known school, a stage part the
 * school has, no part twice, every value a non-negative number (whole for counts) and students above 0.
 * A row with every value blank is a part not entered yet and is skipped; a row with some values needs all.
 */
export function checkResourceRecords(records: readonly ImportRecord[], schools: readonly RegionSchool[]): CheckedImport {
  const [header, ...body] = records;
  if (!header || body.length === 0) return { parts: [], skipped: 0, issues: [{ line: header?.line ?? 1, column: '', key: 'empty' }] };
  if (body.length > MAX_RESOURCE_ROWS) return { parts: [], skipped: 0, issues: [{ line: header.line, column: '', key: 'tooManyRows', params: { max: MAX_RESOURCE_ROWS } }] };
  const issues: ResourceImportIssue[] = [];
  const columns = header.record.map((name) => COLUMN_BY_HEADER.get(normalise(name).toLowerCase()) ?? COLUMN_BY_HEADER.get(normalise(name)) ?? null);
  columns.forEach((column, i) => {
    const name = header.record[i] ?? '';
    if (column === null && name !== '') issues.push({ line: header.line, column: name, key: 'unknownColumn', params: { column: name } });
  });
  for (const column of TEMPLATE_COLUMNS) {
    if (!columns.includes(column)) issues.push({ line: header.line, column: TEMPLATE_HEADERS[column], key: 'missingColumn', params: { column: TEMPLATE_HEADERS[column] } });
  }
  if (issues.length > 0) return { parts: [], skipped: 0, issues };

  const schoolByName = new Map(schools.map((s) => [s.name, s]));
  const firstLineOf = new Map<string, number>();
  const parts: CheckedImport['parts'] = [];
  let skipped = 0;
  for (const { record, line } of body) {
    const cell = (column: TemplateColumn): string => (record[columns.indexOf(column)] ?? '').trim();
    const problem = (column: TemplateColumn, key: string, params?: Record<string, string | number>) =>
      issues.push({ line, column: TEMPLATE_HEADERS[column], key, ...(params && { params }) });
    if (RESOURCE_INPUTS.every((input) => cell(input) === '')) {
      skipped++;
      continue;
    }
    const before = issues.length;
    const school = schoolByName.get(cell('school'));
    if (cell('school') === '') problem('school', 'required');
    else if (!school) problem('school', 'schoolUnknown', { value: cell('school') });
    const stage = STAGE_BY_NAME.get(cell('stage').toLowerCase()) ?? null;
    if (stage === null) problem('stage', 'stageInvalid', { value: cell('stage') });
    else if (school && !stagePartsOf(school.stage).includes(stage)) problem('stage', 'stageNotOfSchool', { school: school.name, stage: STAGE_NAMES[stage] });
    else if (school) {
      const key = partKey(school.id, stage);
      const earlier = firstLineOf.get(key);
      if (earlier !== undefined) problem('stage', 'duplicate', { line: earlier });
      else firstLineOf.set(key, line);
    }
    const values: Partial<Record<ResourceInput, number>> = {};
    for (const input of RESOURCE_INPUTS) {
      const text = cell(input).replace(/,/g, '');
      if (text === '') problem(input, 'required');
      else if (!/^\d+(\.\d+)?$/.test(text)) problem(input, COUNT_INPUTS.has(input) ? 'notInteger' : 'notNumber', { value: cell(input) });
      else if (COUNT_INPUTS.has(input) && !/^\d+$/.test(text)) problem(input, 'notInteger', { value: cell(input) });
      else values[input] = Number(text);
    }
    if (values.students === 0) problem('students', 'studentsZero');
    if (issues.length === before && school && stage) parts.push({ ...(values as Record<ResourceInput, number>), stage, schoolId: school.id, line });
  }
  return { parts, skipped, issues };
}
