import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COURSEWARE_BYTES, type CoursewareView } from '../../shared/api/courseware.js';
import { courseware } from '../../server/db/schema/index.js';
import { sha256Of } from '../../server/core/file-store.js';
import { PNG_BYTES } from '../../server/evaluation/attachments/sample-files.js';
import { createOrganisationFixture, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import type { TestClient } from '../support/app.js';
import { buildApp } from '../../server/app.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'courseware');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const PDF = fixture('three-pages.pdf');
const PPTX = fixture('slides.pptx');
const BROKEN_PPTX = fixture('broken.pptx');
/** LibreOffice is installed by `npm ci` (scripts/ensure-libreoffice.mjs); without it conversions cannot be shown to work. */
const HAS_SOFFICE = spawnSync('soffice', ['--version'], { stdio: 'ignore' }).status === 0;
if (!HAS_SOFFICE) console.warn('courseware tests: soffice is not installed — the conversion tests are SKIPPED (as root: node scripts/ensure-libreoffice.mjs)');

const upload = (client: TestClient, courseId: number, name: string, bytes: Uint8Array, title?: string) =>
  client.request('POST', `/api/courses/${courseId}/courseware?name=${encodeURIComponent(name)}${title ? `&title=${encodeURIComponent(title)}` : ''}`, Buffer.from(bytes), { 'content-type': 'application/octet-stream', 'accept-language': 'zh-CN' });

/** Polls the view until the conversion is over (as the teacher's page does), returning every view seen. */
async function untilConverted(client: TestClient, id: number, timeoutMs = 90_000): Promise<CoursewareView[]> {
  const seen: CoursewareView[] = [];
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const view = (await client.get(`/api/courseware/${id}`)).json() as CoursewareView;
    seen.push(view);
    if (view.status !== 'converting') return seen;
  }
  throw new Error(`courseware ${id} still converting after ${timeoutMs} ms`);
}

