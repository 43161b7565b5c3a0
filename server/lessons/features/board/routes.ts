import { Type } from 'typebox';
import { ERROR_RESPONSES } from '../../../../shared/api/common.js';
import { LessonReportParams } from '../../../../shared/api/evidence-lesson.js';
import { KeptBoard } from '../../../../shared/lesson/features/board.js';
import type { TongkeApp } from '../../../core/app-types.js';
import { accessFor, requireSignIn } from '../../../core/access.js';
import { sendDownload } from '../../../core/attachment.js';
import { notFound } from '../../../core/errors.js';
import { DirectoryAttachmentStore } from '../../../core/file-store.js';
import { LessonReportRepository } from '../../../evidence/lesson-report/repository.js';
import { LessonReportService } from '../../../evidence/lesson-report/service.js';
import { boardPdf } from './export-pdf.js';
import { BoardRepository } from './repository.js';
import { CoursewareRepository } from '../../../courseware/repository.js';

const tags = ['reports'];

/**
 * The board a lesson kept, for whoever may read that lesson's report: `GET …/board` as vectors (the page
 * draws them, and saves a page as PNG from its canvas) and `GET …/board.pdf` as one PDF.
 */
export default async function boardRoutes(app: TongkeApp) {
  const { db, places, config } = app.tongke;
  const repo = new BoardRepository(db);
  const documents = new CoursewareRepository(db);
  const reports = new LessonReportService(new LessonReportRepository(db), places, config.deliveredMinMinutes);
  const store = new DirectoryAttachmentStore(config.attachmentsDir);
  requireSignIn(app);

  /** The lesson's kept pages, after the report's own access check (not_found / forbidden). */
  const keptPages = async (request: Parameters<typeof accessFor>[1], lessonSessionId: number) => {
    await reports.report(lessonSessionId, accessFor(app, request));
    return repo.pages(lessonSessionId);
  };

  app.get(
    '/api/reports/lessons/:lessonSessionId/board',
    { schema: { tags, summary: "The lesson's whiteboard pages and ink, kept when it ended", params: LessonReportParams, response: { 200: KeptBoard, ...ERROR_RESPONSES } } },
    async (request) => ({ pages: await keptPages(request, request.params.lessonSessionId) }),
  );

  app.get(
    '/api/reports/lessons/:lessonSessionId/board.pdf',
    {
      schema: {
        tags,
        produces: ['application/pdf'],
        summary: "The lesson's whiteboard as PDF: courseware pages under their ink, blank pages as A4 landscape",
        params: LessonReportParams,
        response: { 200: Type.String({ format: 'binary' }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { lessonSessionId } = request.params;
      const pages = await keptPages(request, lessonSessionId);
      // A lesson whose board was never used has nothing to print.
      if (pages.length === 0) throw notFound();
      const bytes = await boardPdf(pages, async (coursewareId) => {
        const sha256 = await documents.pdfSha256(coursewareId);
        return sha256 ? store.get(sha256) : null;
      });
      const name = request.locale === 'en' ? `Whiteboard of lesson ${lessonSessionId}.pdf` : `课堂白板-${lessonSessionId}.pdf`;
      return sendDownload(reply, { body: Buffer.from(bytes), contentType: 'application/pdf', name, asciiName: `lesson-${lessonSessionId}-board.pdf` });
    },
  );
}
