import { describe, expect, it } from 'vitest';
import type { ResourcesReport, SchoolResources } from '../../../../shared/api/evaluation-resources.js';
import { ApiError } from '../../../lib/api.js';
import { bodyOf, chartData, defaultTermId, formOf, importProblems, toBase64 } from './resources-view.js';

const indicators = (degree: number) =>
  (['degreeTeachers', 'keyTeachers', 'peArtTeachers', 'floorArea', 'sportsArea', 'equipmentValue', 'networkedClassrooms'] as const).map((indicator) => ({
    indicator,
    value: indicator === 'degreeTeachers' ? degree : 1,
    standard: 1,
    ratio: 1,
    met: true,
  }));
const report = {
  parts: [
    { schoolId: 1, schoolName: '实验小学', stage: 'primary', students: 2000, indicators: indicators(5.5), metCount: 7, passed: true },
    { schoolId: 2, schoolName: '石桥教学点', stage: 'primary', students: 20, indicators: indicators(3.9), metCount: 6, passed: true },
    { schoolId: 3, schoolName: '第一中学', stage: 'junior', students: 1800, indicators: indicators(6), metCount: 7, passed: true },
  ],
} as unknown as ResourcesReport;

const nineYear: SchoolResources = {
  school: { id: 7, name: '马鞍九年一贯制学校', stage: 'nine_year' },
  stages: ['primary', 'junior'],
  parts: [
    { stage: 'junior', students: 300, degreeTeachers: 17, keyTeachers: 3, peArtTeachers: 3, floorArea: 1800.5, sportsArea: 3100, equipmentValue: 800000, networkedClassrooms: 8, updatedAt: '2026-11-01T00:00:00Z', updatedBy: '管理员' },
  ],
};

describe('the resource-indicator page’s view helpers', () => {
  it('charts one stage lowest first, against the stage’s standard', () => {
    expect(chartData(report, 'primary', 'degreeTeachers')).toEqual({ names: ['石桥教学点', '实验小学'], values: [3.9, 5.5], standard: 4.2 });
    expect(chartData(report, 'junior', 'degreeTeachers')).toEqual({ names: ['第一中学'], values: [6], standard: 5.3 });
  });

  it('fills the edit form from what is entered, a part not entered left blank', () => {
    const forms = formOf(nineYear);
    expect(forms.junior).toMatchObject({ entered: true, values: { students: '300', floorArea: '1800.5' } });
    expect(forms.primary).toMatchObject({ entered: false, values: { students: '' } });
  });

  it('sends only the entered parts, as numbers, and refuses blanks, fractions of people and zero students', () => {
    const forms = formOf(nineYear);
    expect(bodyOf(nineYear.stages, forms)).toEqual({ parts: [{ stage: 'junior', students: 300, degreeTeachers: 17, keyTeachers: 3, peArtTeachers: 3, floorArea: 1800.5, sportsArea: 3100, equipmentValue: 800000, networkedClassrooms: 8 }] });
    forms.primary.entered = true;
    forms.junior.values.keyTeachers = '2.5';
    forms.junior.values.students = '0';
    forms.junior.values.equipmentValue = '八十万';
    const result = bodyOf(nineYear.stages, forms);
    expect('problems' in result && result.problems).toEqual([
      ...['students', 'degreeTeachers', 'keyTeachers', 'peArtTeachers', 'floorArea', 'sportsArea', 'equipmentValue', 'networkedClassrooms'].map((input) => ({ stage: 'primary', input, key: 'required' })),
      { stage: 'junior', input: 'keyTeachers', key: 'notInteger' },
      { stage: 'junior', input: 'equipmentValue', key: 'notNumber' },
      { stage: 'junior', input: 'students', key: 'studentsZero' },
    ]);
  });

  it('reads the rows and columns out of a refused import, and nothing out of other failures', () => {
    const problem = { line: 3, column: '在校学生数（人）', message: '第 3 行“在校学生数（人）”：应为不小于 0 的整数，不能是“-1”。' };
    expect(importProblems(new ApiError(400, 'import_invalid', '导入文件有错误', [problem, { junk: true }]))).toEqual([problem]);
    expect(importProblems(new ApiError(403, 'forbidden', '没有权限'))).toEqual([]);
  });

  it('opens on the term covering today, else the latest one that started', () => {
    const terms = [
      { id: 1, startsOn: '2026-02-22', endsOn: '2026-07-09' },
      { id: 2, startsOn: '2026-09-01', endsOn: '2027-01-22' },
    ];
    expect(defaultTermId(terms, '2026-11-29')).toBe(2);
    expect(defaultTermId(terms, '2026-08-01')).toBe(1);
    expect(defaultTermId([], '2026-08-01')).toBeNull();
  });

  it('encodes bytes as base64', () => {
    expect(toBase64(new Uint8Array([0x50, 0x4b, 0x03, 0x04]))).toBe('UEsDBA==');
  });
});
