import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicSurvey, SatisfactionResults, Survey, SurveyCodeList, SurveyView } from '../../shared/api/evaluation-satisfaction.js';
import { addDays, shanghaiDate } from '../../shared/time.js';
import { satisfactionCodes, satisfactionResponses } from '../../server/db/schema/index.js';
import { rows } from '../../server/db/store.js';
import { buildSatisfactionSection } from '../../server/evaluation/satisfaction/section.js';
import { SatisfactionRepository } from '../../server/evaluation/satisfaction/repository.js';
import { SatisfactionService } from '../../server/evaluation/satisfaction/service.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';

/*
 * A three-question survey of the fixture county, open since yesterday. Four codes go to the lead school's
 * parents, two to the teaching point's students. Answered (1 很满意 … 5 很不满意; satisfied = levels 1–3):
 *   lead parent A  [1, 2, 3]  → 3 of 3 satisfied
 *   lead parent B  [4, 5, 3]  → 1 of 3
 *   lead parent C  [1, 1, 1]  → 3 of 3   (sent twice at once: stored once)
 *   point student  [2, 2, 4]  → 2 of 3
 * Overall: 9 of 12 answers satisfied = 0.75 (< 0.85: not met); 4 responses of 6 codes = 2/3.
 * Lead school: 7 of 9 = 7/9, 3 of 4 codes = 0.75. Teaching point: 2 of 3, 1 of 2 codes = 0.5.
 * Question 1 levels: 1,4,1,2 → [2,1,0,1,0]; question 2: 2,5,1,2 → [1,2,0,0,1]; question 3: 3,3,1,4 → [1,0,2,1,0].
 */
