import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { createOrganisationFixture, type OrganisationFixture } from '../../test/support/fixtures.js';
import { roleGrants, studentProfiles, users } from '../db/schema/index.js';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { MAX_IMPORT_BYTES, MAX_IMPORT_COLUMNS, MAX_IMPORT_ROWS, readImportFile } from './import-file.js';

describe('CSV user import', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  const countUsers = async () => (await f.db.select().from(users)).length;

  it('imports teachers and students in one go, and says which accounts have no password', async () => {
    const csv = [
      '\ufeffusername,display_name,role,password,grade,class_name,home_delivery',
      'zhang.t,张老师,teacher,teacher-pass-1,,,',
      'stu01,王小二,student,,3,三年级,否',
      'stu02,"李,小三",student,student-pass-2,4,四年级,是',
      '',
    ].join('\r\n');
    const admin = await f.as('school_admin');
    const res = await admin.post('/api/users/import', { schoolId: f.ids.leadSchoolId, csv });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ imported: 3, dryRun: false, errors: [], withoutPassword: ['stu01'] });
    expect(res.json().notices[0]).toContain('学生链接');

    const created = await f.db.select().from(users).where(inArray(users.username, ['zhang.t', 'stu01', 'stu02'])).orderBy(users.id);
    expect(created.map((u) => [u.username, u.displayName, u.passwordHash !== null])).toEqual([
      ['zhang.t', '张老师', true],
      ['stu01', '王小二', false],
      ['stu02', '李,小三', true],
    ]);
    const stu02 = created.find((u) => u.username === 'stu02');
    expect((await f.db.select().from(studentProfiles).where(eq(studentProfiles.userId, stu02?.id ?? 0)))[0]).toMatchObject({
      schoolId: f.ids.leadSchoolId,
      grade: 4,
      className: '四年级',
      homeDelivery: true,
    });
    expect(await f.db.select().from(roleGrants).where(eq(roleGrants.userId, stu02?.id ?? 0))).toEqual([
      expect.objectContaining({ role: 'student', schoolId: f.ids.leadSchoolId }),
    ]);
  });

  it('imports nothing when any row is wrong, and reports every problem by line in Chinese', async () => {
    const csv = [
      'username,display_name,role,password,grade,class_name,home_delivery',
      'good.one,好学生,student,,2,二年级,no', // line 2: fine on its own
      'teacher,重名,teacher,long-password,,,', // line 3: taken in the database
      'good.one,又一个,student,,2,,', // line 4: duplicate of line 2
      'stu.bad,缺年级,student,,,,maybe', // line 5: no grade, bad home_delivery
      'x,坏名字,principal,short,,,', // line 6: bad user name, role, password
      '"multi',
      'line",跨行,teacher,,5,,', // lines 7–8: user name with a line break, no password, grade for a teacher
    ].join('\n');
    const before = await countUsers();
    const res = await (await f.as('school_admin')).post('/api/users/import', { schoolId: f.ids.leadSchoolId, csv });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('import_invalid');
    expect(res.json().error.message).toBe('导入文件有错误，没有导入任何数据。');
    expect(res.json().error.details).toEqual([
      { line: 3, column: 'username', message: '用户名“teacher”已被使用。' },
      { line: 4, column: 'username', message: '用户名“good.one”与第 2 行重复。' },
      { line: 5, column: 'grade', message: '学生必须填写年级（1–9）。' },
      { line: 5, column: 'home_delivery', message: '“送教上门”应填 是/否、yes/no、1/0 或 true/false。' },
      { line: 6, column: 'username', message: '用户名只能包含英文字母、数字和 . _ @ -，长度 2–64 个字符。' },
      { line: 6, column: 'role', message: '角色“principal”无效，应为 教师、辅导教师、学生 或 学校管理员。' },
      { line: 6, column: 'password', message: '密码长度应为 8–200 个字符。' },
      { line: 7, column: 'username', message: '用户名只能包含英文字母、数字和 . _ @ -，长度 2–64 个字符。' },
      { line: 7, column: 'password', message: '教职工账号必须设置密码（只有学生可以凭学生链接登录）。' },
      { line: 7, column: 'grade', message: '只有学生需要填写“年级”，请留空或检查角色。' },
    ]);
    expect(await countUsers()).toBe(before);
  });

  it('answers in English when asked, and checks without importing on a dry run', async () => {
    const admin = await f.as('region_admin');
    const bad = await admin.request('POST', '/api/users/import', { schoolId: f.ids.teachingPointId, csv: 'username,display_name\nabc,A' }, { 'accept-language': 'en' });
    expect(bad.json().error.details).toEqual([{ line: 1, column: 'role', message: 'The required column "role" is missing.' }]);

    const before = await countUsers();
    const dry = await admin.post('/api/users/import', { schoolId: f.ids.teachingPointId, csv: 'username,display_name,role,grade\ndry.one,试一试,student,1', dryRun: true });
    expect(dry.json()).toMatchObject({ imported: 1, dryRun: true, errors: [], withoutPassword: ['dry.one'] });
    expect(await countUsers()).toBe(before);
  });

  it('refuses a file over the size bound with one clear message, importing nothing', async () => {
    const before = await countUsers();
    const row = (i: number) => `big${String(i).padStart(6, '0')},${'长'.repeat(20)},student,,3,三年级,否`;
    const lines = ['username,display_name,role,password,grade,class_name,home_delivery'];
    for (let i = 0, bytes = 0; bytes <= MAX_IMPORT_BYTES; i++) {
      lines.push(row(i));
      bytes += Buffer.byteLength(row(i)) + 1;
    }
    const res = await (await f.as('school_admin')).post('/api/users/import', { schoolId: f.ids.leadSchoolId, csv: lines.join('\n') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'import_invalid', details: [{ line: 1, message: `文件太大（最多 ${MAX_IMPORT_BYTES / 1024} KB），请分成几个文件。` }] });
    expect(await countUsers()).toBe(before);
  });

  it("refuses importing into a school outside the caller's reach, and an unknown school", async () => {
    const admin = await f.as('school_admin');
    const csv = 'username,display_name,role,grade\nfar.away,远方,student,1';
    expect((await admin.post('/api/users/import', { schoolId: f.ids.teachingPointId, csv })).statusCode).toBe(403);
    expect((await admin.post('/api/users/import', { schoolId: 99999, csv })).statusCode).toBe(400);
    expect((await (await f.as('teacher')).post('/api/users/import', { schoolId: f.ids.leadSchoolId, csv })).statusCode).toBe(403);
  });
});

