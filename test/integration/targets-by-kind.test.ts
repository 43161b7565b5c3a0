import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorReport, RegionTargets } from '../../shared/api/evidence-usage.js';
import { classrooms, courseReceivers } from '../../server/db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';

/*
 * The fixture's region has one teaching point (石门教学点) and a member school (河口中学). Here 河口中学 also
 * gets a receiving classroom on the music course, as member schools in a group often do: before #14 that was
 * enough for it to be judged against the teaching points' weekly-lessons target, and the headline counted it.
 */
describe('region targets apply to the kinds of school they are set for', () => {
  let f: OrganisationFixture;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    const [room] = await f.db.insert(classrooms).values({ schoolId: f.ids.independentSchoolId, name: '河口中学 录播教室', receiving: true }).returning();
    await f.db.insert(courseReceivers).values({ courseId: f.ids.courseId, classroomId: room!.id, expectedStudents: 40 });
  });
  afterAll(async () => f.close());

  const indicators = async (): Promise<IndicatorReport> => {
    const res = await (await f.as('region_admin')).get(`/api/reports/indicators?regionId=${f.ids.regionId}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as IndicatorReport;
  };
  const put = async (body: Record<string, unknown>) => (await f.as('region_admin')).put(`/api/regions/${f.ids.regionId}/targets`, body);
  const targets = { lessonsPerWeek: 1, subjectsPerTerm: null, attendancePct: null, requiredSubjects: [], maxCv: null };

  it('judges teaching points only by default, and the headline says so per kind', async () => {
    const saved = await put(targets);
    expect(saved.statusCode, saved.body).toBe(200);
    expect((saved.json() as RegionTargets).appliesTo).toEqual(['teaching_point']);
    const report = await indicators();
    const judged = report.schools.filter((s) => s.evaluated).map((s) => s.school.name);
    expect(judged).toEqual(['石门教学点']);
    expect(report.schools.find((s) => s.school.id === f.ids.independentSchoolId)).toMatchObject({ evaluated: false, routineUse: null });
    expect(report.summary).toMatchObject({ evaluatedSchools: 1, routineUseByKind: [{ groupRole: 'teaching_point', schools: 1, routineUse: 0 }] });
    expect(report.matrix.rows.map((r) => r.schoolName)).toEqual(['石门教学点']);
  });

  it('judges member schools too when the region sets its targets for them', async () => {
    const saved = await put({ ...targets, appliesTo: ['member', 'teaching_point'] });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((saved.json() as RegionTargets).appliesTo).toEqual(['member', 'teaching_point']);
    const report = await indicators();
    expect(report.schools.filter((s) => s.evaluated).map((s) => s.school.id).sort()).toEqual([f.ids.teachingPointId, f.ids.independentSchoolId].sort());
    expect(report.summary.routineUseByKind).toEqual([
      { groupRole: 'member', schools: 1, routineUse: 0 },
      { groupRole: 'teaching_point', schools: 1, routineUse: 0 },
    ]);
    // Back to the default when a later body leaves the kinds out.
    expect(((await put(targets)).json() as RegionTargets).appliesTo).toEqual(['teaching_point']);
  });

  it('refuses an empty or unknown set of kinds and keeps the saved targets', async () => {
    await put({ ...targets, appliesTo: ['member', 'teaching_point'] });
    for (const appliesTo of [[], ['village'], ['member', 'member']]) expect((await put({ ...targets, lessonsPerWeek: 3, appliesTo })).statusCode).toBe(400);
    const now = (await (await f.as('region_admin')).get(`/api/regions/${f.ids.regionId}/targets`)).json() as RegionTargets;
    expect(now).toMatchObject({ lessonsPerWeek: 1, appliesTo: ['member', 'teaching_point'] });
  });
});