describe('courseware library', () => {
  let f: OrganisationFixture;
  let teacher: TestClient;
  let pdfId: number;
  beforeAll(async () => {
    f = await createOrganisationFixture();
    teacher = await f.as('teacher');
  });
  afterAll(async () => f.close());

  it('keeps an uploaded PDF ready at once, with its pages, and lists it for the course', async () => {
    const res = await upload(teacher, f.ids.courseId, '春天来了.pdf', PDF);
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json() as CoursewareView;
    expect(view).toMatchObject({ courseId: f.ids.courseId, title: '春天来了', fileName: '春天来了.pdf', sourceKind: 'pdf', sizeBytes: PDF.length, status: 'ready', progress: 100, pageCount: 3, error: null, uploadedBy: '王老师' });
    pdfId = view.id;
    const list = (await (await f.as('assistant_teacher')).get(`/api/courses/${f.ids.courseId}/courseware`)).json() as { items: CoursewareView[] };
    expect(list.items.map((i) => i.id)).toContain(pdfId);
  });

  it('tells the kind by the bytes: a picture named .pdf is refused with a message a teacher reads, and nothing is kept', async () => {
    const before = await f.db.select().from(courseware);
    const res = await upload(teacher, f.ids.courseId, '课件.pdf', PNG_BYTES);
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toMatchObject({ code: 'courseware_type_not_allowed', message: expect.stringContaining('“课件.pdf”不是 PDF、PPT、PPTX、DOC 或 DOCX 文件') });
    const empty = await upload(teacher, f.ids.courseId, '空.pdf', new Uint8Array());
    expect([empty.statusCode, empty.json().error.code]).toEqual([400, 'file_empty']);
    const broken = await upload(teacher, f.ids.courseId, '坏的.pdf', PDF.subarray(0, 700));
    expect([broken.statusCode, broken.json().error.code]).toEqual([422, 'broken_file']);
    expect(broken.json().error.message).toContain('“坏的.pdf”已损坏');
    expect(await f.db.select().from(courseware)).toEqual(before);
  });

  it('refuses a file over the limit with 413 before reading it, naming the limit', async () => {
    const res = await upload(teacher, f.ids.courseId, '大文件.pdf', Buffer.alloc(MAX_COURSEWARE_BYTES + 1, 0x25));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'file_too_large', message: expect.stringContaining('最多 50 MB') });
  });

  it('serves the PDF to every site of the course, cacheable by its sha256, and answers 304 when the site has it', async () => {
    const sha = sha256Of(PDF);
    for (const who of ['teacher', 'student', 'classroom_device', 'assistant_teacher', 'student_link', 'school_admin'] as const) {
      const res = await (await f.as(who)).get(`/api/courseware/${pdfId}/document`);
      expect({ who, status: res.statusCode }).toEqual({ who, status: 200 });
      expect(res.rawPayload.equals(PDF)).toBe(true);
      expect(res.headers).toMatchObject({ 'content-type': 'application/pdf', etag: `"${sha}"`, 'cache-control': 'private, max-age=31536000, immutable' });
      expect(String(res.headers['content-disposition'])).toMatch(/^inline; /);
    }
    const device = await f.as('classroom_device');
    const again = await device.request('GET', `/api/courseware/${pdfId}/document`, undefined, { 'if-none-match': `"${sha}"` });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('never gives the bytes to someone outside the course', async () => {
    for (const who of ['other_region_admin', 'other_school_admin', 'other_group_admin'] satisfies PrincipalKey[]) {
      const res = await (await f.as(who)).get(`/api/courseware/${pdfId}/document`);
      expect({ who, status: res.statusCode }).toEqual({ who, status: 403 });
      expect(res.rawPayload.includes(Buffer.from('%PDF'))).toBe(false);
    }
    expect((await (await f.as('anonymous')).get(`/api/courseware/${pdfId}/document`)).statusCode).toBe(401);
    expect((await teacher.get('/api/courseware/999999/document')).statusCode).toBe(404);
  });

  it('gives the file as uploaded to the teachers of the course only', async () => {
    const res = await teacher.get(`/api/courseware/${pdfId}/source`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(PDF)).toBe(true);
    expect(String(res.headers['content-disposition'])).toMatch(/^attachment; /);
    expect((await (await f.as('student')).get(`/api/courseware/${pdfId}/source`)).statusCode).toBe(403);
  });

  it('renames, and removes from the list while keeping the row for lessons that showed it', async () => {
    const id = ((await upload(teacher, f.ids.courseId, '临时.pdf', PDF)).json() as CoursewareView).id;
    const renamed = await teacher.patch(`/api/courseware/${id}`, { title: '  第二课 小雨沙沙  ' });
    expect(renamed.json()).toMatchObject({ id, title: '第二课 小雨沙沙' });
    expect((await (await f.as('student')).patch(`/api/courseware/${id}`, { title: 'x' })).statusCode).toBe(403);
    expect((await teacher.delete(`/api/courseware/${id}`)).statusCode).toBe(204);
    expect((await teacher.get(`/api/courseware/${id}`)).statusCode).toBe(404);
    expect((await teacher.get(`/api/courseware/${id}/document`)).statusCode).toBe(404);
    const list = (await teacher.get(`/api/courses/${f.ids.courseId}/courseware`)).json() as { items: CoursewareView[] };
    expect(list.items.map((i) => i.id)).not.toContain(id);
    const [row] = await f.db.select().from(courseware).where(eq(courseware.id, id));
    expect(row?.removedAt).toBeInstanceOf(Date);
  });

  it.skipIf(!HAS_SOFFICE)('converts a PPTX with LibreOffice, showing progress, to a PDF every site can fetch', { timeout: 120_000 }, async () => {
    const res = await upload(teacher, f.ids.courseId, '春晓.pptx', PPTX);
    expect(res.statusCode, res.body).toBe(201);
    const queued = res.json() as CoursewareView;
    expect(queued).toMatchObject({ sourceKind: 'pptx', status: 'converting', pageCount: null });
    expect(queued.progress).toBeLessThan(80);
    // Not yet a PDF: nothing to fetch.
    expect((await teacher.get(`/api/courseware/${queued.id}/document`)).statusCode).toBe(404);
    const seen = await untilConverted(teacher, queued.id);
    const done = seen.at(-1)!;
    expect(done).toMatchObject({ status: 'ready', progress: 100, pageCount: 2, error: null });
    // Progress only goes forward, and while converting never claims more than the stages reached.
    const progress = seen.map((v) => v.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(seen.filter((v) => v.status === 'converting').every((v) => v.progress < 100)).toBe(true);
    const pdf = await (await f.as('classroom_device')).get(`/api/courseware/${queued.id}/document`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const source = await teacher.get(`/api/courseware/${queued.id}/source`);
    expect(source.rawPayload.equals(PPTX)).toBe(true);
    expect(source.headers['content-type']).toContain('presentationml');
  });

  it.skipIf(!HAS_SOFFICE)('fails a PPTX LibreOffice cannot open, saying so, and serves no document', { timeout: 120_000 }, async () => {
    const res = await upload(teacher, f.ids.courseId, '坏的.pptx', BROKEN_PPTX);
    expect(res.statusCode, res.body).toBe(201);
    const done = (await untilConverted(teacher, (res.json() as CoursewareView).id)).at(-1)!;
    expect(done).toMatchObject({ status: 'failed', error: 'conversion_failed', pageCount: null });
    expect((await teacher.get(`/api/courseware/${done.id}/document`)).statusCode).toBe(404);
  });
});

describe('the conversion queue across a restart', () => {
  it.skipIf(!HAS_SOFFICE)('finishes, after a new start on the same database, a conversion the stopped server was in the middle of', { timeout: 120_000 }, async () => {
    const f = await createOrganisationFixture();
    try {
      const teacher = await f.as('teacher');
      const id = ((await upload(teacher, f.ids.courseId, '春晓.pptx', PPTX)).json() as CoursewareView).id;
      const row = async () => (await f.db.select().from(courseware).where(eq(courseware.id, id)))[0]!;
      for (let i = 0; i < 100 && (await row()).progress < 10; i++) await new Promise((r) => setTimeout(r, 50));
      await f.t.app.close();
      // The stop killed LibreOffice and left the document queued, not failed.
      expect(await row()).toMatchObject({ status: 'converting', progress: 10, pdfSha256: null });

      const restarted = await buildApp({ config: f.t.config, database: f.t.database, logger: false, clientDir: join(FIXTURES, 'no-client') });
      await restarted.ready();
      try {
        for (const deadline = Date.now() + 90_000; (await row()).status === 'converting' && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 250));
        expect(await row()).toMatchObject({ status: 'ready', progress: 100, pageCount: 2, error: null });
      } finally {
        await restarted.close();
      }
    } finally {
      await f.close();
    }
  });
});
