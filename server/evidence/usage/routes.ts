import { sendDownload } from '../../core/attachment.js';
import type { FastifyReply } from 'fastify';
import { ERROR_RESPONSES, IdParams } from '../../../shared/api/common.js';
import { IndicatorQuery, IndicatorReport, RegionTargets, RegionTargetsBody, UsageQuery, UsageReport, type ReportFormat } from '../../../shared/api/evidence-usage.js';
import type { TongkeApp } from '../../core/app-types.js';
import type { ExportTitle } from '../../core/csv.js';
import type { Locale } from '../../../shared/i18n/index.js';
import { accessFor, requireSignIn } from '../../core/access.js';
import { indicatorTables, indicatorTitle, usageTables, usageTitle, type ExportTable } from './export-tables.js';
import { CSV_TYPE, toCsv, XLSX_TYPE, xlsxStream } from './export-writers.js';
import { IndicatorService } from './indicators.js';
import { LABELS, tr } from './labels.js';
import { ensureWeekRollups } from './maintain.js';
import { scheduleEvidenceRetention } from './retention.js';
import { UsageReportService } from './service.js';
import { materialsService } from '../../materials/index.js';
import { UsageRepository } from './repository.js';
import { ResearchEvidenceRepository } from '../../research/evidence/repository.js';
import { ResearchEvidenceService } from '../../research/evidence/service.js';

const tags = ['reports'];
const produces = ['application/json', CSV_TYPE, XLSX_TYPE];
const DOWNLOAD =
  '`format=csv` downloads one table (`table`) with a header row in the caller\'s language; `format=xlsx` downloads every table as a sheet of one workbook (streamed).';

/**
 * The usage-evidence reports (`reports.read`: region admins their region, group admins their group, school
 * admins their school and its classrooms, teachers their own courses' figures), the region's indicators and
 * the targets they are measured against (`targets.manage`), each as JSON, CSV or XLSX. Also schedules the
 * daily evidence-retention job and brings the week roll-ups to the configured threshold at start.
 */
export default async function usageReportRoutes(app: TongkeApp) {
  const { db, places, config } = app.tongke;
  const usage = new UsageReportService(new UsageRepository(db), places, { deliveredMinMinutes: config.deliveredMinMinutes }, materialsService(db, places), new ResearchEvidenceService(new ResearchEvidenceRepository(db)));
  const indicators = new IndicatorService(usage);
  requireSignIn(app);
  scheduleEvidenceRetention(app, db, config.evidenceRetentionDays);
  // Term reports read the week roll-ups only when they count with this threshold: rebuild them before serving if not.
  app.addHook('onReady', async () => {
    if (await ensureWeekRollups(db, usage.deliveredSeconds)) app.log.info({ deliveredSeconds: usage.deliveredSeconds }, 'rebuilt the week usage roll-ups for the delivered threshold');
  });

  app.get(
    '/api/reports/usage',
    {
      schema: {
        tags,
        produces,
        summary: 'Usage of online interactive classrooms by organisation unit',
        description: `A region or group by school, a school by classroom (and its individual students), a classroom by lesson; totals and a trend by week, month or term. ${DOWNLOAD}`,
        querystring: UsageQuery,
        response: { 200: UsageReport, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const report = await usage.report(request.query, accessFor(app, request), request.locale);
      const format = request.query.format ?? 'json';
      if (format === 'json') return report;
      const name = `${tr(LABELS.usageFile, request.locale)}-${report.unit.name}-${report.from}_${report.to}`;
      const ascii = `usage-${report.scope}-${report.unit.id}-${report.from}_${report.to}`;
      const title = usageTitle(report, request.query, request.locale, new Date());
      return sendTables(app, reply, format, usageTables(report, request.locale), request.query.table ?? 'units', { name, ascii, title, locale: request.locale });
    },
  );

  app.get(
    '/api/reports/indicators',
    {
      schema: {
        tags,
        produces,
        summary: "A region's evidence for the county evaluation",
        description: `Which receiving schools meet the region's targets (常态化), the weekly trend, the student-weighted 差异系数 of shared-lesson hours per student, and teaching point × subject coverage (delivered vs scheduled). ${DOWNLOAD}`,
        querystring: IndicatorQuery,
        response: { 200: IndicatorReport, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      app.authorize(request, 'reports.read', { kind: 'region', place: await places.region(request.query.regionId) });
      const report = await indicators.report(request.query);
      const format = request.query.format ?? 'json';
      if (format === 'json') return report;
      const name = `${tr(LABELS.indicatorFile, request.locale)}-${report.region.name}-${report.from}_${report.to}`;
      const ascii = `indicators-${report.region.id}-${report.from}_${report.to}`;
      const title = indicatorTitle(report, request.locale, new Date());
      return sendTables(app, reply, format, indicatorTables(report, request.locale), request.query.table ?? 'schools', { name, ascii, title, locale: request.locale });
    },
  );

  app.get(
    '/api/regions/:id/targets',
    { schema: { tags, summary: "The region's routine-use targets", params: IdParams, response: { 200: RegionTargets, ...ERROR_RESPONSES } } },
    async (request) => {
      app.authorize(request, 'reports.read', { kind: 'region', place: await places.region(request.params.id) });
      return indicators.targets(request.params.id);
    },
  );

  app.put(
    '/api/regions/:id/targets',
    { schema: { tags, summary: "Sets the region's routine-use targets (null: not evaluated)", params: IdParams, body: RegionTargetsBody, response: { 200: RegionTargets, ...ERROR_RESPONSES } } },
    async (request) => {
      const principal = app.authorize(request, 'targets.manage', { kind: 'region', place: await places.region(request.params.id) });
      return indicators.saveTargets(request.params.id, request.body, principal.userId);
    },
  );
}

/** One table as CSV, or all of them as an XLSX workbook (streamed), as a download. */
function sendTables<T extends string>(
  app: TongkeApp,
  reply: FastifyReply,
  format: Exclude<ReportFormat, 'json'>,
  tables: Record<T, ExportTable>,
  table: T,
  file: { name: string; ascii: string; title: ExportTitle; locale: Locale },
): FastifyReply {
  const { name, ascii: asciiName, locale } = file;
  if (format === 'csv') {
    const chosen = tables[table];
    const body = toCsv(chosen, { ...file.title, lines: [...file.title.lines, [tr(LABELS.titleTable, locale), chosen.sheet]] });
    return sendDownload(reply, { body, contentType: CSV_TYPE, name: `${name}-${chosen.sheet}.csv`, asciiName: `${asciiName}-${table}.csv` });
  }
  const ordered = [tables[table], ...Object.values<ExportTable>(tables).filter((t) => t !== tables[table] && !(t.omitWhenEmpty && t.rows.length === 0))];
  const stream = xlsxStream(ordered, file.title, (error) => app.log.error({ err: error }, 'writing an XLSX report failed'));
  return sendDownload(reply, { body: stream, contentType: XLSX_TYPE, name: `${name}.xlsx`, asciiName: `${asciiName}.xlsx` });
}
