import { ERROR_RESPONSES } from '../../../shared/api/common.js';
import {
  ResourceImportBody,
  ResourceImportResult,
  ResourceSchoolParams,
  ResourcesReport,
  ResourceTermParams,
  SchoolResources,
  SchoolResourcesBody,
} from '../../../shared/api/evaluation-resources.js';
import type { TongkeApp } from '../../core/app-types.js';
import { sendDownload } from '../../core/attachment.js';
import { requireSignIn } from '../../core/access.js';
import { XLSX_TYPE, xlsxStream } from '../../evidence/usage/export-writers.js';
import type { ExportTable } from '../../evidence/usage/export-tables.js';
import { ResourceRepository } from './repository.js';
import { resourcesSection } from './section.js';
import { ResourceService } from './service.js';

const tags = ['evaluation'];
const BASE = '/api/evaluation/regions/:regionId/terms/:termId/resources';

/**
 * The resource indicators (资源配置) of a region's term: read by `evaluation.read` on the region, entered for the
 * whole region (template, import) by `evaluation.manage` on it, and per school by `evaluation.manage` on the
 * school — its own school admin, or an admin above it.
 */
export default async function evaluationResourceRoutes(app: TongkeApp) {
  const { db, places, translate } = app.tongke;
  const service = new ResourceService(new ResourceRepository(db));
  requireSignIn(app);
  const region = async (regionId: number) => ({ kind: 'region' as const, place: await places.region(regionId) });
  const school = async (schoolId: number) => ({ kind: 'school' as const, place: await places.school(schoolId) });

  app.get(
    BASE,
    { schema: { tags, summary: "The region's seven resource indicators for a term", params: ResourceTermParams, response: { 200: ResourcesReport, ...ERROR_RESPONSES } } },
    async (request) => {
      app.authorize(request, 'evaluation.read', await region(request.params.regionId));
      return service.report(request.params.regionId, request.params.termId);
    },
  );

  app.get(
    `${BASE}/export`,
    { schema: { tags, summary: 'The resource indicators as an XLSX workbook (the section tables, in Chinese)', params: ResourceTermParams, produces: [XLSX_TYPE] } },
    async (request, reply) => {
      app.authorize(request, 'evaluation.read', await region(request.params.regionId));
      const report = await service.report(request.params.regionId, request.params.termId);
      const section = resourcesSection(report);
      const tables: ExportTable[] = section.tables.map((t) => ({
        sheet: t.title.replace(/（.*$/, '').replace(/[\\/?*[\]:]/g, ' '),
        columns: t.columns.map((header, i) => ({ header, kind: t.rows.some((r) => typeof r[i] === 'number') ? 'number' : 'text' })),
        rows: t.rows,
      }));
      const title = {
        title: `${report.region.name} 资源配置指标`,
        lines: [
          ['区县', report.region.name],
          ['学期', `${report.term.name}（${report.term.startsOn} 至 ${report.term.endsOn}）`],
          ['生成时间', new Date().toISOString()],
        ] as const,
      };
      const stream = xlsxStream(tables, title, (error) => app.log.error({ err: error }, 'writing the resource-indicator workbook failed'));
      return sendDownload(reply, {
        body: stream,
        contentType: XLSX_TYPE,
        name: `资源配置指标-${report.region.name}-${report.term.name}.xlsx`,
        asciiName: `resources-${report.region.id}-${report.term.id}.xlsx`,
      });
    },
  );

  app.get(
    `${BASE}/template.xlsx`,
    { schema: { tags, summary: "The import template: one row per stage part of the region's schools, what is entered filled in", params: ResourceTermParams, produces: [XLSX_TYPE] } },
    async (request, reply) => {
      app.authorize(request, 'evaluation.manage', await region(request.params.regionId));
      const { file, regionName, termName } = await service.template(request.params.regionId, request.params.termId);
      return sendDownload(reply, {
        body: file,
        contentType: XLSX_TYPE,
        name: `资源配置导入模板-${regionName}-${termName}.xlsx`,
        asciiName: `resources-template-${request.params.regionId}-${request.params.termId}.xlsx`,
      });
    },
  );

  app.post(
    `${BASE}/import`,
    {
      schema: {
        tags,
        summary: 'Imports the filled-in template: every row checked first, any error imports nothing (400 import_invalid with each row and column)',
        params: ResourceTermParams,
        body: ResourceImportBody,
        response: { 200: ResourceImportResult, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = app.authorize(request, 'evaluation.manage', await region(request.params.regionId));
      return service.importFile(request.params.regionId, request.params.termId, request.body, principal.userId, (key, params) => translate(request.locale, key, params));
    },
  );

  app.get(
    `${BASE}/schools/:schoolId`,
    { schema: { tags, summary: "A school's resource inputs for the term, by stage part", params: ResourceSchoolParams, response: { 200: SchoolResources, ...ERROR_RESPONSES } } },
    async (request) => {
      app.authorize(request, 'evaluation.read', await school(request.params.schoolId));
      return service.schoolResources(request.params.regionId, request.params.termId, request.params.schoolId);
    },
  );

  app.put(
    `${BASE}/schools/:schoolId`,
    {
      schema: {
        tags,
        summary: "Sets a school's resource inputs for the term (the parts given replace what was entered; a part left out is not entered)",
        params: ResourceSchoolParams,
        body: SchoolResourcesBody,
        response: { 200: SchoolResources, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const principal = app.authorize(request, 'evaluation.manage', await school(request.params.schoolId));
      const { regionId, termId, schoolId } = request.params;
      return service.saveSchool(regionId, termId, schoolId, request.body, principal.userId, (key, params) => translate(request.locale, key, params));
    },
  );
}
