import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checklist, ChecklistAttachment, ExchangeEntry, ExchangeRegister } from '../../shared/api/evaluation-checklist.js';
import { MAX_ATTACHMENT_BYTES } from '../../shared/api/evaluation-checklist.js';
import type { IndicatorReport, UsageReport } from '../../shared/api/evidence-usage.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { refreshLessonRollups } from '../../server/evidence/usage/maintain.js';
import { checklistParts } from '../../server/evaluation/checklist/parts.js';
import { MINIMAL_PDF, PNG_BYTES } from '../../server/evaluation/attachments/sample-files.js';
import { sha256Of } from '../../server/core/file-store.js';
import { createOrganisationFixture, recordFinishedLesson, type OrganisationFixture } from '../support/fixtures.js';

/*
 * The fixture county: the lead school's teacher 王老师 teaches music from the host classroom to the teaching
 * point's receiving classroom. Two lessons of this term are recorded (both delivered to the teaching point),
 * so: 2 active classrooms, both used, 2 hosted + 2 received lessons; the teaching point received music but
 * not art; one lead teacher taught another school's class online.
 */
describe('the government-guarantee and quality checklist and the exchange register', () => {
  let f: OrganisationFixture;
  let base: string;
  const filesOnDisk = (): string[] => {
    const root = f.t.config.attachmentsDir;
    const walk = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [e.name])) : []);
    return walk(root);
  };
  const upload = async (itemKey: string, name: string, bytes: Uint8Array, who: Parameters<OrganisationFixture['as']>[0] = 'region_admin') =>
    (await f.as(who)).post(`${base}/checklist/items/${itemKey}/attachments`, { name, data: Buffer.from(bytes).toString('base64') });
  const checklist = async (): Promise<Checklist> => (await (await f.as('region_admin')).get(`${base}/checklist`)).json() as Checklist;
  const register = async (): Promise<ExchangeRegister> => (await (await f.as('region_admin')).get(`${base}/exchange`)).json() as ExchangeRegister;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    base = `/api/evaluation/regions/${f.ids.regionId}/terms/${f.ids.termId}`;
    const today = shanghaiDate(new Date());
    const sites = (at: number) => [
      { participantId: `t${at}`, userId: f.ids.users.teacher, siteKind: 'host' as const, classroomId: f.ids.hostClassroomId, schoolId: f.ids.leadSchoolId },
      { participantId: `d${at}`, userId: f.ids.users.classroom_device, siteKind: 'receiving_classroom' as const, classroomId: f.ids.receivingClassroomId, schoolId: f.ids.teachingPointId },
    ];
    for (const days of [-9, -4]) {
      const id = await recordFinishedLesson(f, shanghaiInstant(addDays(today, days), '09:00'), sites(days));
      await refreshLessonRollups(f.db, id);
    }
    const targets = await (await f.as('region_admin')).put(`/api/regions/${f.ids.regionId}/targets`, { lessonsPerWeek: null, subjectsPerTerm: null, attendancePct: null, requiredSubjects: ['music', 'art'], maxCv: null });
    expect(targets.statusCode, targets.body).toBe(200);
  });
  afterAll(async () => f.close());

  it('lists the whole catalogue, grouped by aspect, with statuses not started', async () => {
    const list = await checklist();
    expect(list.term.id).toBe(f.ids.termId);
    expect(list.items.filter((i) => i.aspect === 'government').length).toBeGreaterThanOrEqual(10);
    expect(list.items.filter((i) => i.aspect === 'quality').length).toBeGreaterThanOrEqual(6);
    expect(new Set(list.items.map((i) => i.key)).size).toBe(list.items.length);
    expect(list.items.every((i) => i.status === 'not_started' && i.note === '')).toBe(true);
    expect(list.maxAttachmentBytes).toBe(10 * 1024 * 1024);
  });

  it('keeps an item status and note, and refuses an unknown item or status', async () => {
    const admin = await f.as('region_admin');
    const saved = await admin.put(`${base}/checklist/items/gov.class_size`, { status: 'met', note: '全县最大班额 44 人' });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ key: 'gov.class_size', status: 'met', note: '全县最大班额 44 人' });
    expect((await admin.put(`${base}/checklist/items/gov.no_such_item`, { status: 'met' })).statusCode).toBe(404);
    expect((await admin.put(`${base}/checklist/items/gov.class_size`, { status: 'done' })).statusCode).toBe(400);
    // Only the note changes; the status stays.
    await admin.put(`${base}/checklist/items/gov.class_size`, { note: '最大班额 44 人（2026 年秋统计）' });
    expect((await checklist()).items.find((i) => i.key === 'gov.class_size')).toMatchObject({ status: 'met', note: '最大班额 44 人（2026 年秋统计）' });
  });

  it('fills in classroom usage exactly as the usage reports count it', async () => {
    const item = (await checklist()).items.find((i) => i.key === 'quality.equipment_use')!;
    expect(item.auto?.kind).toBe('classroom_usage');
    const admin = await f.as('region_admin');
    let classrooms = 0;
    let used = 0;
    let lessons = 0;
    for (const school of [f.ids.leadSchoolId, f.ids.teachingPointId, f.ids.independentSchoolId]) {
      const report = (await admin.get(`/api/reports/usage?scope=school&id=${school}&termId=${f.ids.termId}`)).json() as UsageReport;
      for (const row of report.rows.filter((r) => r.unit.kind === 'classroom')) {
        classrooms += 1;
        const n = row.figures.hostedLessons + row.figures.receivedLessons;
        lessons += n;
        if (n > 0) used += 1;
      }
    }
    const weeks = (Date.parse(shanghaiDate(new Date())) - Date.parse(addDays(shanghaiDate(new Date()), -30))) / 86_400_000 / 7 + 1 / 7;
    const value = (key: string) => item.auto!.figures.find((fig) => fig.key === key)!.value;
    expect([classrooms, used, lessons]).toEqual([2, 2, 4]);
    expect(value('classrooms')).toBe(classrooms);
    expect(value('usedClassrooms')).toBe(used);
    expect(value('usedShare')).toBe(1);
    expect(value('lessonsPerClassroomWeek')).toBeCloseTo(lessons / classrooms / weeks, 12);
    expect(item.auto!.sourcePath).toBe(`/reports/usage?scope=region&id=${f.ids.regionId}&termId=${f.ids.termId}`);
  });

  it('fills in subject coverage at teaching points from the indicator report', async () => {
    const item = (await checklist()).items.find((i) => i.key === 'quality.curriculum')!;
    const indicators = (await (await f.as('region_admin')).get(`/api/reports/indicators?regionId=${f.ids.regionId}&termId=${f.ids.termId}`)).json() as IndicatorReport;
    const point = indicators.schools.find((s) => s.school.id === f.ids.teachingPointId)!;
    expect(point.missingRequiredSubjects).toEqual(['art']);
    expect(item.auto?.figures.find((fig) => fig.key === 'completeTeachingPoints')).toMatchObject({ value: 0, met: false });
    expect(item.auto?.table.rows).toEqual([['石门教学点', point.receivedLessons, '音乐', '美术']]);
  });

  it('refuses a disguised or an oversized file and stores nothing', async () => {
    const before = filesOnDisk();
    const rows = (await checklist()).items.flatMap((i) => i.attachments).length;
    const disguised = await upload('gov.music_art_rooms', '专用教室验收.pdf', PNG_BYTES);
    expect(disguised.statusCode).toBe(415);
    expect(disguised.json().error.message).toContain('专用教室验收.pdf');
    const program = await upload('gov.music_art_rooms', '验收报告.pdf', Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(100)]));
    expect(program.statusCode).toBe(415);
    const oversized = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 0x20);
    MINIMAL_PDF.copy(oversized);
    const big = await upload('gov.music_art_rooms', '扫描件.pdf', oversized);
    expect(big.statusCode).toBe(413);
    expect(big.json().error.message).toContain('10 MB');
    expect(filesOnDisk()).toEqual(before);
    expect((await checklist()).items.flatMap((i) => i.attachments).length).toBe(rows);
  });

  let attachment: ChecklistAttachment;
  it('stores the same bytes once, and downloads them as an attachment with their type', async () => {
    const first = await upload('gov.teacher_exchange', '交流轮岗方案.pdf', MINIMAL_PDF);
    expect(first.statusCode, first.body).toBe(201);
    attachment = first.json() as ChecklistAttachment;
    expect(attachment).toMatchObject({ itemKey: 'gov.teacher_exchange', sha256: sha256Of(MINIMAL_PDF), bytes: MINIMAL_PDF.length, contentType: 'application/pdf' });
    const second = await upload('quality.management_it', '方案副本.pdf', MINIMAL_PDF);
    expect(second.statusCode).toBe(201);
    expect(filesOnDisk().filter((name) => name === attachment.sha256)).toHaveLength(1);
    expect(filesOnDisk()).toHaveLength(1);

    const download = await (await f.as('region_admin')).get(`${base}/checklist/attachments/${attachment.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="attachment-\d+\.pdf"; filename\*=UTF-8''/);
    expect(download.rawPayload.equals(MINIMAL_PDF)).toBe(true);
  });

  it('lists the attachments in the section the snapshot keeps, and unlinking keeps the stored file', async () => {
    const parts = checklistParts(f.db, f.t.app.tongke.places, f.t.config);
    const section = await parts.sections.checklist({ regionId: f.ids.regionId, termId: f.ids.termId });
    expect(section.key).toBe('checklist');
    expect(section.attachments).toContainEqual({ itemKey: 'gov.teacher_exchange', name: '交流轮岗方案.pdf', sha256: sha256Of(MINIMAL_PDF), bytes: MINIMAL_PDF.length, contentType: 'application/pdf' });
    const items = section.tables.find((t) => t.key === 'items')!;
    expect(items.rows.find((r) => r[1] === 'gov.class_size')?.[4]).toBe('已达标');

    const admin = await f.as('region_admin');
    expect((await admin.delete(`${base}/checklist/attachments/${attachment.id}`)).statusCode).toBe(204);
    expect((await admin.get(`${base}/checklist/attachments/${attachment.id}`)).statusCode).toBe(404);
    expect(await parts.store.has(attachment.sha256)).toBe(true);
  });

  it('computes the exchange shares exactly and shows the online figure beside them', async () => {
    const admin = await f.as('region_admin');
    const entry = (body: Record<string, unknown>) => admin.post(`${base}/exchange/entries`, { fromSchoolId: f.ids.leadSchoolId, toSchoolId: f.ids.teachingPointId, fromDate: '2026-09-01', toDate: '2027-01-20', keyTeacher: false, ...body });
    expect((await admin.put(`${base}/exchange/eligible`, { eligibleTeachers: 20 })).statusCode).toBe(200);
    const wang = await entry({ teacherId: f.ids.users.teacher, keyTeacher: true });
    expect(wang.statusCode, wang.body).toBe(201);
    expect((wang.json() as ExchangeEntry).teacherName).toBe('王老师');
    expect((await entry({ teacherName: '赵老师', fromSchoolId: f.ids.independentSchoolId })).statusCode).toBe(201);
    // The same teacher again (a second rotation) is one exchanged teacher.
    expect((await entry({ teacherId: f.ids.users.teacher, toSchoolId: f.ids.independentSchoolId, fromDate: '2026-11-01' })).statusCode).toBe(201);

    // Refused, and nothing changes: a school of another region, no teacher at all, a student's account.
    const before = await register();
    expect((await entry({ teacherName: '钱老师', toSchoolId: f.ids.otherSchoolId })).statusCode).toBe(400);
    expect((await entry({})).statusCode).toBe(400);
    expect((await entry({ teacherId: f.ids.users.student })).statusCode).toBe(400);
    expect((await register()).entries).toEqual(before.entries);

    const { shares, online, teachers } = await register();
    // The form offers the region's teachers by account (the other region's are not among them).
    expect(teachers).toEqual([{ id: f.ids.users.teacher, name: '王老师', schoolId: f.ids.leadSchoolId }]);
    expect(shares).toEqual({ exchanged: 2, keyTeachers: 1, eligibleTeachers: 20, exchangedShare: 2 / 20, exchangedMet: true, keyShare: 1 / 2, keyMet: true });
    expect(online.figures[0]).toMatchObject({ key: 'onlineTeachers', value: 1 });
    expect(online.table.rows).toEqual([['王老师', '城关第一小学', '石门教学点', 2]]);
    const section = await checklistParts(f.db, f.t.app.tongke.places, f.t.config).sections.exchange({ regionId: f.ids.regionId, termId: f.ids.termId });
    expect(section.figures.filter((fig) => fig.key === 'exchangedShare' || fig.key === 'keyShare' || fig.key === 'onlineTeachers')).toEqual([
      { key: 'exchangedShare', label: '交流轮岗教师占符合条件教师的比例', value: 0.1, requirement: '≥ 10 %', met: true },
      { key: 'keyShare', label: '骨干教师占交流轮岗教师的比例', value: 0.5, requirement: '≥ 20 %', met: true },
      { key: 'onlineTeachers', label: '在线为其他学校授课的主讲教师（另列，不计入交流轮岗）', value: 1, unit: '人' },
    ]);
    expect(section.tables.find((t) => t.key === 'register')?.rows).toHaveLength(3);

    // 23 eligible: 2/23 < 10 %.
    expect((await admin.put(`${base}/exchange/eligible`, { eligibleTeachers: 23 })).json().shares).toMatchObject({ exchangedShare: 2 / 23, exchangedMet: false });
    const zhao = (await register()).entries.find((e) => e.teacherName === '赵老师')!;
    const edited = await admin.put(`${base}/exchange/entries/${zhao.id}`, { teacherName: '赵老师', fromSchoolId: f.ids.independentSchoolId, toSchoolId: f.ids.teachingPointId, fromDate: '2026-09-01', toDate: null, keyTeacher: true, note: '支教一年' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await register()).shares).toMatchObject({ keyTeachers: 2, keyShare: 1 });
    expect((await admin.delete(`${base}/exchange/entries/${zhao.id}`)).statusCode).toBe(204);
    expect((await register()).shares).toMatchObject({ exchanged: 1, keyTeachers: 1 });
  });

  it('exports the checklist and the register as workbooks', async () => {
    const admin = await f.as('region_admin');
    for (const [path, sheet, cell] of [
      ['checklist', '评估项目清单', '班额'],
      ['exchange', '交流轮岗登记', '王老师'],
    ] as const) {
      const res = await admin.get(`${base}/${path}?format=xlsx`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('spreadsheetml');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const values = workbook.getWorksheet(sheet)!.getSheetValues().flat().map(String);
      expect(values).toContain(cell);
    }
  });

  it("gives another region's admin 403 on every route (the download too) and changes nothing", async () => {
    const outsider = await f.as('other_region_admin');
    const before = [await checklist(), await register()] as const;
    const fileId = before[0].items.flatMap((i) => i.attachments)[0]!.id;
    const entryId = before[1].entries[0]!.id;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `${base}/checklist`],
      ['GET', `${base}/checklist?format=xlsx`],
      ['PUT', `${base}/checklist/items/gov.layout`, { status: 'met' }],
      ['POST', `${base}/checklist/items/gov.layout/attachments`, { name: 'a.pdf', data: MINIMAL_PDF.toString('base64') }],
      ['GET', `${base}/checklist/attachments/${fileId}`],
      ['DELETE', `${base}/checklist/attachments/${fileId}`],
      ['GET', `${base}/exchange`],
      ['PUT', `${base}/exchange/eligible`, { eligibleTeachers: 1 }],
      ['POST', `${base}/exchange/entries`, { teacherName: '孙老师', fromSchoolId: f.ids.leadSchoolId, toSchoolId: f.ids.teachingPointId, fromDate: '2026-09-01', keyTeacher: false }],
      ['PUT', `${base}/exchange/entries/${entryId}`, { teacherName: '孙老师', fromSchoolId: f.ids.leadSchoolId, toSchoolId: f.ids.teachingPointId, fromDate: '2026-09-01', keyTeacher: false }],
      ['DELETE', `${base}/exchange/entries/${entryId}`],
    ];
    for (const [method, url, body] of calls) {
      const res = await outsider.request(method as 'GET', url, body);
      expect({ method, url, status: res.statusCode }).toEqual({ method, url, status: 403 });
    }
    // Its own region with this region's term: the term is not its region's.
    expect((await outsider.get(`/api/evaluation/regions/${f.ids.otherRegionId}/terms/${f.ids.termId}/checklist`)).statusCode).toBe(404);
    expect([await checklist(), await register()]).toEqual([...before]);
  });
});