describe('user lists as schools really have them', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  const CHINESE_LIST = ['用户名,姓名,角色,密码,年级,班级,送教上门', 'gbk.teacher,赵老师,教师,teacher-pass-9,,,', 'gbk.stu,钱小燕,学生,,5,五年级（2）班,是', ''].join('\r\n');
  const upload = async (bytes: Buffer, dryRun = false) =>
    (await f.as('school_admin')).post('/api/users/import', { schoolId: f.ids.leadSchoolId, file: bytes.toString('base64'), dryRun });
  const named = async (names: string[]) => (await f.db.select().from(users).where(inArray(users.username, names)).orderBy(users.username));

  it('reads a GBK file saved by Excel on Chinese Windows, says so in the preview, and imports the Chinese text intact', async () => {
    const gbk = iconv.encode(CHINESE_LIST, 'gbk');
    const preview = await upload(gbk, true);
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({ imported: 2, dryRun: true, encoding: 'gb18030' });
    expect(await named(['gbk.stu', 'gbk.teacher'])).toEqual([]);

    const res = await upload(gbk);
    expect(res.json()).toMatchObject({ imported: 2, encoding: 'gb18030' });
    expect((await named(['gbk.stu', 'gbk.teacher'])).map((u) => u.displayName)).toEqual(['钱小燕', '赵老师']);
    const stu = (await named(['gbk.stu']))[0];
    expect((await f.db.select().from(studentProfiles).where(eq(studentProfiles.userId, stu?.id ?? 0)))[0]).toMatchObject({ grade: 5, className: '五年级（2）班', homeDelivery: true });
    expect(await f.db.select().from(roleGrants).where(eq(roleGrants.userId, (await named(['gbk.teacher']))[0]?.id ?? 0))).toEqual([expect.objectContaining({ role: 'teacher' })]);
  });

  it('tells UTF-8 with and without BOM apart', async () => {
    const list = (name: string) => `用户名,姓名,角色,年级\n${name},孙小林,学生,2\n`;
    expect((await upload(Buffer.from(list('utf8.plain')), true)).json().encoding).toBe('utf-8');
    expect((await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(list('utf8.bom'))]), true)).json()).toMatchObject({ imported: 1, encoding: 'utf-8-bom' });
  });

  it('refuses text it cannot decode with a clear message, importing nothing', async () => {
    const before = (await f.db.select().from(users)).length;
    // Windows-1252 (a Western Excel): neither UTF-8 nor GBK.
    const latin = iconv.encode('username,display_name,role,grade\nzoe.b,Zoë Brontë,student,3\nrene.c,René Çelik,student,3\n', 'win1252');
    const res = await upload(latin);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('import_invalid');
    expect(res.json().error.details).toEqual([{ line: 1, column: '', message: expect.stringMatching(/^无法识别文件的文字编码（看起来像 .+），没有导入任何数据。/) }]);
    expect((await f.db.select().from(users)).length).toBe(before);
  });

  it('imports an XLSX workbook directly (its first sheet)', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('名单');
    sheet.addRow(['用户名', '姓名', '角色', '密码', '年级', '班级', '送教上门']);
    sheet.addRow(['xlsx.teacher', '周老师', '辅导教师', 'assistant-pass', null, null, null]);
    sheet.addRow(['xlsx.stu', '吴小雨', '学生', null, 6, '六年级', '否']);
    workbook.addWorksheet('说明').addRow(['这一页不是名单']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await upload(bytes);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ imported: 2, encoding: 'xlsx', withoutPassword: ['xlsx.stu'] });
    expect((await named(['xlsx.stu', 'xlsx.teacher'])).map((u) => u.displayName)).toEqual(['吴小雨', '周老师']);
    expect(await f.db.select().from(roleGrants).where(eq(roleGrants.userId, (await named(['xlsx.teacher']))[0]?.id ?? 0))).toEqual([expect.objectContaining({ role: 'assistant_teacher' })]);
  });

  it('offers the template in CSV (UTF-8 with BOM) and XLSX with Chinese column names and roles, and both import as they are', async () => {
    const admin = await f.as('school_admin');
    const csv = await admin.get('/api/users/import-template?format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.body.replace('\ufeff', '').split('\r\n')[0]).toBe('用户名,姓名,角色,密码,年级,班级,送教上门');
    expect(csv.body).toContain('学生');
    const dryCsv = await upload(csv.rawPayload, true);
    expect(dryCsv.json()).toMatchObject({ imported: 3, encoding: 'utf-8-bom' });

    const xlsx = await admin.get('/api/users/import-template?format=xlsx');
    expect(xlsx.headers['content-disposition']).toContain('.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]?.getRow(1).values).toEqual([undefined, '用户名', '姓名', '角色', '密码', '年级', '班级', '送教上门']);
    expect((await upload(xlsx.rawPayload, true)).json()).toMatchObject({ imported: 3, encoding: 'xlsx' });
  });
});

