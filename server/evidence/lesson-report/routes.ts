import { sendDownload } from '../../core/attachment.js';
import { Type } from 'typebox';
import { ApiErrorSchema, ERROR_RESPONSES } from '../../../shared/api/common.js';
import { LessonReport, LessonReportList, LessonReportListQuery, LessonReportParams, LessonReportQuery } from '../../../shared/api/evidence-lesson.js';
import type { TongkeApp } from '../../core/app-types.js';
import { accessFor, requireSignIn } from '../../core/access.js';
import { exportLessonReport } from './export.js';
import { LessonReportRepository } from './repository.js';
import { LessonReportService } from './service.js';
import { materialsService } from '../../materials/index.js';

const tags = ['reports'];
const Download = Type.String({ description: 'the participant table as a file' });

/**
 * Per-lesson reports (课堂报告): `GET /api/reports/lessons` lists the lesson sessions the caller may report
 * on; `GET /api/reports/lessons/:lessonSessionId` is one lesson's report, as JSON or (`?format=xlsx|csv`)
 * as a download named in the caller's language.
 */
export default async function lessonReportRoutes(app: TongkeApp) {
  const { db, places, config } = app.tongke;
  const service = new LessonReportService(new LessonReportRepository(db), places, config.deliveredMinMinutes, materialsService(db, places));
  requireSignIn(app);

  app.get(
    '/api/reports/lessons',
    { schema: { tags, querystring: LessonReportListQuery, response: { 200: LessonReportList, ...ERROR_RESPONSES } } },
    async (request) => service.list(request.query, accessFor(app, request)),
  );

  app.get(
    '/api/reports/lessons/:lessonSessionId',
    {
      schema: {
        tags,
        params: LessonReportParams,
        querystring: LessonReportQuery,
        response: {
          200: {
            description: 'The report (JSON), or its participant table as XLSX (classrooms on a second sheet) or CSV',
            content: {
              'application/json': { schema: LessonReport },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { ...Download, format: 'binary' } },
              'text/csv': { schema: Download },
            },
          },
          ...ERROR_RESPONSES,
          404: ApiErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const report = await service.report(request.params.lessonSessionId, accessFor(app, request));
      const format = request.query.format ?? 'json';
      if (format === 'json') return reply.type('application/json; charset=utf-8').send(report);
      const file = await exportLessonReport(report, format, request.locale);
      return sendDownload(reply, { body: file.body, contentType: file.contentType, name: file.fileName, asciiName: file.asciiFileName });
    },
  );
}

