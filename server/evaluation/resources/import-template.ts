import ExcelJS from 'exceljs';
import { RESOURCE_INPUTS, stagePartsOf } from '../../../shared/api/evaluation-resources.js';
import { partKey, type RegionSchool, type StoredPart } from './repository.js';
import { STAGE_NAMES, TEMPLATE_COLUMNS, TEMPLATE_HEADERS } from './import-file.js';

/**
 * The region's template for a term: one row per stage part of every active school (a nine-year or twelve-year
 * school has a 小学 and a 初中 row), school name and stage filled in, and what is already entered for the term
 * filled in too, so that the file can be corrected and imported again. The first sheet is what the import reads.
 */
export async function resourceTemplateXlsx(schools: readonly RegionSchool[], entered: readonly StoredPart[], termName: string): Promise<Buffer> {
  const byPart = new Map(entered.map((p) => [partKey(p.schoolId, p.stage), p]));
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Tongke 同课';
  const sheet = workbook.addWorksheet('资源配置', { views: [{ state: 'frozen', ySplit: 1, xSplit: 2 }] });
  sheet.addRow(TEMPLATE_COLUMNS.map((c) => TEMPLATE_HEADERS[c]));
  for (const school of schools.filter((s) => s.active)) {
    for (const stage of stagePartsOf(school.stage)) {
      const part = byPart.get(partKey(school.id, stage));
      sheet.addRow([school.name, STAGE_NAMES[stage], ...RESOURCE_INPUTS.map((input) => part?.[input] ?? null)]);
    }
  }
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).alignment = { wrapText: true, vertical: 'middle' };
  sheet.columns.forEach((column, i) => (column.width = i === 0 ? 30 : i === 1 ? 8 : 16));
  const notes = workbook.addWorksheet('填写说明');
  for (const line of [
    [`学期：${termName}`],
    ['每所学校每个学段一行：九年一贯制、十二年一贯制学校分小学、初中两行填写（十二年一贯制学校的高中部不填）。'],
    ['学校名称和学段已填好，请勿修改；人数、间数填整数，面积（平方米）和设备值（元）可有小数，均不能为负数。'],
    ['整行数值都不填的学段视为未填报，导入时保持原样；填了任一数值则须全部填写，在校学生数须大于 0。'],
    ['导入时先检查全部行，有任何错误则不导入任何数据，并列出出错的行和列。'],
  ]) notes.addRow(line);
  notes.getColumn(1).width = 100;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
