import { ERROR_RESPONSES } from '../../../shared/api/common.js';
import { LinkHealthQuery, LinkHealthReport } from '../../../shared/api/link-health.js';
import { sendDownload } from '../../core/attachment.js';
import { accessFor, requireSignIn } from '../../core/access.js';
import type { TongkeApp } from '../../core/app-types.js';
import { XLSX_TYPE, xlsxStream } from '../usage/export-writers.js';
import { linkHealthFileName, linkHealthTables, linkHealthTitle } from './export.js';
import { LinkHealthRepository } from './repository.js';
import { LinkHealthService } from './service.js';

/**
 * Link health per teaching point over the term (issue #15): for the administrators of a region, group or
 * school (`reports.read` on it), as JSON or an XLSX workbook through the reports' one streaming writer.
 * The roll-ups it reads are kept by the usage roll-up refresh and the retention job (see ./maintain.ts).
 */
export default async function linkHealthRoutes(app: TongkeApp) {
  const { db, places } = app.tongke;
  const service = new LinkHealthService(new LinkHealthRepository(db), places);
  requireSignIn(app);

  app.get(
    '/api/reports/link-health',
    {
      schema: {
        tags: ['reports'],
        produces: ['application/json', XLSX_TYPE],
        summary: 'Which teaching points have bad links',
        description:
          "A unit's receiving classrooms over a term (default: the one covering today) or from/to, worst first: lesson minutes sampled, share of them with a poor link, median round trip, mean and median loss, and a weekly trend. `format=xlsx` downloads the ranking and the trend as one workbook.",
        querystring: LinkHealthQuery,
        response: { 200: LinkHealthReport, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const report = await service.report(request.query, accessFor(app, request));
      if ((request.query.format ?? 'json') === 'json') return report;
      const { name, ascii } = linkHealthFileName(report, request.locale);
      const stream = xlsxStream(linkHealthTables(report, request.locale), linkHealthTitle(report, request.locale, new Date()), (error) =>
        app.log.error({ err: error }, 'writing the link health workbook failed'),
      );
      return sendDownload(reply, { body: stream, contentType: XLSX_TYPE, name, asciiName: ascii });
    },
  );
}
