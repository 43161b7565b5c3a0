import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationPreview, SnapshotFile, SubmissionDetail, SubmissionSummary } from '../../shared/api/evaluation-review.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { evaluationSnapshots, regions, schools, terms } from '../../server/db/schema/index.js';
import { refreshLessonRollups } from '../../server/evidence/usage/maintain.js';
import { canonicalJson } from '../../server/evaluation/review/canonical.js';
import { ReviewRepository } from '../../server/evaluation/review/repository.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, recordFinishedLesson, type OrganisationFixture } from '../support/fixtures.js';
import { TestClient } from '../support/app.js';
import { MINIMAL_PDF } from '../../server/evaluation/attachments/sample-files.js';

/*
 * The fixture's county 示范县 is put under the city 示范市 in the province 示范省; 邻市 is another city of the
 * same province. One delivered lesson of the fixture's music course (lead school → teaching point) is recorded
 * in the term, so the usage section has figures to freeze.
 */
describe('the review chain county → city → province', () => {
  let f: OrganisationFixture;
  let city: TestClient;
  let cityColleague: TestClient;
  let otherCity: TestClient;
  let province: TestClient;
  let county: TestClient;

  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const signIn = async (username: string) => {
    const client = new TestClient(f.t.app);
    expect((await client.login(username, FIXTURE_PASSWORD)).statusCode).toBe(200);
    return client;
  };
  const submit = (client: TestClient = county) => client.post(`/api/evaluation/regions/${f.ids.regionId}/submissions`, { termId: f.ids.termId });
  const detail = async (client: TestClient, id: number): Promise<SubmissionDetail> => {
    const res = await client.get(`/api/evaluation/submissions/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as SubmissionDetail;
  };
  const snapshot = async (client: TestClient, id: number, version: number): Promise<SnapshotFile> => {
    const res = await client.get(`/api/evaluation/submissions/${id}/versions/${version}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as SnapshotFile;
  };
  const decide = (client: TestClient, d: SubmissionDetail, decision: 'return' | 'approve', comment?: string) =>
    client.post(`/api/evaluation/submissions/${d.submission.id}/decision`, { decision, revision: d.submission.revision, ...(comment && { comment }) });
  const usageFigure = (file: SnapshotFile, key: string) => file.document.sections.find((s) => s.key === 'usage')!.figures.find((x) => x.key === key)!.value;
  const schoolRow = (file: SnapshotFile, name: string) => file.document.sections.find((s) => s.key === 'usage')!.tables.find((t) => t.key === 'schools')!.rows.find((r) => r[0] === name)!;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    const { db, ids } = f;
    const [provinceRow] = await db.insert(regions).values({ name: '示范省', code: 'demo-province', level: 'province' }).returning();
    const [cityRow] = await db.insert(regions).values({ name: '示范市', code: 'demo-city', level: 'city', parentId: provinceRow!.id }).returning();
    const [otherCityRow] = await db.insert(regions).values({ name: '邻市', code: 'other-city', level: 'city', parentId: provinceRow!.id }).returning();
    await db.update(regions).set({ parentId: cityRow!.id }).where(eq(regions.id, ids.regionId));
    await f.addUser('city-reviewer', 'city_reviewer', { regionId: cityRow!.id });
    await f.addUser('city-reviewer-2', 'city_reviewer', { regionId: cityRow!.id });
    await f.addUser('other-city-reviewer', 'city_reviewer', { regionId: otherCityRow!.id });
    await f.addUser('province-reviewer', 'province_reviewer', { regionId: provinceRow!.id });
    city = await signIn('city-reviewer');
    cityColleague = await signIn('city-reviewer-2');
    otherCity = await signIn('other-city-reviewer');
    province = await signIn('province-reviewer');
    county = await f.as('region_admin');
    const lesson = await recordFinishedLesson(f, shanghaiInstant(addDays(shanghaiDate(new Date()), -3), '09:00'), [
      { participantId: 't', userId: ids.users.teacher, siteKind: 'host', classroomId: ids.hostClassroomId, schoolId: ids.leadSchoolId },
      { participantId: 'd', userId: ids.users.classroom_device, siteKind: 'receiving_classroom', classroomId: ids.receivingClassroomId, schoolId: ids.teachingPointId },
    ]);
    await refreshLessonRollups(db, lesson);
  });
  afterAll(async () => f.close());

  it('previews the live file, then runs submit → city returns → county resubmits → city approves → province approves, keeping every step', async () => {
    const preview = await county.get(`/api/evaluation/regions/${f.ids.regionId}/preview?termId=${f.ids.termId}`);
    expect(preview.statusCode, preview.body).toBe(200);
    const live = preview.json() as EvaluationPreview;
    expect(live.canSubmit).toBe(true);
    expect(live.submission).toBeNull();
    expect(live.sections.map((s) => s.key)).toContain('usage');

    const first = await submit();
    expect(first.statusCode, first.body).toBe(201);
    let d = first.json() as SubmissionDetail;
    expect(d.submission).toMatchObject({ state: 'submitted_to_city', version: 1 });
    expect(d.canResubmit).toBe(false);
    const v1 = await snapshot(county, d.submission.id, 1);
    // The lesson recorded three days ago was delivered to the teaching point: the frozen file says so.
    expect(usageFigure(v1, 'delivered_lessons')).toBe(1);
    expect(schoolRow(v1, '石门教学点')[4]).toBe(18);
    expect(v1.sha256).toBe(d.versions[0]!.sha256);
    // The usage-equity 差异系数 is split by stage and, with no target of the county's own, read against nothing
    // (never the resource indicators' 0.50 / 0.45).
    const usage = v1.document.sections.find((s) => s.key === 'usage')!;
    const cvs = usage.figures.filter((x) => x.key.startsWith('usage_cv_'));
    expect(cvs.map((x) => x.key).sort()).toEqual(['usage_cv_junior', 'usage_cv_primary']);
    expect(cvs.every((x) => x.requirement === undefined && x.met === undefined)).toBe(true);

    // The county may not judge its own file, nor may the province before the city.
    expect((await decide(county, d, 'approve')).statusCode).toBe(403);
    expect((await decide(province, d, 'approve')).statusCode).toBe(403);
    expect((await county.post(`/api/evaluation/submissions/${d.submission.id}/comments`, { version: 1, body: '自己批注' })).statusCode).toBe(403);

    const cityView = await detail(city, d.submission.id);
    expect(cityView.canReview).toBe(true);
    const comment = await city.post(`/api/evaluation/submissions/${d.submission.id}/comments`, { version: 1, sectionKey: 'usage', itemKey: 'schools', body: '石门教学点学生数与学籍不符，请核实。' });
    expect(comment.statusCode, comment.body).toBe(201);
    expect((await city.post(`/api/evaluation/submissions/${d.submission.id}/comments`, { version: 1, sectionKey: 'usage', itemKey: 'no-such-table', body: '？' })).statusCode).toBe(400);
    expect((await decide(city, cityView, 'return')).statusCode, 'a return says why').toBe(400);
    const returned = await decide(city, cityView, 'return', '请核实学生数后重新提交。');
    expect(returned.statusCode, returned.body).toBe(200);
    expect((returned.json() as SubmissionDetail).submission.state).toBe('returned_by_city');

    // The county sees the comment on the item and fixes its data; the resubmission is version 2.
    d = await detail(county, d.submission.id);
    expect(d.canResubmit).toBe(true);
    expect(d.comments).toEqual([expect.objectContaining({ version: 1, sectionKey: 'usage', itemKey: 'schools', body: '石门教学点学生数与学籍不符，请核实。', author: expect.objectContaining({ name: 'city-reviewer' }) })]);
    await f.db.update(schools).set({ studentCount: 21 }).where(eq(schools.id, f.ids.teachingPointId));
    const second = await submit();
    expect(second.statusCode, second.body).toBe(201);
    d = second.json() as SubmissionDetail;
    expect(d.submission).toMatchObject({ state: 'submitted_to_city', version: 2 });
    expect(d.versions.map((v) => v.version)).toEqual([1, 2]);
    const v2 = await snapshot(county, d.submission.id, 2);
    expect(schoolRow(v2, '石门教学点')[4]).toBe(21);
    expect(v2.sha256).not.toBe(v1.sha256);

    const seenByCity = await detail(city, d.submission.id);
    expect((await decide(city, seenByCity, 'approve')).statusCode).toBe(200);
    expect((await decide(cityColleague, seenByCity, 'return', '退回')).statusCode, 'decided on a revision that has moved on').toBe(409);
    expect((await decide(city, await detail(city, d.submission.id), 'approve')).statusCode, 'the city step is over').toBe(403);
    const final = await decide(province, await detail(province, d.submission.id), 'approve', '同意。');
    expect(final.statusCode, final.body).toBe(200);
    d = final.json() as SubmissionDetail;
    expect(d.submission.state).toBe('approved_by_province');
    expect((await submit()).statusCode, 'an approved file is not submitted again').toBe(409);

    const ids = f.ids.users;
    expect(d.history.map((e) => [e.action, e.fromState, e.toState, e.version, e.comment])).toEqual([
      ['submit', null, 'submitted_to_city', 1, null],
      ['return', 'submitted_to_city', 'returned_by_city', 1, '请核实学生数后重新提交。'],
      ['submit', 'returned_by_city', 'submitted_to_city', 2, null],
      ['approve', 'submitted_to_city', 'approved_by_city', 2, null],
      ['approve', 'approved_by_city', 'approved_by_province', 2, '同意。'],
    ]);
    expect(d.history[0]!.actor.id).toBe(ids.region_admin);
    expect(d.history.map((e) => e.actor.name)).toEqual(['示范县管理员', 'city-reviewer', '示范县管理员', 'city-reviewer', 'province-reviewer']);
    expect(d.history.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);

    // Old versions stay as they were, and each hash recomputes from its document alone.
    const again = await snapshot(province, d.submission.id, 1);
    expect(again).toEqual(v1);
    for (const file of [v1, v2]) expect(sha256(canonicalJson(file.document))).toBe(file.sha256);
  });

  it('keeps a frozen snapshot unchanged when the school data changes afterwards', async () => {
    const [submission] = (await (await county.get('/api/evaluation/submissions')).json()) as SubmissionSummary[];
    const before = await snapshot(county, submission!.id, 2);
    const [stored] = await f.db.select().from(evaluationSnapshots).where(eq(evaluationSnapshots.submissionId, submission!.id)).orderBy(evaluationSnapshots.version);
    await f.db.update(schools).set({ studentCount: 999, name: '石门教学点（改名）' }).where(eq(schools.id, f.ids.teachingPointId));
    const after = await snapshot(county, submission!.id, 2);
    expect(after).toEqual(before);
    expect(schoolRow(after, '石门教学点')[4]).toBe(21);
    expect(sha256(canonicalJson(after.document))).toBe(before.sha256);
    const [storedAfter] = await f.db.select().from(evaluationSnapshots).where(eq(evaluationSnapshots.submissionId, submission!.id)).orderBy(evaluationSnapshots.version);
    expect(storedAfter).toEqual(stored);
    // …while the live preview shows the data as it is now.
    const live = (await county.get(`/api/evaluation/regions/${f.ids.regionId}/preview?termId=${f.ids.termId}`)).json() as EvaluationPreview;
    const rows = live.sections.find((s) => s.key === 'usage')!.tables.find((t) => t.key === 'schools')!.rows;
    expect(rows.find((r) => r[0] === '石门教学点（改名）')?.[4]).toBe(999);
    await f.db.update(schools).set({ studentCount: 21, name: '石门教学点' }).where(eq(schools.id, f.ids.teachingPointId));
  });

  it('exports a version as one workbook whose numbers parse back to the snapshot', async () => {
    const [submission] = (await (await city.get('/api/evaluation/submissions')).json()) as SubmissionSummary[];
    const file = await snapshot(city, submission!.id, 2);
    const res = await city.get(`/api/evaluation/submissions/${submission!.id}/versions/2?format=xlsx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const cover = workbook.getWorksheet('封面')!;
    const coverRows = new Map<string, unknown>();
    cover.eachRow((row, n) => n > 1 && coverRows.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(coverRows.get('内容哈希 SHA-256')).toBe(file.sha256);
    expect(coverRows.get('版本')).toBe(2);
    expect(String(coverRows.get('如何校验'))).toContain('evaluation:verify');

    const figures = workbook.getWorksheet('指标汇总')!;
    const parsed = new Map<string, unknown>();
    figures.eachRow((row, n) => n > 1 && parsed.set(String(row.getCell(2).value), row.getCell(4).value ?? null));
    const usage = file.document.sections.find((s) => s.key === 'usage')!;
    for (const figure of usage.figures) expect(parsed.get(figure.key), figure.key).toBe(figure.value);
    for (const table of usage.tables) {
      const sheet = workbook.getWorksheet(table.title.replace(/[[\]:*?/\\]/g, '-').slice(0, 31))!;
      expect(sheet, table.title).toBeDefined();
      const read: unknown[][] = [];
      sheet.eachRow((row, n) => n > 1 && read.push(table.columns.map((_, i) => row.getCell(i + 1).value ?? null)));
      expect(read, table.key).toEqual(table.rows);
    }
  });

  it('shows a reviewer only the counties below her, and lets nobody else act', async () => {
    const [submission] = (await (await county.get('/api/evaluation/submissions')).json()) as SubmissionSummary[];
    const id = submission!.id;
    expect((await (await city.get('/api/evaluation/submissions')).json()).map((s: SubmissionSummary) => s.id)).toEqual([id]);
    expect(await (await otherCity.get('/api/evaluation/submissions')).json()).toEqual([]);
    for (const outsider of [otherCity, await f.as('other_region_admin'), await f.as('school_admin'), await f.as('teacher')]) {
      expect([403, 404]).toContain((await outsider.get(`/api/evaluation/submissions/${id}`)).statusCode);
      expect([403, 404]).toContain((await outsider.get(`/api/evaluation/submissions/${id}/versions/1`)).statusCode);
      expect([403, 404]).toContain((await outsider.get(`/api/evaluation/regions/${f.ids.regionId}/preview?termId=${f.ids.termId}`)).statusCode);
      expect([403, 404]).toContain((await outsider.post(`/api/evaluation/regions/${f.ids.regionId}/submissions`, { termId: f.ids.termId })).statusCode);
    }
    // A reviewer gets nothing beyond the file: no organisation, no people, no reports.
    for (const path of ['/api/regions', '/api/users', `/api/reports/indicators?regionId=${f.ids.regionId}`]) expect([403, 404]).toContain((await city.get(path)).statusCode);
    expect((await city.post(`/api/evaluation/regions/${f.ids.regionId}/submissions`, { termId: f.ids.termId })).statusCode).toBe(403);
  });

  it('lets exactly one of two reviewers acting at once move the file', async () => {
    const { db } = f;
    const [countyB] = await db.insert(regions).values({ name: '并发县', code: 'race-county', parentId: (await db.select().from(regions).where(eq(regions.code, 'demo-city')))[0]!.id }).returning();
    const [termB] = await db.insert(terms).values({ regionId: countyB!.id, name: '本学期', startsOn: addDays(shanghaiDate(new Date()), -30), endsOn: addDays(shanghaiDate(new Date()), 90) }).returning();
    await f.addUser('race-county-admin', 'region_admin', { regionId: countyB!.id });
    const admin = await signIn('race-county-admin');
    const res = await admin.post(`/api/evaluation/regions/${countyB!.id}/submissions`, { termId: termB!.id });
    expect(res.statusCode, res.body).toBe(201);
    const seen = await detail(city, (res.json() as SubmissionDetail).submission.id);
    const [a, b] = await Promise.all([decide(city, seen, 'approve'), decide(cityColleague, seen, 'return', '退回')]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const after = await detail(city, seen.submission.id);
    expect(after.history.map((e) => e.action)).toEqual(['submit', a.statusCode === 200 ? 'approve' : 'return']);

    // Below the route, where both have read the same row before either writes: the conditional UPDATE lets one through.
    const repo = new ReviewRepository(f.t.app.tongke.db);
    const row = (await repo.submission(after.submission.id))!;
    const step = (by: number, toState: 'returned_by_province' | 'approved_by_province') =>
      repo.step(row, { action: toState === 'approved_by_province' ? 'approve' : 'return', fromState: row.state, toState, actorId: by, comment: null, at: new Date() });
    const raced = await Promise.all([step(f.ids.users.system_admin, 'approved_by_province'), step(f.ids.users.system_admin, 'returned_by_province')]);
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect((await repo.events(row.id)).length).toBe(3);
    expect((await repo.submission(row.id))!.revision).toBe(row.revision + 1);
  });

  it('keeps the files a version names: one removed from the checklist afterwards still downloads from the version', async () => {
    const [term] = await f.db.insert(terms).values({ regionId: f.ids.regionId, name: '附件学期', startsOn: '2020-02-17', endsOn: '2020-07-03' }).returning();
    const base = `/api/evaluation/regions/${f.ids.regionId}/terms/${term!.id}/checklist`;
    const added = await county.post(`${base}/items/gov.layout/attachments`, { name: '布局规划.pdf', data: MINIMAL_PDF.toString('base64') });
    expect(added.statusCode, added.body).toBe(201);
    const submitted = await county.post(`/api/evaluation/regions/${f.ids.regionId}/submissions`, { termId: term!.id });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const id = (submitted.json() as SubmissionDetail).submission.id;
    const frozen = (await snapshot(city, id, 1)).document.sections.find((s) => s.key === 'checklist')!.attachments.find((a) => a.name === '布局规划.pdf')!;
    expect(frozen.sha256).toBe(createHash('sha256').update(MINIMAL_PDF).digest('hex'));

    // The county takes the file off its checklist after submitting; the version still serves it, to the reviewer too.
    expect((await county.request('DELETE', `${base}/attachments/${(added.json() as { id: number }).id}`)).statusCode).toBe(204);
    const url = `/api/evaluation/submissions/${id}/versions/1/attachments/${frozen.sha256}`;
    for (const reader of [city, county]) {
      const got = await reader.get(url);
      expect(got.statusCode, got.body).toBe(200);
      expect(got.headers['content-type']).toContain('application/pdf');
      expect(Buffer.compare(got.rawPayload, MINIMAL_PDF)).toBe(0);
    }
    expect([403, 404]).toContain((await otherCity.get(url)).statusCode);
    expect([403, 404]).toContain((await (await f.as('other_region_admin')).get(url)).statusCode);
    // Only files the version names: another hash is not found, even one the store holds for another version.
    expect((await city.get(`/api/evaluation/submissions/${id}/versions/1/attachments/${'0'.repeat(64)}`)).statusCode).toBe(404);
    expect((await city.get(`/api/evaluation/submissions/${id}/versions/1/attachments/not-a-hash`)).statusCode).toBe(400);
  });

  it('refuses a county with no city above it, saying so, rather than filing what no reviewer can see', async () => {
    const { db } = f;
    const [lone] = await db.insert(regions).values({ name: '无上级县', code: 'lone-county' }).returning();
    const [term] = await db.insert(terms).values({ regionId: lone!.id, name: '本学期', startsOn: '2020-02-17', endsOn: '2020-07-03' }).returning();
    await f.addUser('lone-county-admin', 'region_admin', { regionId: lone!.id });
    const admin = await signIn('lone-county-admin');
    const preview = (await admin.get(`/api/evaluation/regions/${lone!.id}/preview?termId=${term!.id}`)).json() as EvaluationPreview;
    expect([preview.hasCity, preview.canSubmit]).toEqual([false, false]);
    const res = await admin.post(`/api/evaluation/regions/${lone!.id}/submissions`, { termId: term!.id });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.details).toEqual({ reason: 'no_city' });
    expect(await new ReviewRepository(db).submissionOf(lone!.id, term!.id)).toBeFalsy();
  });
});