describe('readImportFile', () => {
  it('reports an unclosed quote, unknown columns and a wrong number of cells', () => {
    expect(readImportFile('username,display_name,role\n"open,a,teacher\n').issues).toEqual([{ line: 2, column: '', key: 'malformed' }]);
    expect(readImportFile('username,display_name,role,age\n').issues).toEqual([
      { line: 1, column: 'age', key: 'unknownColumn', params: { column: 'age' } },
      { line: 1, column: '', key: 'empty' },
    ]);
    expect(readImportFile('username,display_name,role\nabc,A\n').issues).toEqual([{ line: 2, column: '', key: 'columnCount', params: { expected: 3, actual: 2 } }]);
  });

  it('bounds the rows and the columns, answering once instead of once per cell', () => {
    const header = 'username,display_name,role,grade';
    const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `s${i},学生${i},student,3`);
    expect(readImportFile([header, ...rows].join('\n')).issues).toEqual([{ line: 1, column: '', key: 'tooManyRows', params: { max: MAX_IMPORT_ROWS } }]);
    expect(readImportFile([header, ...rows.slice(0, MAX_IMPORT_ROWS)].join('\n')).issues).toEqual([]);
    const wideHeader = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',');
    expect(readImportFile(`${wideHeader}\n`).issues).toEqual([{ line: 1, column: '', key: 'tooManyColumns', params: { max: MAX_IMPORT_COLUMNS } }]);
    const wideRow = `ab,A,student,3${',x'.repeat(MAX_IMPORT_COLUMNS)}`;
    expect(readImportFile(`${header}\nok,B,student,2\n${wideRow}\n`).issues).toEqual([{ line: 3, column: '', key: 'tooManyColumns', params: { max: MAX_IMPORT_COLUMNS } }]);
  });

  it('reads 是/yes/1/true as home delivery and skips blank lines keeping line numbers', () => {
    const { rows, issues } = readImportFile('username,display_name,role,grade,home_delivery\n\nab,A,student,1,是\n,,,,\ncd,C,Student,2,TRUE\n');
    expect(issues).toEqual([]);
    expect(rows.map((r) => [r.line, r.username, r.role, r.student?.homeDelivery])).toEqual([
      [3, 'ab', 'student', true],
      [5, 'cd', 'student', true],
    ]);
  });
});
