import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import type { CoursewareView } from '../../shared/api/courseware.js';
import type { LessonReport } from '../../shared/api/evidence-lesson.js';
import type { KeptBoard } from '../../shared/lesson/features/board.js';
import { eq } from 'drizzle-orm';
import { courses, courseware } from '../../server/db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';
import { closedAttendance, lessonDriver, recordedEnd, type LessonSocket } from '../support/lesson-socket.js';

const PDF = readFileSync(join(import.meta.dirname, '../fixtures/courseware/three-pages.pdf'));
const stroke = (pageId: string, strokeId: string, points: Array<[number, number]>) => ({ pageId, strokeId, tool: 'pen' as const, colour: 'red' as const, width: 40, points });

describe('the lesson board over the real socket (real server, real worker)', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];
  const { connect, join } = lessonDriver(() => f, sockets);

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('refuses ink without the pen, carries it with the pen, keeps it for late joiners, counts the pen turn and exports the pages', async () => {
    const teacherClient = await f.as('teacher');
    const uploaded = await teacherClient.request('POST', `/api/courses/${f.ids.courseId}/courseware?name=${encodeURIComponent('春天.pdf')}`, PDF, { 'content-type': 'application/octet-stream' });
    expect(uploaded.statusCode).toBe(201);
    const document = uploaded.json() as CoursewareView;

    const teacher = await connect('teacher');
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await join(teacher);
    const room = await connect('classroom_device');
    const { participantId: roomId } = await join(room);
    const student = await connect('student_link');
    await join(student);

    await teacher.request('board:open', { open: true });
    const { pageId: first } = await teacher.request('board:show-document', { coursewareId: document.id });
    const pages = (await room.nextEvent('board:pages')).pages;
    expect(pages.map((p) => p.source)).toEqual([1, 2, 3].map((pageNumber) => ({ kind: 'document', coursewareId: document.id, pageNumber })));
    expect(pages[0]!.id).toBe(first);
    const second = pages[1]!.id;
    await teacher.request('board:turn', { pageId: second });
    expect(await room.nextEvent('board:turned')).toEqual({ pageId: second });

    // The classroom has no pen: refused by the server, and nobody hears of it.
    expect(await room.ask('board:stroke', stroke(second, 'room-1', [[100, 100], [200, 200]]))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await teacher.request('board:stroke', stroke(second, 'teacher-1', [[1000, 1000], [9000, 9000]]));
    await student.nextEvent('board:stroke', (s) => s.strokeId === 'teacher-1');
    expect(student.received.filter((r) => r.event === 'board:stroke').map((r) => (r.payload as { strokeId: string }).strokeId)).toEqual(['teacher-1']);

    // On stage with the pen, the classroom draws and the others see it.
    await teacher.request('stage:invite', { participantId: roomId });
    await teacher.request('board:pen', { participantId: roomId });
    await room.nextEvent('board:pen', (p) => p.penHolderId === roomId);
    await room.request('board:stroke', stroke(second, 'room-2', [[5000, 1000]]));
    await room.request('board:stroke', stroke(second, 'room-2', [[5000, 9000]]));
    await student.nextEvent('board:stroke', (s) => s.strokeId === 'room-2' && s.points[0]![1] === 9000);
    // Taken back: refused again.
    await teacher.request('board:pen', { participantId: null });
    expect(await room.ask('board:stroke', stroke(second, 'room-3', [[1, 1]]))).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // A late joiner (the assistant teacher) gets the page shown and all the ink intact.
    const late = await connect('assistant_teacher');
    const { snapshot } = await join(late);
    expect(snapshot.board).toMatchObject({ open: true, currentPageId: second, penHolderId: null });
    expect(snapshot.board.items[second]).toEqual([
      { kind: 'stroke', id: 'teacher-1', tool: 'pen', colour: 'red', width: 40, points: [[1000, 1000], [9000, 9000]] },
      { kind: 'stroke', id: 'room-2', tool: 'pen', colour: 'red', width: 40, points: [[5000, 1000], [5000, 9000]] },
    ]);
    await teacher.request('board:add-blank', {});
    await teacher.request('board:place', { pageId: first, item: { kind: 'text', at: [500, 500], text: 'Spring', size: 400, colour: 'blue' } });

    await teacher.request('lesson:end', {});
    await recordedEnd(f.db, lessonSessionId);
    await closedAttendance(f.db, lessonSessionId);

    // The report counts the classroom's pen turn and shows it on the timeline.
    const reportRes = await teacherClient.get(`/api/reports/lessons/${lessonSessionId}`);
    const report = reportRes.json() as LessonReport;
    expect(report.participants.find((p) => p.kind === 'receiving_classroom')).toMatchObject({ boardPenTurns: 1 });
    expect(report.timeline.filter((e) => e.kind === 'board_pen_turn').map((e) => e.displayName)).toEqual(['石门教学点 教学点教室']);

    // The kept board: four pages (three of the document, one blank) with their ink, and the same as PDF.
    const kept = (await teacherClient.get(`/api/reports/lessons/${lessonSessionId}/board`)).json() as KeptBoard;
    expect(kept.pages.map((p) => [p.source.kind, p.items.map((i) => i.id)])).toEqual([
      ['document', [expect.any(String)]],
      ['document', ['teacher-1', 'room-2']],
      ['document', []],
      ['blank', []],
    ]);
    const pdf = await teacherClient.get(`/api/reports/lessons/${lessonSessionId}/board.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const printed = await PDFDocument.load(pdf.rawPayload);
    expect(printed.getPageCount()).toBe(4);
    // Document pages keep the deck's page size; the blank page is A4 landscape.
    const deck = await PDFDocument.load(PDF);
    expect(printed.getPage(1).getSize()).toEqual(deck.getPage(1).getSize());
    expect(printed.getPage(3).getSize()).toEqual({ width: 841.89, height: 595.28 });

    // An admin of another region may not read it.
    expect((await (await f.as('other_region_admin')).get(`/api/reports/lessons/${lessonSessionId}/board.pdf`)).statusCode).toBe(403);
  });

  it('shows only a ready document of the lesson’s own course, and counts its pages itself', async () => {
    const teacherClient = await f.as('teacher');
    const course = (await f.db.select().from(courses).where(eq(courses.id, f.ids.courseId)))[0]!;
    const [otherCourse] = await f.db.insert(courses).values({ ...course, id: undefined, name: '另一门课' }).returning({ id: courses.id });
    const doc = (courseId: number, status: 'ready' | 'converting') => ({
      courseId, title: '课件', fileName: 'x.pptx', sourceKind: 'pptx' as const, sourceSha256: 'b'.repeat(64), sizeBytes: 10, status, progress: 0, pdfSha256: null, pageCount: status === 'ready' ? 5 : null, uploadedBy: f.ids.users.teacher,
    });
    const [foreign] = await f.db.insert(courseware).values(doc(otherCourse!.id, 'ready')).returning({ id: courseware.id });
    const [converting] = await f.db.insert(courseware).values(doc(f.ids.courseId, 'converting')).returning({ id: courseware.id });
    const [ready] = await f.db.insert(courseware).values(doc(f.ids.courseId, 'ready')).returning({ id: courseware.id });
    expect((await teacherClient.get(`/api/courses/${f.ids.courseId}/courseware`)).statusCode).toBe(200);

    const teacher = await connect('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await join(teacher);
    expect(await teacher.ask('board:show-document', { coursewareId: foreign!.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await teacher.ask('board:show-document', { coursewareId: 999_999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await teacher.ask('board:show-document', { coursewareId: converting!.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(teacher.received.filter((r) => r.event === 'board:pages')).toEqual([]);
    await teacher.request('board:show-document', { coursewareId: ready!.id });
    const { pages } = await teacher.nextEvent('board:pages');
    expect(pages.map((p) => p.source)).toEqual([1, 2, 3, 4, 5].map((pageNumber) => ({ kind: 'document', coursewareId: ready!.id, pageNumber })));
    await teacher.request('lesson:end', {});
    await teacher.nextEvent('lesson:ended');
  });
});
