import {
  RESOURCE_STAGES,
  stagePartsOf,
  type ResourceImportBody,
  type ResourceImportError,
  type ResourceImportResult,
  type ResourcePart,
  type ResourcesReport,
  type SchoolResources,
  type SchoolResourcesBody,
} from '../../../shared/api/evaluation-resources.js';
import { ApiError, notFound } from '../../core/errors.js';
import { invalidField } from '../../core/constraints.js';
import { decodeImportFile } from '../../people/import-decode.js';
import { MAX_IMPORT_BYTES, parseImportCsv, type ImportRecord } from '../../people/import-file.js';
import { crossCheckClassrooms } from './cross-check.js';
import { checkResourceRecords, type ResourceImportIssue } from './import-file.js';
import { resourceTemplateXlsx } from './import-template.js';
import { partResult, stageDisparities } from './indicators.js';
import { partKey, type RegionSchool, type ResourceRepository, type StoredPart } from './repository.js';

/** A message of the shared catalog in the caller's language. */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * The region's resource inputs per term: entered per school (form) or for the whole region (the template),
 * and read back as the seven indicators per part, the verdicts, the 差异系数 per stage and the indicator-7
 * cross-check. Authorisation is the routes'; the service checks that the term and school belong to the region.
 */
export class ResourceService {
  constructor(private readonly repo: ResourceRepository) {}

  /** The region and its term, or not_found (a term of another region is not found here). */
  async scope(regionId: number, termId: number): Promise<{ region: { id: number; name: string }; term: ResourcesReport['term'] }> {
    const region = await this.repo.region(regionId);
    const term = region && (await this.repo.term(regionId, termId));
    if (!region || !term) throw notFound();
    return { region, term };
  }

  async report(regionId: number, termId: number): Promise<ResourcesReport> {
    const { region, term } = await this.scope(regionId, termId);
    const schools = await this.repo.schools(regionId);
    const stored = await this.repo.parts(regionId, termId);
    const names = new Map(schools.map((s) => [s.id, s.name]));
    // Primary parts first, then junior, each by school name in pinyin order (the same on both stores, whose collations differ).
    const parts = stored
      .map((p) => partResult({ ...p, schoolName: names.get(p.schoolId) ?? '' }))
      .sort((a, b) => RESOURCE_STAGES.indexOf(a.stage) - RESOURCE_STAGES.indexOf(b.stage) || a.schoolName.localeCompare(b.schoolName, 'zh-CN'));
    const entered = new Set(stored.map((p) => partKey(p.schoolId, p.stage)));
    const missing = schools
      .filter((s) => s.active)
      .flatMap((s) => stagePartsOf(s.stage).filter((stage) => !entered.has(partKey(s.id, stage))).map((stage) => ({ schoolId: s.id, schoolName: s.name, stage })));
    const registered = await this.repo.multimediaClassrooms(regionId);
    const used = await this.repo.classroomsUsedInTerm(termId, registered.map((c) => c.id));
    return { region, term, parts, missing, disparities: stageDisparities(parts), classrooms: crossCheckClassrooms(schools, stored, registered, used) };
  }

  /** The school of the region (not_found when it is another region's). */
  async school(regionId: number, schoolId: number): Promise<RegionSchool> {
    const school = await this.repo.school(schoolId);
    if (!school || school.regionId !== regionId) throw notFound();
    return school;
  }

  async schoolResources(regionId: number, termId: number, schoolId: number): Promise<SchoolResources> {
    await this.scope(regionId, termId);
    const school = await this.school(regionId, schoolId);
    return { school: { id: school.id, name: school.name, stage: school.stage }, stages: [...stagePartsOf(school.stage)], parts: (await this.repo.schoolParts(schoolId, termId)).map(toWire) };
  }

  /** Replaces the school's parts for the term; each part must be a stage the school has, once. */
  async saveSchool(regionId: number, termId: number, schoolId: number, body: SchoolResourcesBody, userId: number, translate: Translate): Promise<SchoolResources> {
    await this.scope(regionId, termId);
    const school = await this.school(regionId, schoolId);
    const stages = stagePartsOf(school.stage);
    body.parts.forEach((part, i) => {
      if (!stages.includes(part.stage)) throw invalidField(`/parts/${i}/stage`, translate('evalResources.import.stageNotOfSchool', { school: school.name, stage: translate(`stage.${part.stage}`) }));
      if (body.parts.findIndex((p) => p.stage === part.stage) !== i) throw invalidField(`/parts/${i}/stage`, translate('evalResources.import.stageTwice'));
    });
    await this.repo.transaction(() => this.repo.replaceSchoolParts(school, termId, body.parts, userId));
    return this.schoolResources(regionId, termId, schoolId);
  }

  async template(regionId: number, termId: number): Promise<{ file: Buffer; regionName: string; termName: string }> {
    const { region, term } = await this.scope(regionId, termId);
    const file = await resourceTemplateXlsx(await this.repo.schools(regionId), await this.repo.parts(regionId, termId), term.name);
    return { file, regionName: region.name, termName: term.name };
  }

  /**
   * Imports the filled-in template. Every row is checked before anything is written; any problem imports
   * nothing and answers import_invalid with every problem, its row and column named in the message.
   */
  async importFile(regionId: number, termId: number, body: ResourceImportBody, userId: number, translate: Translate): Promise<ResourceImportResult> {
    await this.scope(regionId, termId);
    const records = await readRecords(body.file);
    if ('issue' in records) throw new ApiError('import_invalid', {}, describe([records.issue], translate));
    const checked = checkResourceRecords(records.records, await this.repo.schools(regionId));
    if (checked.issues.length > 0) throw new ApiError('import_invalid', {}, describe(checked.issues, translate));
    const result = { imported: checked.parts.length, skipped: checked.skipped, dryRun: body.dryRun === true };
    if (body.dryRun) return result;
    const parts = checked.parts.map(({ line: _line, ...part }) => part);
    await this.repo.transaction(() => this.repo.upsertParts(regionId, termId, parts, userId));
    return result;
  }
}

function toWire(part: StoredPart): ResourcePart {
  const { schoolId: _schoolId, updatedAt, ...rest } = part;
  return { ...rest, updatedAt: updatedAt.toISOString() };
}

/** The uploaded file's rows: an XLSX workbook's first sheet, or CSV text (as the people import reads files). */
async function readRecords(base64: string): Promise<{ records: ImportRecord[] } | { issue: ResourceImportIssue }> {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_IMPORT_BYTES) return { issue: { line: 1, column: '', key: 'notXlsx' } };
  const source = await decodeImportFile(bytes);
  if ('key' in source) return { issue: { line: 1, column: '', key: source.key === 'undecodable' ? 'notXlsx' : `shared:import.${source.key}` } };
  if (source.kind === 'cells') return { records: source.records };
  const parsed = parseImportCsv(source.text);
  return 'issue' in parsed ? { issue: { line: parsed.issue.line, column: '', key: 'notXlsx' } } : parsed;
}

function describe(issues: readonly ResourceImportIssue[], translate: Translate): ResourceImportError[] {
  return issues.map(({ line, column, key, params }) => {
    const problem = translate(key.startsWith('shared:') ? key.slice('shared:'.length) : `evalResources.import.${key}`, params);
    const message = column === '' ? translate('evalResources.import.atRow', { line, problem }) : translate('evalResources.import.at', { line, column, problem });
    return { line, column, message };
  });
}
