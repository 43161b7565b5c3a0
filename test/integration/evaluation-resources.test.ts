import ExcelJS from 'exceljs';
import { Check } from 'typebox/value';
import { EvaluationSection } from '../../shared/api/evaluation.js';
import { ResourceRepository } from '../../server/evaluation/resources/repository.js';
import { buildResourcesSection } from '../../server/evaluation/resources/section.js';
import { ResourceService } from '../../server/evaluation/resources/service.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorDisparity, ResourcesReport, SchoolResources } from '../../shared/api/evaluation-resources.js';
import type { ResourceIndicator, ResourceStage } from '../../shared/api/evaluation-resources.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { classrooms, schools } from '../../server/db/schema/index.js';
import { refreshLessonRollups } from '../../server/evidence/usage/maintain.js';
import { createOrganisationFixture, recordFinishedLesson, type OrganisationFixture } from '../support/fixtures.js';

/*
 * The worked example, entered through the import (the template Tongke generates, filled in with exceljs). The
 * fixture county 示范县 has 城关第一小学 (primary), 石门教学点 (primary) and 河口中学 (junior); this test adds a
 * nine-year school 马鞍九年一贯制学校, split into a primary and a junior part, and a twelve-year school left blank.
 *
 * Inputs (students; degree teachers, key teachers, PE/art teachers, floor m², sports m², equipment yuan, networked rooms)
 * and the values they give (per 100 students for teachers and rooms, per student otherwise):
 *   Primary  A 城关第一小学  2000; 100, 30, 20, 10000, 16000, 5 000 000, 50 → 5, 1.5, 1, 5, 8, 2500, 2.5     7 met → passes
 *            B 石门教学点      20;   1,  0,  0,   200,   300,    30 000,  1 → 5, 0,   0, 10, 15, 1500, 5     4 met → fails
 *            C 马鞍 (小学)     500;  20,  5,  5,  2500,  4000, 1 000 000, 12 → 4, 1,   1, 5, 8, 2000, 2.4    6 met, 4/4.2 = 95 % → passes
 *   Junior   D 河口中学       600;  36,  6,  6,  3600,  6000, 1 800 000, 15 → 6, 1,   1, 6, 10, 3000, 2.5   6 met, 10/10.2 = 98 % → passes
 *            C 马鞍 (初中)     300;  15,  2,  3,  1800,  3300,   900 000,  9 → 5, 2/3, 1, 6, 11, 3000, 3    5 met → fails
 *
 * Student-weighted 差异系数 CV = √(Σ Pᵢ(Xᵢ − X̄)²/P) / X̄, by hand (P = 2520 primary, 900 junior):
 *   primary degree:    X̄ = (2000·5 + 20·5 + 500·4)/2520 = 605/126;  S² = (2020·(5 − 605/126)² + 500·(4 − 605/126)²)/2520 = 2525/15876
 *   primary key:       X̄ = (2000·1.5 + 0 + 500·1)/2520 = 25/18;     S² = (2000·(1/9)² + 20·(25/18)² + 500·(7/18)²)/2520 = 125/2268
 *   primary PE/art:    X̄ = (2000 + 0 + 500)/2520 = 125/126;         S² = (2500·(1/126)² + 20·(125/126)²)/2520 = 125/15876
 *   primary floor:     X̄ = (2000·5 + 20·10 + 500·5)/2520 = 635/126; S² = (2500·(5/126)² + 20·(625/126)²)/2520 = 3125/15876
 *   primary sports:    X̄ = (2500·8 + 20·15)/2520 = 145/18;          S² = (2500·(1/18)² + 20·(125/18)²)/2520 = 125/324
 *   primary equipment: X̄ = (2000·2500 + 20·1500 + 500·2000)/2520 = 16750/7; S² = 20312500/441
 *   primary rooms:     X̄ = (2000·2.5 + 20·5 + 500·2.4)/2520 = 5/2;  S² = (20·2.5² + 500·0.1²)/2520 = 13/252
 *   junior degree:     X̄ = (600·6 + 300·5)/900 = 17/3;  S² = (600·(1/3)² + 300·(2/3)²)/900 = 2/9
 *   junior key:        X̄ = (600·1 + 300·2/3)/900 = 8/9; S² = (600·(1/9)² + 300·(2/9)²)/900 = 2/81
 *   junior PE/art, floor, equipment: equal values → CV 0
 *   junior sports:     X̄ = (600·10 + 300·11)/900 = 31/3; S² = 2/9
 *   junior rooms:      X̄ = (600·2.5 + 300·3)/900 = 8/3;  S² = (600·(1/6)² + 300·(1/3)²)/900 = 1/18
 */
