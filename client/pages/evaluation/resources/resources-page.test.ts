import { describe, expect, it } from 'vitest';
import type { ResourceImportResult, ResourcesReport, SchoolResources, SchoolResourcesBody } from '../../../../shared/api/evaluation-resources.js';
import type { Term } from '../../../../shared/api/teaching.js';
import { ApiError } from '../../../lib/api.js';
import type { ResourcesApi } from './resources-api.js';
import { ResourcesPageState } from './resources-page.svelte.js';

const TERMS: Term[] = [
  { id: 1, regionId: 5, name: '2025-2026学年第二学期', startsOn: '2026-02-22', endsOn: '2026-07-09' },
  { id: 2, regionId: 5, name: '2026-2027学年第一学期', startsOn: '2026-09-01', endsOn: '2027-01-22' },
  { id: 9, regionId: 6, name: '邻县学期', startsOn: '2026-09-01', endsOn: '2027-01-22' },
];
const reportOf = (termId: number) => ({ term: { id: termId }, parts: [], missing: [], disparities: [], classrooms: [] }) as unknown as ResourcesReport;
const SCHOOL: SchoolResources = { school: { id: 7, name: '马鞍九年一贯制学校', stage: 'nine_year' }, stages: ['primary', 'junior'], parts: [] };

/** A fake of the region's routes that records what the page asked for. */
function fakeApi(overrides: Partial<ResourcesApi> = {}) {
  const calls: string[] = [];
  const saved: SchoolResourcesBody[] = [];
  const api = {
    regionId: 5,
    report: async (termId: number) => (calls.push(`report ${termId}`), reportOf(termId)),
    school: async () => SCHOOL,
    saveSchool: async (_termId: number, _schoolId: number, body: SchoolResourcesBody) => (saved.push(body), SCHOOL),
    importFile: async (termId: number, _file: string, dryRun: boolean): Promise<ResourceImportResult> => (calls.push(`import ${termId} ${dryRun}`), { imported: 3, skipped: 1, dryRun }),
    templateUrl: (termId: number) => `t/${termId}`,
    exportUrl: (termId: number) => `e/${termId}`,
    ...overrides,
  } as unknown as ResourcesApi;
  return { api, calls, saved };
}

describe('the resource page state', () => {
  it("opens the region's current term and leaves other regions' terms out", async () => {
    const { api, calls } = fakeApi();
    const page = new ResourcesPageState(api, async () => TERMS);
    await page.start(null, '2026-11-29');
    expect(page.terms.map((t) => t.id)).toEqual([1, 2]);
    expect(page.termId).toBe(2);
    expect(page.report?.term.id).toBe(2);
    expect(calls).toEqual(['report 2']);
  });

  it('keeps the newer term when an older report answers last', async () => {
    let answerFirst: (report: ResourcesReport) => void = () => undefined;
    const { api } = fakeApi({ report: (termId: number) => (termId === 1 ? new Promise<ResourcesReport>((resolve) => (answerFirst = resolve)) : Promise.resolve(reportOf(termId))) });
    const page = new ResourcesPageState(api, async () => TERMS);
    const older = page.chooseTerm(1);
    await page.chooseTerm(2);
    answerFirst(reportOf(1));
    await older;
    expect(page.report?.term.id).toBe(2);
    expect(page.loading).toBe(false);
  });

  it('lists a refused import row by row, and reloads the report after an import', async () => {
    const problem = { line: 4, column: '在校学生数（人）', message: '第 4 行“在校学生数（人）”：应为不小于 0 的整数，不能是“-1”。' };
    let refuse = true;
    const { api, calls } = fakeApi({
      importFile: async (_termId: number, _file: string, dryRun: boolean) => {
        if (refuse) throw new ApiError(400, 'import_invalid', '导入文件有错误，没有导入任何数据。', [problem]);
        return { imported: 3, skipped: 1, dryRun };
      },
    });
    const page = new ResourcesPageState(api, async () => TERMS);
    await page.start(2, '2026-11-29');
    page.openImport();
    page.importing!.choose('UEsDBA==');
    await page.sendImport(false);
    expect(page.importing!.problems).toEqual([problem]);
    expect(page.importing!.imported).toBeNull();
    refuse = false;
    page.importing!.choose('UEsDBA==');
    await page.sendImport(false);
    expect(page.importing!.imported).toEqual({ imported: 3, skipped: 1, dryRun: false });
    expect(page.importing!.busy).toBeNull();
    expect(calls).toEqual(['report 2', 'report 2']);
  });

  it('does not send an incomplete school form, and sends a complete one and closes it', async () => {
    const { api, saved } = fakeApi();
    const page = new ResourcesPageState(api, async () => TERMS);
    await page.start(2, '2026-11-29');
    await page.openSchool(7);
    const edit = page.editing!;
    edit.forms.primary.entered = true;
    edit.forms.primary.values.students = '480';
    expect(await page.saveSchool()).toBe(false);
    expect(saved).toEqual([]);
    expect(edit.problems.map((p) => p.input)).toContain('degreeTeachers');
    Object.assign(edit.forms.primary.values, { degreeTeachers: '22', keyTeachers: '8', peArtTeachers: '7', floorArea: '2300', sportsArea: '3700', equipmentValue: '1000000', networkedClassrooms: '12' });
    expect(await page.saveSchool()).toBe(true);
    expect(saved).toEqual([{ parts: [{ stage: 'primary', students: 480, degreeTeachers: 22, keyTeachers: 8, peArtTeachers: 7, floorArea: 2300, sportsArea: 3700, equipmentValue: 1_000_000, networkedClassrooms: 12 }] }]);
    expect(page.editing).toBeNull();
    expect(page.saved).toBe('马鞍九年一贯制学校');
  });
});
