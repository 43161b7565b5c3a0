import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import type { TongkeConfig } from '../config.js';
import type { TongkeDb } from '../db/store.js';
import { DirectoryAttachmentStore } from '../core/file-store.js';
import { CoursewareRepository } from '../courseware/repository.js';
import { CoursewareService } from '../courseware/service.js';

/** The demo's lead teacher, whose first course gets a deck to show on the board. */
const DEMO_TEACHER = 'teacher.wang';
const DEMO_TITLE = '第一课 春天来了（示范课件）';

/**
 * A four-page deck for the demo's music lesson, drawn with pdf-lib: big page numbers and a staff of five
 * lines, so that page turns and ink are easy to see on every site. (Its text is Latin: the standard PDF
 * fonts have no Chinese; the title the teacher sees is the row's.)
 */
export async function demoDeck(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.HelveticaBold);
  const pages = ['Spring is here', 'Listen: the song', 'Sing along', 'Draw what you heard'];
  pages.forEach((heading, i) => {
    const page = pdf.addPage([960, 540]);
    page.drawText(`${i + 1} / ${pages.length}`, { x: 820, y: 490, size: 28, font, color: rgb(0.4, 0.4, 0.4) });
    page.drawText(heading, { x: 80, y: 400, size: 56, font, color: rgb(0.1, 0.25, 0.55) });
    for (let line = 0; line < 5; line++) page.drawLine({ start: { x: 80, y: 140 + line * 24 }, end: { x: 880, y: 140 + line * 24 }, thickness: 2, color: rgb(0.2, 0.2, 0.2) });
  });
  pdf.setCreationDate(new Date('2026-09-01T00:00:00Z'));
  pdf.setModificationDate(new Date('2026-09-01T00:00:00Z'));
  return pdf.save();
}

/**
 * Gives the demo lead teacher's first course a ready document (kept in the file store beside the database,
 * where the server looks), unless it has courseware already: safe to call again. Returns whether it wrote.
 */
export async function seedDemoCourseware(db: TongkeDb, config: Pick<TongkeConfig, 'attachmentsDir'>): Promise<boolean> {
  const repo = new CoursewareRepository(db);
  const [courseId] = await repo.coursesLedBy(DEMO_TEACHER);
  const teacherId = await repo.userIdByUsername(DEMO_TEACHER);
  if (courseId === undefined || teacherId === undefined || (await repo.ofCourse(courseId)).length > 0) return false;
  // A PDF needs no conversion: nothing is queued, so no job runner is needed here.
  const service = new CoursewareService(repo, new DirectoryAttachmentStore(config.attachmentsDir), { kick: () => undefined, progressOf: () => undefined });
  await service.upload({ courseId, fileName: '春天来了.pdf', title: DEMO_TITLE, bytes: Buffer.from(await demoDeck()), uploadedBy: teacherId });
  return true;
}