const cv = (variance: number, mean: number) => Math.sqrt(variance) / mean;
const EXPECTED_CV: Record<ResourceStage, Record<ResourceIndicator, number>> = {
  primary: {
    degreeTeachers: cv(2525 / 15876, 605 / 126),
    keyTeachers: cv(125 / 2268, 25 / 18),
    peArtTeachers: cv(125 / 15876, 125 / 126),
    floorArea: cv(3125 / 15876, 635 / 126),
    sportsArea: cv(125 / 324, 145 / 18),
    equipmentValue: cv(20312500 / 441, 16750 / 7),
    networkedClassrooms: cv(13 / 252, 5 / 2),
  },
  junior: { degreeTeachers: cv(2 / 9, 17 / 3), keyTeachers: cv(2 / 81, 8 / 9), peArtTeachers: 0, floorArea: 0, sportsArea: cv(2 / 9, 31 / 3), equipmentValue: 0, networkedClassrooms: cv(1 / 18, 8 / 3) },
};
const INPUTS: Record<string, Record<string, number[]>> = {
  城关第一小学: { 小学: [2000, 100, 30, 20, 10000, 16000, 5_000_000, 50] },
  石门教学点: { 小学: [20, 1, 0, 0, 200, 300, 30_000, 1] },
  马鞍九年一贯制学校: { 小学: [500, 20, 5, 5, 2500, 4000, 1_000_000, 12], 初中: [300, 15, 2, 3, 1800, 3300, 900_000, 9] },
  河口中学: { 初中: [600, 36, 6, 6, 3600, 6000, 1_800_000, 15] },
};

