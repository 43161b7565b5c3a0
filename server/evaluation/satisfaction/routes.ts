import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_RESPONSES, IdParams, OkResponse } from '../../../shared/api/common.js';
import {
  CodeIssueBody,
  CodeListQuery,
  PublicSurvey,
  ResultsQuery,
  SatisfactionResults,
  Survey,
  SurveyAnswerBody,
  SurveyBody,
  SurveyCodeList,
  SurveyCodeParams,
  SurveyQuery,
  SurveyView,
} from '../../../shared/api/evaluation-satisfaction.js';
import type { TongkeApp } from '../../core/app-types.js';
import { sendDownload } from '../../core/attachment.js';
import { requireSignIn } from '../../core/access.js';
import type { ExportTitle } from '../../core/csv.js';
import type { ExportTable } from '../../evidence/usage/export-tables.js';
import { CSV_TYPE, toCsv, XLSX_TYPE, xlsxStream } from '../../evidence/usage/export-writers.js';
import { tr } from '../../evidence/usage/labels.js';
import type { Action } from '../../policy/policy.js';
import { SatisfactionRepository } from './repository.js';
import { SatisfactionService } from './service.js';
import { codeTable, L, resultTables } from './tables.js';

const tags = ['evaluation'];
const produces = ['application/json', CSV_TYPE, XLSX_TYPE];

/**
 * The region's satisfaction survey (社会认可度) for administrators: read with `evaluation.read`, set up and
 * handed out (questions, dates, one-time codes) with `evaluation.manage`, both on the survey's region.
 */
export default async function satisfactionRoutes(app: TongkeApp) {
  const { db, places, config } = app.tongke;
  const service = new SatisfactionService(new SatisfactionRepository(db));
  requireSignIn(app);

  /** The survey named in the URL, once the caller may do `action` on its region. */
  const surveyFor = async (request: FastifyRequest, id: number, action: Action) => {
    const survey = await service.survey(id);
    const principal = app.authorize(request, action, { kind: 'region', place: await places.region(survey.regionId) });
    return { survey, principal };
  };

  app.get(
    '/api/evaluation/satisfaction',
    { schema: { tags, summary: "The region's satisfaction survey of a term (or the default questionnaire to start from)", querystring: SurveyQuery, response: { 200: SurveyView, ...ERROR_RESPONSES } } },
    async (request) => {
      app.authorize(request, 'evaluation.read', { kind: 'region', place: await places.region(request.query.regionId) });
      return service.view(request.query.regionId, request.query.termId);
    },
  );

  app.put(
    '/api/evaluation/satisfaction',
    {
      schema: {
        tags,
        summary: "Creates or changes the region's survey of a term",
        description: 'The questions can change only before the survey opens and while nobody has answered (409 otherwise); title and dates always.',
        body: SurveyBody,
        response: { 200: Survey, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = app.authorize(request, 'evaluation.manage', { kind: 'region', place: await places.region(request.body.regionId) });
      return service.save(request.body, principal.userId);
    },
  );

  app.post(
    '/api/evaluation/satisfaction/:id/codes',
    { schema: { tags, summary: "Issues one-time answer codes to a school's respondent group", params: IdParams, body: CodeIssueBody, response: { 200: Survey, ...ERROR_RESPONSES } } },
    async (request) => {
      const { survey } = await surveyFor(request, request.params.id, 'evaluation.manage');
      return service.issueCodes(survey, request.body);
    },
  );

  app.get(
    '/api/evaluation/satisfaction/:id/codes',
    {
      schema: {
        tags,
        produces,
        summary: "The survey's codes and their answer links (to print as QR codes, or to download)",
        params: IdParams,
        querystring: CodeListQuery,
        response: { 200: SurveyCodeList, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { survey } = await surveyFor(request, request.params.id, 'evaluation.manage');
      const codes = await service.codes(survey, request.query, config.publicUrl);
      const format = request.query.format ?? 'json';
      if (format === 'json') return { codes };
      const title: ExportTitle = { title: `${tr(L.codesTitle, request.locale)} — ${survey.title}`, lines: [] };
      return sendTables(app, reply, format, [codeTable(codes, request.locale)], { name: `${tr(L.codesTitle, request.locale)}-${survey.id}`, ascii: `survey-codes-${survey.id}`, title });
    },
  );

  app.get(
    '/api/evaluation/satisfaction/:id/results',
    {
      schema: {
        tags,
        produces,
        summary: 'Response rate and satisfaction per school, group and question, against ≥ 85 %',
        description: '`format=csv` downloads one table (`table`: schools, groups or questions); `format=xlsx` all of them as one workbook.',
        params: IdParams,
        querystring: ResultsQuery,
        response: { 200: SatisfactionResults, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { survey } = await surveyFor(request, request.params.id, 'evaluation.read');
      const results = await service.results(survey);
      const format = request.query.format ?? 'json';
      if (format === 'json') return results;
      const tables = resultTables(results, request.locale);
      const first = request.query.table ?? 'schools';
      const ordered = [tables[first], ...Object.values(tables).filter((t) => t !== tables[first])];
      const title: ExportTitle = { title: `${tr(L.title, request.locale)} — ${results.regionName}`, lines: [[results.termName, results.title]] };
      return sendTables(app, reply, format, ordered, { name: `${tr(L.title, request.locale)}-${results.regionName}-${results.termName}`, ascii: `satisfaction-${survey.id}-${first}`, title });
    },
  );
}

/**
 * The public answer page's two calls (no sign-in): what a code opens, and its one answer. Both are
 * rate-limited per address, as the student links are, so that codes cannot be guessed by trying.
 */
export async function surveyAnswerRoutes(app: TongkeApp) {
  const service = new SatisfactionService(new SatisfactionRepository(app.tongke.db));

  app.get(
    '/api/survey/:code',
    {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { tags, summary: 'What a one-time survey code opens (public)', params: SurveyCodeParams, response: { 200: PublicSurvey, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return service.open(request.params.code);
    },
  );

  app.post(
    '/api/survey/:code',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Answers the survey once with a code (public, anonymous)',
        description: 'Refused, storing nothing, for an unknown code (400 link_invalid), a used one (409 conflict), a survey not open (410 link_expired) or answers that do not fit the questions (400); `details.reason` says which.',
        params: SurveyCodeParams,
        body: SurveyAnswerBody,
        response: { 200: OkResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await service.answer(request.params.code, request.body);
      return { ok: true as const };
    },
  );
}

/** One table as CSV, or all of them as one XLSX workbook (streamed), as a download. */
function sendTables(app: TongkeApp, reply: FastifyReply, format: 'csv' | 'xlsx', tables: readonly ExportTable[], file: { name: string; ascii: string; title: ExportTitle }): FastifyReply {
  if (format === 'csv') {
    const table = tables[0]!;
    return sendDownload(reply, { body: toCsv(table, file.title), contentType: CSV_TYPE, name: `${file.name}-${table.sheet}.csv`, asciiName: `${file.ascii}.csv` });
  }
  const stream = xlsxStream(tables, file.title, (error) => app.log.error({ err: error }, 'writing a satisfaction workbook failed'));
  return sendDownload(reply, { body: stream, contentType: XLSX_TYPE, name: `${file.name}.xlsx`, asciiName: `${file.ascii}.xlsx` });
}
