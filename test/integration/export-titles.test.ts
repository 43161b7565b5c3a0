import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDICATOR_TABLES, USAGE_SCOPES, USAGE_TABLES } from '../../shared/api/evidence-usage.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { refreshLessonRollups } from '../../server/evidence/usage/maintain.js';
import { writeCsv } from '../../server/core/csv.js';
import { createOrganisationFixture, recordFinishedLesson, type OrganisationFixture } from '../support/fixtures.js';

/*
 * Every download says what it is before its table: a county officer who finds "应用情况.csv" in a folder
 * weeks later must read the region (or lesson), the period, the filters and when it was generated — in the
 * first rows of a CSV, and in an XLSX's document properties and printed sheet header.
 */
describe('every export names what it is', () => {
  let f: OrganisationFixture;
  let lessonSessionId: number;
  const today = shanghaiDate(new Date());
  const from = addDays(today, -20);
  const range = `from=${from}&to=${today}`;
  const period = `${from} — ${today}`;
  const GENERATED = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    const { ids, db } = f;
    const start = shanghaiInstant(addDays(today, -3), '09:00');
    lessonSessionId = await recordFinishedLesson(f, start, [
      { participantId: 't', userId: ids.users.teacher, siteKind: 'host', classroomId: ids.hostClassroomId, schoolId: ids.leadSchoolId },
      { participantId: 'd', userId: ids.users.classroom_device, siteKind: 'receiving_classroom', classroomId: ids.receivingClassroomId, schoolId: ids.teachingPointId },
    ]);
    await refreshLessonRollups(db, lessonSessionId);
  });
  afterAll(async () => f.close());

  /** The title block of a CSV: the records before the first empty one, as label → value. */
  const titleOf = (body: string): { title: string; lines: Map<string, string>; header: string[] } => {
    const records = parse(body.replace(/^\ufeff/, ''), { relax_column_count: true, skip_empty_lines: false }) as string[][];
    const blank = records.findIndex((r) => r.every((cell) => cell === ''));
    expect(blank, 'an empty row ends the title block').toBeGreaterThan(0);
    return { title: records[0]![0]!, lines: new Map(records.slice(1, blank).map((r) => [r[0]!, r[1]!])), header: records[blank + 1]! };
  };

  it('writes the title block first through the one CSV writer, neutralised like every cell', () => {
    const csv = writeCsv(['学校'], [['石门教学点']], { title: '=应用情况', lines: [['区县', '@示范县']] });
    expect(csv).toBe("\ufeff'=应用情况\r\n区县,'@示范县\r\n\r\n学校\r\n石门教学点\r\n");
  });

  it('every usage and indicator CSV, at every scope and table, names its region, period, filters and time', async () => {
    const admin = await f.as('region_admin');
    const scopeIds = { region: f.ids.regionId, group: f.ids.groupId, school: f.ids.teachingPointId, classroom: f.ids.receivingClassroomId };
    for (const scope of USAGE_SCOPES) {
      for (const table of USAGE_TABLES) {
        const res = await admin.get(`/api/reports/usage?scope=${scope}&id=${scopeIds[scope]}&${range}&format=csv&table=${table}`);
        expect(res.statusCode, res.body).toBe(200);
        const { title, lines, header } = titleOf(res.body);
        expect(title, `${scope} ${table}`).toMatch(/^在线互动课堂应用情况 — /);
        expect(lines.get('统计范围'), `${scope} ${table}`).toMatch(/^示范县/);
        expect(lines.get('统计期间')).toBe(period);
        expect(lines.get('筛选')).toBe('无（全部学科、全部课堂类型）');
        expect(lines.get('生成时间（北京时间）')).toMatch(GENERATED);
        expect(lines.get('表格')).toBe({ units: '应用情况', trend: '趋势', materials: '课件与资料' }[table]);
        expect(header.length).toBeGreaterThan(3);
      }
    }
    for (const table of INDICATOR_TABLES) {
      const res = await admin.get(`/api/reports/indicators?regionId=${f.ids.regionId}&${range}&format=csv&table=${table}`);
      expect(res.statusCode, res.body).toBe(200);
      const { title, lines } = titleOf(res.body);
      expect(title).toBe('在线互动课堂督导评估指标 — 示范县');
      expect(lines.get('区县')).toBe('示范县');
      expect(lines.get('统计期间')).toContain(period);
      expect(lines.get('目标考核')).toBe('教学点');
      expect(lines.get('生成时间（北京时间）')).toMatch(GENERATED);
    }
  });

  it('names the filters a usage report was read with, in the caller’s language', async () => {
    const admin = await f.as('region_admin');
    const zh = await admin.get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&${range}&subject=music&kind=delivered&format=csv`);
    expect(titleOf(zh.body).lines.get('筛选')).toBe('学科: 音乐；课堂类型: 专递课堂');
    const en = await admin.request('GET', `/api/reports/usage?scope=region&id=${f.ids.regionId}&${range}&subject=music&format=csv`, undefined, { 'accept-language': 'en' });
    const { title, lines } = titleOf(en.body);
    expect(title).toBe('Use of online interactive classrooms — 示范县');
    expect(lines.get('Filters')).toBe('Subject: Music');
    expect(lines.get('Period')).toBe(period);
  });

  it('the lesson report CSV names the lesson, its teacher, its time and when it was made', async () => {
    const res = await (await f.as('region_admin')).get(`/api/reports/lessons/${lessonSessionId}?format=csv`);
    expect(res.statusCode, res.body).toBe(200);
    const { title, lines, header } = titleOf(res.body);
    expect(title).toBe('课堂报告 — 三年级音乐');
    expect(lines.get('课程')).toBe('三年级音乐');
    expect(lines.get('主讲')).toBe('王老师 · 城关第一小学');
    expect(lines.get('上课时间')).toMatch(new RegExp(`^${addDays(today, -3)} 09:00:00 — ${addDays(today, -3)} 09:40:00$`));
    expect(lines.get('生成时间（北京时间）')).toMatch(GENERATED);
    expect(header[0]).toBe('姓名');
  });

  it('every XLSX carries its title in the document properties and each sheet’s printed header, the table still on row 1', async () => {
    const admin = await f.as('region_admin');
    const downloads = [
      { url: `/api/reports/lessons/${lessonSessionId}?format=xlsx`, title: '课堂报告 — 三年级音乐', mentions: ['三年级音乐', '王老师'] },
      { url: `/api/reports/usage?scope=region&id=${f.ids.regionId}&${range}&format=xlsx`, title: '在线互动课堂应用情况 — 示范县', mentions: ['示范县', period, '筛选'] },
      { url: `/api/reports/indicators?regionId=${f.ids.regionId}&${range}&format=xlsx`, title: '在线互动课堂督导评估指标 — 示范县', mentions: ['示范县', period, '教学点'] },
    ];
    for (const { url, title, mentions } of downloads) {
      const res = await admin.request('GET', url);
      expect(res.statusCode, url).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      expect(workbook.title, url).toBe(title);
      for (const text of [...mentions, '生成时间']) expect(workbook.description, url).toContain(text);
      for (const sheet of workbook.worksheets) {
        expect(sheet.headerFooter.oddHeader, `${url} ${sheet.name}`).toContain(title);
        expect(typeof sheet.getRow(1).getCell(1).value).toBe('string');
      }
    }
  });
});
