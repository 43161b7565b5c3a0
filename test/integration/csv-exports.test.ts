import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDICATOR_TABLES, USAGE_SCOPES, USAGE_TABLES } from '../../shared/api/evidence-usage.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { classrooms, courses, participationEvents, schools, users } from '../../server/db/schema/index.js';
import { refreshLessonRollups } from '../../server/evidence/usage/maintain.js';
import { neutraliseCell, writeCsv } from '../../server/core/csv.js';
import { createOrganisationFixture, recordFinishedLesson, type OrganisationFixture } from '../support/fixtures.js';

/** Names a school admin could type, each of which a spreadsheet would run as a formula. */
const HOSTILE = {
  school: '=HYPERLINK("http://x","y")',
  classroom: '+cmd|\' /C calc\'!A0',
  student: '@SUM(1+1)*cmd',
  course: '-2+3',
};
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

describe('the one CSV writer', () => {
  it('neutralises text cells that start with = + - @ tab or CR, and leaves numbers alone', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(neutraliseCell(`${start}1`)).toBe(`'${start}1`);
    expect(neutraliseCell('石门教学点')).toBe('石门教学点');
    expect(neutraliseCell(-3.5)).toBe(-3.5);
    expect(neutraliseCell(null)).toBeNull();
  });

  it('writes RFC 4180 with a BOM and CRLF, quoting what needs it', () => {
    expect(writeCsv(['名称', 'n'], [['a,"b"', 1], [null, -2]])).toBe('\ufeff名称,n\r\n"a,""b""",1\r\n,-2\r\n');
  });
});

/*
 * A school, classroom, course and student whose names are formulas, one recorded lesson, and then every CSV
 * Tongke produces (the lesson report, every usage table at every scope, every indicator table): no cell may
 * reach a spreadsheet starting with a formula character, and the hostile name must arrive as text.
 */
describe('every CSV export neutralises formula-like names', () => {
  let f: OrganisationFixture;
  let lessonSessionId: number;
  const today = shanghaiDate(new Date());
  const range = `from=${addDays(today, -20)}&to=${today}`;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    const { ids, db } = f;
    await db.update(schools).set({ name: HOSTILE.school }).where(eq(schools.id, ids.teachingPointId));
    await db.update(classrooms).set({ name: HOSTILE.classroom }).where(eq(classrooms.id, ids.receivingClassroomId));
    await db.update(courses).set({ name: HOSTILE.course }).where(eq(courses.id, ids.courseId));
    await db.update(users).set({ displayName: HOSTILE.student }).where(eq(users.id, ids.users.student));
    const start = shanghaiInstant(addDays(today, -3), '09:00');
    lessonSessionId = await recordFinishedLesson(f, start, [
      { participantId: 't', userId: ids.users.teacher, siteKind: 'host', classroomId: ids.hostClassroomId, schoolId: ids.leadSchoolId },
      { participantId: 'd', userId: ids.users.classroom_device, siteKind: 'receiving_classroom', classroomId: ids.receivingClassroomId, schoolId: ids.teachingPointId },
      { participantId: 's', userId: ids.users.student, siteKind: 'student', classroomId: null, schoolId: ids.teachingPointId },
    ]);
    await db.insert(participationEvents).values({ lessonSessionId, participantId: 's', userId: ids.users.student, schoolId: ids.teachingPointId, regionId: ids.regionId, kind: 'chat_message', occurredAt: start });
    await refreshLessonRollups(db, lessonSessionId);
  });
  afterAll(async () => f.close());

  /** Every CSV download, by name. */
  const csvExports = (): Array<{ name: string; url: string }> => {
    const scopeIds = { region: f.ids.regionId, group: f.ids.groupId, school: f.ids.teachingPointId, classroom: f.ids.receivingClassroomId };
    return [
      { name: 'lesson report', url: `/api/reports/lessons/${lessonSessionId}?format=csv` },
      ...USAGE_SCOPES.flatMap((scope) => USAGE_TABLES.map((table) => ({ name: `usage ${scope} ${table}`, url: `/api/reports/usage?scope=${scope}&id=${scopeIds[scope]}&${range}&format=csv&table=${table}` }))),
      ...INDICATOR_TABLES.map((table) => ({ name: `indicators ${table}`, url: `/api/reports/indicators?regionId=${f.ids.regionId}&${range}&format=csv&table=${table}` })),
    ];
  };

  it('no cell of any CSV starts with a formula character, and the hostile names arrive as text', async () => {
    const admin = await f.as('region_admin');
    const seen = new Set<string>();
    for (const { name, url } of csvExports()) {
      const res = await admin.get(url);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(200);
      expect(res.headers['content-type'], name).toMatch(/^text\/csv/);
      const cells = (parse(res.body.replace(/^\ufeff/, ''), { relax_column_count: true }) as string[][]).flat();
      for (const cell of cells) {
        if (!NUMBER.test(cell)) expect(cell, `${name}: ${JSON.stringify(cell)}`).not.toMatch(FORMULA_START);
        for (const hostile of Object.values(HOSTILE)) if (cell.includes(hostile)) seen.add(`${name}|${hostile}`);
      }
    }
    // The names did reach the exports (so the test looked at them), each time behind an apostrophe.
    expect(seen).toContain(`lesson report|${HOSTILE.school}`);
    expect(seen).toContain(`lesson report|${HOSTILE.student}`);
    expect(seen).toContain(`usage region units|${HOSTILE.school}`);
    expect(seen).toContain(`usage school units|${HOSTILE.classroom}`);
    expect(seen).toContain(`indicators schools|${HOSTILE.school}`);
  });

  it('XLSX exports hold those names as text cells, never formulas', async () => {
    const admin = await f.as('region_admin');
    const urls = [
      `/api/reports/lessons/${lessonSessionId}?format=xlsx`,
      `/api/reports/usage?scope=region&id=${f.ids.regionId}&${range}&format=xlsx`,
      `/api/reports/indicators?regionId=${f.ids.regionId}&${range}&format=xlsx`,
    ];
    for (const url of urls) {
      const res = await admin.request('GET', url);
      expect(res.statusCode, url).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      let hostileCells = 0;
      workbook.eachSheet((sheet) =>
        sheet.eachRow((row) =>
          row.eachCell((cell) => {
            expect(cell.type, `${url} ${cell.address}`).not.toBe(ExcelJS.ValueType.Formula);
            if (cell.value === HOSTILE.school) {
              expect(cell.type).toBe(ExcelJS.ValueType.String);
              hostileCells++;
            }
          }),
        ),
      );
      expect(hostileCells, url).toBeGreaterThan(0);
    }
  });
});