describe('the seven resource indicators, entered through the import', () => {
  let f: OrganisationFixture;
  let nineYearId: number;
  let base: string;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    const { db, ids } = f;
    const [nine] = await db.insert(schools).values({ regionId: ids.regionId, name: '马鞍九年一贯制学校', groupRole: 'member', locality: 'township', stage: 'nine_year', studentCount: 800 }).returning();
    await db.insert(schools).values({ regionId: ids.regionId, name: '青山十二年一贯制学校', groupRole: 'member', locality: 'urban', stage: 'twelve_year', studentCount: 3000 });
    nineYearId = nine!.id;
    // The lead school has a second multimedia classroom that no lesson used; the teaching point's receiving classroom
    // did not join the one recorded lesson (only the host classroom did).
    await db.insert(classrooms).values({ schoolId: ids.leadSchoolId, name: '录播教室', receiving: false });
    await db.insert(classrooms).values({ schoolId: ids.teachingPointId, name: '旧机房', multimedia: false });
    const lesson = await recordFinishedLesson(f, shanghaiInstant(addDays(shanghaiDate(new Date()), -7), '09:00'), [
      { participantId: 'host', userId: ids.users.teacher, siteKind: 'host', classroomId: ids.hostClassroomId, schoolId: ids.leadSchoolId },
    ]);
    await refreshLessonRollups(db, lesson);
    base = `/api/evaluation/regions/${ids.regionId}/terms/${ids.termId}/resources`;
  });
  afterAll(async () => f.close());

  /** The template as Tongke generates it, with the worked example typed into its rows. */
  async function filledTemplate(edit?: (sheet: ExcelJS.Worksheet) => void): Promise<string> {
    const res = await (await f.as('region_admin')).get(`${base}/template.xlsx`);
    expect(res.statusCode, res.body).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    sheet.eachRow((row, line) => {
      if (line === 1) return;
      const values = INPUTS[row.getCell(1).text]?.[row.getCell(2).text];
      values?.forEach((value, i) => (row.getCell(3 + i).value = value));
    });
    edit?.(sheet);
    return Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
  }

  it('generates a template with one row per stage part of the region, with Chinese headers and units', async () => {
    const res = await (await f.as('region_admin')).get(`${base}/template.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(3).text).toBe('在校学生数（人）');
    expect(sheet.getRow(1).getCell(9).text).toBe('教学仪器设备值（元）');
    const parts: string[] = [];
    sheet.eachRow((row, line) => line > 1 && parts.push(`${row.getCell(1).text} ${row.getCell(2).text}`));
    // The nine-year and twelve-year schools each have a primary and a junior row (no senior row); the other region's school is not there.
    expect(parts.sort()).toEqual(['城关第一小学 小学', '河口中学 初中', '石门教学点 小学', '青山十二年一贯制学校 初中', '青山十二年一贯制学校 小学', '马鞍九年一贯制学校 初中', '马鞍九年一贯制学校 小学'].sort());
  });

  it('refuses a bad file as a whole, naming the row and column, and imports nothing', async () => {
    const admin = await f.as('region_admin');
    const file = await filledTemplate((sheet) => {
      sheet.getRow(3).getCell(4).value = -1; // a negative count
      sheet.getRow(4).getCell(3).value = 12.5; // half a pupil
      sheet.addRow(['不存在的学校', '小学', 1, 1, 1, 1, 1, 1, 1, 1]);
    });
    const res = await admin.post(`${base}/import`, { file });
    expect(res.statusCode).toBe(400);
    const { error } = res.json() as { error: { code: string; details: Array<{ line: number; column: string; message: string }> } };
    expect(error.code).toBe('import_invalid');
    expect(error.details).toHaveLength(3);
    expect(error.details[0]).toMatchObject({ line: 3, column: '高于规定学历教师数（人）' });
    expect(error.details[0]!.message).toBe('第 3 行“高于规定学历教师数（人）”：应为不小于 0 的整数，不能是“-1”。');
    expect(error.details[1]).toMatchObject({ line: 4, column: '在校学生数（人）' });
    expect(error.details[2]!.message).toContain('本区县没有名为“不存在的学校”的学校');
    expect((await admin.get(base)).json().parts).toEqual([]);
  });

  it('checks without writing on a dry run, then imports the worked example', async () => {
    const admin = await f.as('region_admin');
    const file = await filledTemplate();
    const dry = await admin.post(`${base}/import`, { file, dryRun: true });
    expect(dry.json()).toEqual({ imported: 5, skipped: 2, dryRun: true });
    expect((await admin.get(base)).json().parts).toEqual([]);
    const res = await admin.post(`${base}/import`, { file });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ imported: 5, skipped: 2, dryRun: false });
  });

  it('gives each indicator’s student-weighted 差异系数 per stage exactly, and the right verdicts', async () => {
    const report = (await (await f.as('region_admin')).get(base)).json() as ResourcesReport;
    const verdicts = Object.fromEntries(report.parts.map((p) => [`${p.schoolName} ${p.stage}`, [p.metCount, p.passed]]));
    expect(verdicts).toEqual({
      '城关第一小学 primary': [7, true],
      '石门教学点 primary': [4, false],
      '马鞍九年一贯制学校 primary': [6, true],
      '马鞍九年一贯制学校 junior': [5, false],
      '河口中学 junior': [6, true],
    });
    for (const d of report.disparities as IndicatorDisparity[]) {
      expect(Math.abs(d.cv! - EXPECTED_CV[d.stage][d.indicator]), `${d.stage} ${d.indicator}`).toBeLessThan(1e-9);
      expect(d.met).toBe(true);
    }
    expect(report.disparities.find((d) => d.stage === 'junior')!.limit).toBe(0.45);
    // Primary key teachers: the terms of Σ Pᵢ(Xᵢ − X̄)² are A 2000·(1/9)² = 8000/324, B 20·(25/18)² = 12500/324,
    // C 500·(7/18)² = 24500/324; C alone is 24500/45000 ≈ 54 % of it (over half), so only C is named, below the mean.
    const key = report.disparities.find((d) => d.stage === 'primary' && d.indicator === 'keyTeachers')!;
    expect(key.pullingUp.map((c) => [c.schoolName, c.above])).toEqual([['马鞍九年一贯制学校', false]]);
    expect(Math.abs(key.pullingUp[0]!.share - 24500 / 45000)).toBeLessThan(1e-9);
    // The twelve-year school was left blank: both its parts are still to be entered.
    expect(report.missing.map((m) => `${m.schoolName} ${m.stage}`).sort()).toEqual(['青山十二年一贯制学校 junior', '青山十二年一贯制学校 primary']);
  });

  it('renders the self-evaluation section: the CVs against their limits, the parts passing, and the tables', async () => {
    const section = await buildResourcesSection(new ResourceService(new ResourceRepository(f.db)))({ regionId: f.ids.regionId, termId: f.ids.termId });
    expect(Check(EvaluationSection, section)).toBe(true);
    const figure = (key: string) => section.figures.find((fig) => fig.key === key);
    expect(figure('cv.primary.keyTeachers')).toMatchObject({ requirement: '≤ 0.50', met: true });
    expect(Math.abs((figure('cv.primary.keyTeachers')!.value as number) - EXPECTED_CV.primary.keyTeachers)).toBeLessThan(1e-9);
    expect(figure('cv.junior.sportsArea')).toMatchObject({ requirement: '≤ 0.45', met: true });
    // Primary: A and C pass, B fails; junior: D passes, C fails.
    expect(figure('passed.primary')).toMatchObject({ value: 2, unit: '/ 3', met: false });
    expect(figure('passed.junior')).toMatchObject({ value: 1, unit: '/ 2', met: false });
    expect(section.tables.map((t) => [t.key, t.rows.length])).toEqual([
      ['parts', 5],
      ['disparity', 14],
      ['classrooms', 4],
      ['missing', 2],
    ]);
    // Primary parts first, then junior, each by school name in pinyin order (Cheng, Ma, Shi; He, Ma).
    expect(section.tables[0]!.rows.map((r) => `${r[0]} ${r[1]}`)).toEqual(['城关第一小学 小学', '马鞍九年一贯制学校 小学', '石门教学点 小学', '河口中学 初中', '马鞍九年一贯制学校 初中']);
    const stoneGate = section.tables[0]!.rows.find((r) => r[0] === '石门教学点')!;
    expect([stoneGate[1], stoneGate[2], stoneGate.at(-1)]).toEqual(['小学', 20, '未达标']);
  });

  it('splits the nine-year school into its two stage parts', async () => {
    const res = await (await f.as('region_admin')).get(`${base}/schools/${nineYearId}`);
    const school = res.json() as SchoolResources;
    expect(school.stages).toEqual(['primary', 'junior']);
    expect(school.parts.map((p) => [p.stage, p.students, p.keyTeachers])).toEqual([
      ['junior', 300, 2],
      ['primary', 500, 5],
    ]);
    expect(school.parts[0]!.updatedBy).toBe('示范县管理员');
  });

  it('checks indicator 7 against the registry and the term’s lessons', async () => {
    const report = (await (await f.as('region_admin')).get(base)).json() as ResourcesReport;
    const byName = Object.fromEntries(report.classrooms.map((c) => [c.schoolName, c]));
    // 城关第一小学 declares 50, Tongke knows 2 multimedia classrooms, one of which hosted the term's lesson.
    expect(byName['城关第一小学']).toMatchObject({ declared: 50, registered: 2, unused: ['录播教室'], declaredMoreThanRegistered: true });
    // 石门教学点 declares 1 and has 1 (the old computer room is not multimedia), which received no lesson.
    expect(byName['石门教学点']).toMatchObject({ declared: 1, registered: 1, unused: ['教学点教室'], declaredMoreThanRegistered: false });
  });

  it("lets a school admin edit her own school's parts, not another school's", async () => {
    const school = await f.as('school_admin');
    const url = `${base}/schools/${f.ids.leadSchoolId}`;
    const parts = [{ stage: 'primary', students: 2000, degreeTeachers: 100, keyTeachers: 30, peArtTeachers: 20, floorArea: 10000, sportsArea: 16000, equipmentValue: 5_000_000, networkedClassrooms: 40 }];
    const res = await school.put(url, { parts });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as SchoolResources).parts[0]).toMatchObject({ networkedClassrooms: 40, updatedBy: '一小管理员' });
    const wrongStage = await school.put(url, { parts: [{ ...parts[0], stage: 'junior' }] });
    expect(wrongStage.statusCode).toBe(400);
    expect(wrongStage.body).toContain('城关第一小学没有初中学段');
    expect((await school.put(`${base}/schools/${f.ids.independentSchoolId}`, { parts: [{ ...parts[0], stage: 'junior' }] })).statusCode).toBe(403);
    expect((await school.get(base)).statusCode).toBe(403);
  });

  it("keeps another region's admin out and changes nothing", async () => {
    const other = await f.as('other_region_admin');
    const before = (await (await f.as('region_admin')).get(base)).json();
    expect((await other.get(base)).statusCode).toBe(403);
    expect((await other.get(`${base}/template.xlsx`)).statusCode).toBe(403);
    expect((await other.post(`${base}/import`, { file: await filledTemplate() })).statusCode).toBe(403);
    expect((await other.put(`${base}/schools/${f.ids.leadSchoolId}`, { parts: [] })).statusCode).toBe(403);
    // Their own region with this region's term: the term is not theirs.
    expect((await other.get(`/api/evaluation/regions/${f.ids.otherRegionId}/terms/${f.ids.termId}/resources`)).statusCode).toBe(404);
    expect((await (await f.as('region_admin')).get(base)).json()).toEqual(before);
  });

  it('lets the organisation record a twelve-year school, whose parts are primary and junior', async () => {
    const admin = await f.as('region_admin');
    const res = await admin.post('/api/schools', { regionId: f.ids.regionId, groupId: null, name: '东湖十二年一贯制学校', groupRole: 'member', locality: 'urban', stage: 'twelve_year', studentCount: 2400 });
    expect(res.statusCode, res.body).toBe(201);
    const school = (await admin.get(`${base}/schools/${res.json().id}`)).json() as SchoolResources;
    expect(school).toMatchObject({ school: { stage: 'twelve_year' }, stages: ['primary', 'junior'], parts: [] });
  });

  it('exports the section tables as a workbook', async () => {
    const res = await (await f.as('region_admin')).get(`${base}/export`);
    expect(res.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).text).toBe('学校');
    expect(sheet.rowCount).toBe(6);
  });
});