describe('satisfaction surveys (社会认可度)', () => {
  let f: OrganisationFixture;
  let survey: Survey;
  let parentCodes: string[];
  let studentCodes: string[];
  const today = shanghaiDate(new Date());
  const questions = [
    { key: 'q1', text: '您对学校的办学条件是否满意？' },
    { key: 'q2', text: '您对教师的教学是否满意？' },
    { key: 'q3', text: '您对课后服务是否满意？' },
  ];
  const body = () => ({ regionId: f.ids.regionId, termId: f.ids.termId, title: '满意度调查', opensOn: addDays(today, -1), closesOn: addDays(today, 10), questions });
  const responseCount = async () => (await f.db.select({ id: satisfactionResponses.id }).from(satisfactionResponses)).length;
  const answer = async (code: string, answers: number[], comment?: string) => (await f.as('anonymous')).post(`/api/survey/${code}`, { answers, ...(comment ? { comment } : {}) });

  beforeAll(async () => {
    f = await createOrganisationFixture();
    const admin = await f.as('region_admin');
    const put = await admin.put('/api/evaluation/satisfaction', body());
    expect(put.statusCode, put.body).toBe(200);
    survey = put.json() as Survey;
    expect((await admin.post(`/api/evaluation/satisfaction/${survey.id}/codes`, { schoolId: f.ids.leadSchoolId, respondentGroup: 'parent', count: 4 })).statusCode).toBe(200);
    const issued = await admin.post(`/api/evaluation/satisfaction/${survey.id}/codes`, { schoolId: f.ids.teachingPointId, respondentGroup: 'student', count: 2 });
    expect(issued.statusCode, issued.body).toBe(200);
    expect((issued.json() as Survey).codes).toEqual(
      expect.arrayContaining([
        { schoolId: f.ids.leadSchoolId, respondentGroup: 'parent', issued: 4, used: 0 },
        { schoolId: f.ids.teachingPointId, respondentGroup: 'student', issued: 2, used: 0 },
      ]),
    );
    const list = (await admin.get(`/api/evaluation/satisfaction/${survey.id}/codes`)).json() as SurveyCodeList;
    parentCodes = list.codes.filter((c) => c.respondentGroup === 'parent').map((c) => c.code);
    studentCodes = list.codes.filter((c) => c.respondentGroup === 'student').map((c) => c.code);
    expect(list.codes[0]!.url).toMatch(/\/survey\/[A-Z2-9]{10}$/);
  });
  afterAll(async () => f?.close());

  it('opens a code without sign-in, takes its answers once, and refuses a second use', async () => {
    const opened = (await (await f.as('anonymous')).get(`/api/survey/${parentCodes[0]}`)).json() as PublicSurvey;
    expect(opened).toMatchObject({ status: 'open', schoolName: '城关第一小学', respondentGroup: 'parent', questions });
    expect((await answer(parentCodes[0]!, [1, 2, 3], '老师很负责')).statusCode).toBe(200);
    const again = await answer(parentCodes[0]!, [5, 5, 5]);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details).toEqual({ reason: 'used' });
    expect(((await (await f.as('anonymous')).get(`/api/survey/${parentCodes[0]}`)).json() as PublicSurvey).status).toBe('used');
    expect(await responseCount()).toBe(1);
  });

  it('stores one answer when the same code is sent twice at the same moment', async () => {
    const results = await Promise.all([answer(parentCodes[2]!, [1, 1, 1]), answer(parentCodes[2]!, [1, 1, 1])]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect((await answer(parentCodes[1]!, [4, 5, 3])).statusCode).toBe(200);
    expect((await answer(studentCodes[0]!, [2, 2, 4])).statusCode).toBe(200);
    expect(await responseCount()).toBe(4);
  });

  it('refuses an unknown code, answers that do not fit, and a closed survey, storing nothing', async () => {
    const before = await responseCount();
    const unknown = await answer('ZZZZZZZZZZ', [1, 1, 1]);
    expect([unknown.statusCode, unknown.json().error.details]).toEqual([400, { reason: 'unknown' }]);
    expect(((await (await f.as('anonymous')).get('/api/survey/ZZZZZZZZZZ')).json() as PublicSurvey).status).toBe('unknown');
    const short = await answer(studentCodes[1]!, [1, 1]);
    expect([short.statusCode, short.json().error.details]).toEqual([400, { reason: 'answers' }]);
    expect((await answer(studentCodes[1]!, [1, 1, 9])).statusCode).toBe(400);

    const admin = await f.as('region_admin');
    expect((await admin.put('/api/evaluation/satisfaction', { ...body(), closesOn: addDays(today, -1) })).statusCode).toBe(200);
    const closed = await answer(studentCodes[1]!, [1, 1, 1]);
    expect([closed.statusCode, closed.json().error.details]).toEqual([410, { reason: 'closed' }]);
    expect(((await (await f.as('anonymous')).get(`/api/survey/${studentCodes[1]}`)).json() as PublicSurvey)).toMatchObject({ status: 'closed', questions: [] });
    expect((await admin.put('/api/evaluation/satisfaction', body())).statusCode).toBe(200);

    expect(await responseCount()).toBe(before);
    const [code] = await f.db.select({ used: satisfactionCodes.used }).from(satisfactionCodes).where(eq(satisfactionCodes.code, studentCodes[1]!));
    expect(code!.used).toBe(false);
  });

  it('keeps a response unlinkable: no code, no user, no instant in its row; a code keeps only whether it was used', async () => {
    const columns = async (table: string) =>
      (await rows<{ name: string }>(f.db, sql`SELECT * FROM ${sql.identifier(table)} LIMIT 1`)).flatMap((r) => Object.keys(r));
    expect((await columns('satisfaction_responses')).sort()).toEqual(['answers', 'comment', 'id', 'respondent_group', 'school_id', 'submitted_on', 'survey_id']);
    expect((await columns('satisfaction_codes')).sort()).toEqual(['code', 'created_at', 'id', 'respondent_group', 'school_id', 'survey_id', 'used']);
    const stored = JSON.stringify(await rows(f.db, sql`SELECT * FROM satisfaction_responses`));
    for (const code of [...parentCodes, ...studentCodes]) expect(stored).not.toContain(code);
    expect(stored).toContain('老师很负责');
  });

  it('computes response rates and satisfaction exactly, per school, group and question', async () => {
    const res = await (await f.as('region_admin')).get(`/api/evaluation/satisfaction/${survey.id}/results`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as SatisfactionResults;
    expect(r.overall).toEqual({ issued: 6, responses: 4, responseRate: 4 / 6, answers: 12, satisfiedAnswers: 9, satisfaction: 0.75 });
    expect(r.meets).toBe(false);
    const lead = r.bySchool.find((s) => s.schoolId === f.ids.leadSchoolId)!;
    expect(lead.figures).toMatchObject({ issued: 4, responses: 3, responseRate: 0.75, satisfaction: 7 / 9 });
    const point = r.bySchool.find((s) => s.schoolId === f.ids.teachingPointId)!;
    expect(point.figures).toMatchObject({ issued: 2, responses: 1, responseRate: 0.5, satisfaction: 2 / 3 });
    expect(r.byGroup.map((g) => [g.respondentGroup, g.figures.satisfaction])).toEqual([['student', 2 / 3], ['parent', 7 / 9]]);
    expect(r.questions.map((q) => q.levels)).toEqual([[2, 1, 0, 1, 0], [1, 2, 0, 0, 1], [1, 0, 2, 1, 0]]);
    expect(r.comments).toBe(1);

    const section = await buildSatisfactionSection(new SatisfactionService(new SatisfactionRepository(f.db)))({ regionId: f.ids.regionId, termId: f.ids.termId });
    expect(section.figures[0]).toMatchObject({ key: 'satisfaction', value: 75, requirement: '≥ 85 %', met: false });
    expect(section.figures[1]).toMatchObject({ key: 'response_rate', value: (4 / 6) * 100 });
    expect(section.tables.map((t) => t.key)).toEqual(['schools', 'groups', 'questions']);
    expect(section.tables[0]!.rows.at(-1)).toEqual(['全县合计', 6, 4, (4 / 6) * 100, 75, '否']);
  });

  it('exports the results as a workbook that parses back, and the codes as CSV', async () => {
    const admin = await f.as('region_admin');
    const xlsx = await admin.get(`/api/evaluation/satisfaction/${survey.id}/results?format=xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['各校满意度', '各校分对象', '各题分布']);
    const sheet = workbook.worksheets[0]!;
    const last = sheet.getRow(sheet.rowCount);
    expect([last.getCell(1).value, last.getCell(5).value]).toEqual(['全县合计', 75]);
    const csv = await admin.get(`/api/evaluation/satisfaction/${survey.id}/codes?format=csv&unusedOnly=true`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain(studentCodes[1]);
    expect(csv.body).not.toContain(parentCodes[0]);
  });

  it('keeps the questions once the survey has opened, but lets the dates change', async () => {
    const admin = await f.as('region_admin');
    const changed = await admin.put('/api/evaluation/satisfaction', { ...body(), questions: [...questions, { key: 'q4', text: '新问题？' }] });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.details).toEqual({ reason: 'survey_opened' });
    const view = (await admin.get(`/api/evaluation/satisfaction?regionId=${f.ids.regionId}&termId=${f.ids.termId}`)).json() as SurveyView;
    expect(view.survey).toMatchObject({ state: 'open', editable: false, questions, responses: 4 });
    expect(view.defaultQuestions.length).toBeGreaterThanOrEqual(8);
  });

  it("gives another region's admin nothing: 403, and nothing changes; unknown surveys are 404", async () => {
    const other = await f.as('other_region_admin');
    expect((await other.get(`/api/evaluation/satisfaction/${survey.id}/results`)).statusCode).toBe(403);
    expect((await other.get(`/api/evaluation/satisfaction/${survey.id}/codes`)).statusCode).toBe(403);
    expect((await other.post(`/api/evaluation/satisfaction/${survey.id}/codes`, { schoolId: f.ids.leadSchoolId, respondentGroup: 'parent', count: 5 })).statusCode).toBe(403);
    expect((await other.put('/api/evaluation/satisfaction', { ...body(), title: '改掉' })).statusCode).toBe(403);
    expect((await other.get(`/api/evaluation/satisfaction?regionId=${f.ids.regionId}&termId=${f.ids.termId}`)).statusCode).toBe(403);
    expect((await f.db.select({ id: satisfactionCodes.id }).from(satisfactionCodes)).length).toBe(6);
    const admin = await f.as('region_admin');
    expect(((await admin.get(`/api/evaluation/satisfaction?regionId=${f.ids.regionId}&termId=${f.ids.termId}`)).json() as SurveyView).survey!.title).toBe('满意度调查');
    // A school of another region cannot be handed this survey's codes.
    expect((await admin.post(`/api/evaluation/satisfaction/${survey.id}/codes`, { schoolId: f.ids.otherSchoolId, respondentGroup: 'parent', count: 1 })).statusCode).toBe(403);
    expect((await admin.get('/api/evaluation/satisfaction/99999/results')).statusCode).toBe(404);
    expect((await (await f.as('anonymous')).get(`/api/evaluation/satisfaction/${survey.id}/results`)).statusCode).toBe(401);
  });

  it('limits the public page per address, so that codes cannot be guessed by trying (last: it uses up the quota)', async () => {
    const client = await f.as('anonymous');
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await client.get(`/api/survey/GUESS${String(i).padStart(5, '0')}`)).statusCode);
    // 30 a minute per address (the tests above used a few): then 429, with the wait in the message.
    const limited = statuses.indexOf(429);
    expect(limited).toBeGreaterThanOrEqual(20);
    expect(statuses.slice(0, limited).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(limited).every((s) => s === 429)).toBe(true);
  });
});
