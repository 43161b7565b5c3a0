import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageReport } from '../../shared/api/evidence-usage.js';
import type { RubricScores } from '../../shared/api/research.js';
import { attendanceIntervals, lessonSessions, observations, researchSessions, researchSettings, rubrics } from '../../server/db/schema/index.js';
import { EvaluationFileBuilder, SECTION_FACTORIES } from '../../server/evaluation/review/sections.js';
import { DEFAULT_RUBRIC } from '../../server/research/rubrics/default-rubric.js';
import { createOrganisationFixture, recordFinishedLesson, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';

/*
 * 名师课堂 figures in the usage reports, on hand-made rows. The fixture's 王老师 (lead school) leads the course.
 *   L1 (3 days ago): observed by 甲 (lead school; submitted: 良好 on content, 合格 on remote → 88), by 乙 (the
 *     independent school; a draft) and by a teacher of the other region;
 *   L2…L11: observed by 丙 (teaching point), one of them submitted all 优秀 → 100;
 *   L0 (before the term): observed by 甲, submitted all 待改进 → 40 — another term, not counted.
 *   A 协同教研 meeting about L1, two days ago: 王老师 and 甲 (甲 twice: one meeting).
 * 王老师: observed 0, received 13, meetings 1, mean (88 + 100) / 2 = 94. Target 10: 王老师, 甲, 乙 below; 丙 not.
 */
describe('名师课堂 evidence in the usage reports', () => {
  let f: OrganisationFixture;
  const ids = { a: 0, b: 0, c: 0, outsider: 0 };
  const day = 86_400_000;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    const { db } = f;
    ids.a = await f.addUser('teacher-a', 'teacher', { schoolId: f.ids.leadSchoolId });
    ids.b = await f.addUser('teacher-b', 'teacher', { schoolId: f.ids.independentSchoolId });
    ids.c = await f.addUser('teacher-c', 'teacher', { schoolId: f.ids.teachingPointId });
    ids.outsider = await f.addUser('teacher-other', 'teacher', { schoolId: f.ids.otherSchoolId });
    const [rubric] = await db.insert(rubrics).values({ regionId: f.ids.regionId, body: DEFAULT_RUBRIC }).returning({ id: rubrics.id });
    const all = (level: number): RubricScores => Object.fromEntries(DEFAULT_RUBRIC.dimensions.map((d) => [d.key, level]));
    const observe = async (lessonSessionId: number, observerId: number, scores?: RubricScores) =>
      db.insert(observations).values({ lessonSessionId, observerId, mode: 'live', ...(scores && { rubricId: rubric!.id, scores, submittedAt: new Date() }) });

    const l1 = await recordFinishedLesson(f, new Date(Date.now() - 3 * day), []);
    await observe(l1, ids.a, { ...all(0), content: 1, remote: 2 });
    await observe(l1, ids.b);
    await observe(l1, ids.outsider);
    for (let i = 0; i < 10; i++) {
      const lesson = await recordFinishedLesson(f, new Date(Date.now() - (4 + i) * day), []);
      await observe(lesson, ids.c, i === 0 ? all(0) : undefined);
    }
    const l0 = await recordFinishedLesson(f, new Date(Date.now() - 60 * day), []);
    await observe(l0, ids.a, all(3));

    const meetingAt = new Date(Date.now() - 2 * day);
    const endedAt = new Date(meetingAt.getTime() + 40 * 60_000);
    const [meeting] = await db
      .insert(researchSessions)
      .values({ lessonSessionId: l1, title: '《茉莉花》评课', convenerId: f.ids.users.teacher, scheduledAt: meetingAt, durationMinutes: 40, status: 'ended' })
      .returning({ id: researchSessions.id });
    const [session] = await db
      .insert(lessonSessions)
      .values({ courseId: f.ids.courseId, startedBy: f.ids.users.teacher, startedAt: meetingAt, endedAt, endedBy: f.ids.users.teacher, endReason: 'ended_by_teacher', lastHeartbeatAt: endedAt, researchSessionId: meeting!.id })
      .returning({ id: lessonSessions.id });
    const attend = (userId: number, participantId: string) =>
      db.insert(attendanceIntervals).values({ lessonSessionId: session!.id, participantId, userId, siteKind: 'host', schoolId: f.ids.leadSchoolId, regionId: f.ids.regionId, joinedAt: meetingAt, leftAt: endedAt, leaveReason: 'left', lastHeartbeatAt: endedAt });
    await attend(f.ids.users.teacher, 'p-wang');
    await attend(ids.a, 'p-a1');
    await attend(ids.a, 'p-a2');
  });
  afterAll(async () => f.close());

  const usage = async (query: string, who: PrincipalKey = 'region_admin'): Promise<UsageReport> => {
    const res = await (await f.as(who)).get(`/api/reports/usage?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as UsageReport;
  };

  it('counts per teacher of a school: observed, received (every observation of her lessons), meetings, the mean of submitted ratings', async () => {
    const report = await usage(`scope=school&id=${f.ids.leadSchoolId}`);
    const research = report.research!;
    const byId = new Map(research.teachers.map((t) => [t.teacherId, t.figures]));
    expect([...byId.keys()].sort()).toEqual([f.ids.users.teacher, ids.a].sort());
    expect(byId.get(f.ids.users.teacher)).toEqual({ lessonsObserved: 0, observationsReceived: 13, researchSessionsAttended: 1, scoredObservations: 2, meanScore: 94 });
    // 甲's observation of L0 is of another term; her two connections to the meeting are one meeting.
    expect(byId.get(ids.a)).toEqual({ lessonsObserved: 1, observationsReceived: 0, researchSessionsAttended: 1, scoredObservations: 0, meanScore: null });
    expect(research.totals).toEqual({ lessonsObserved: 1, observationsReceived: 13, researchSessionsAttended: 2, scoredObservations: 2, meanScore: 94 });
    expect(research.researchSessions).toBe(1);
  });

  it('sums a region’s teachers by school and leaves the other region’s teacher out', async () => {
    const research = (await usage(`scope=region&id=${f.ids.regionId}`)).research!;
    expect(research.teacherCount).toBe(4);
    const schools = new Map(research.schools.map((s) => [s.schoolId, s]));
    expect([...schools.keys()].sort()).toEqual([f.ids.leadSchoolId, f.ids.teachingPointId, f.ids.independentSchoolId].sort());
    expect(schools.get(f.ids.leadSchoolId)!.figures.observationsReceived).toBe(13);
    expect(schools.get(f.ids.teachingPointId)!.figures.lessonsObserved).toBe(10);
    expect(schools.get(f.ids.independentSchoolId)!.figures.lessonsObserved).toBe(1);
    expect(research.totals.lessonsObserved).toBe(12);
    expect(research.observedPerTeacher).toBe(3);
    expect(research.observationTarget).toBeNull();
    expect(research.belowTarget).toEqual([]);
    const group = (await usage(`scope=group&id=${f.ids.groupId}`, 'group_admin')).research!;
    expect(group.schools.map((s) => s.schoolId).sort()).toEqual([f.ids.leadSchoolId, f.ids.teachingPointId].sort());
  });

  it('keeps teachers’ research figures from a teacher reading her own courses, and the other region’s admin out', async () => {
    expect((await usage(`scope=school&id=${f.ids.leadSchoolId}`, 'teacher')).research).toBeUndefined();
    const other = await f.as('other_region_admin');
    for (const format of ['json', 'csv']) {
      const res = await other.get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&format=${format}&table=research`);
      expect(res.statusCode).toBe(403);
    }
  });

  it('downloads the research table with its Chinese headers, and a sheet of it in the workbook', async () => {
    const admin = await f.as('region_admin');
    const csv = await admin.get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&format=csv&table=research`);
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.replace(/^\ufeff/, '').trimEnd().split('\r\n\r\n')[1]!.split('\r\n');
    expect(lines[0]).toBe('学校,教育集团,教师数,听课节数,被听课次数,参加协同教研次数,评课份数,评课平均分,未达听课目标人数');
    expect(lines.at(-1)).toBe('合计,,4,12,13,2,2,94,');
    const xlsx = await admin.get(`/api/reports/usage?scope=school&id=${f.ids.leadSchoolId}&format=xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('名师课堂')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['教师', '学校', '听课节数']);
    expect(workbook.getWorksheet('听课未达标教师')).toBeUndefined();
  });

  it('lists the teachers below the region’s target (10 a term), not one who reached it, with an export and the county file’s line', async () => {
    await f.db.insert(researchSettings).values({ regionId: f.ids.regionId, observationTarget: 10 });
    try {
      const research = (await usage(`scope=region&id=${f.ids.regionId}`)).research!;
      expect(research.observationTarget).toBe(10);
      expect(research.belowTarget.map((b) => [b.teacherId, b.observed, b.target]).sort()).toEqual(
        [
          [f.ids.users.teacher, 0, 10],
          [ids.a, 1, 10],
          [ids.b, 1, 10],
        ].sort(),
      );
      expect(research.schools.find((s) => s.schoolId === f.ids.teachingPointId)!.belowTarget).toBe(0);
      const csv = await (await f.as('region_admin')).get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&format=csv&table=researchTarget`);
      const lines = csv.body.replace(/^\ufeff/, '').trimEnd().split('\r\n\r\n')[1]!.split('\r\n');
      expect(lines[0]).toBe('教师,学校,已听课节数,听课目标（节/学期）');
      expect(lines).toHaveLength(4);

      const file = await new EvaluationFileBuilder(f.t.app.tongke, { usage: SECTION_FACTORIES.usage! }).build({ regionId: f.ids.regionId, termId: f.ids.termId });
      const figures = new Map(file[0]!.figures.map((fig) => [fig.key, fig]));
      expect(figures.get('research_lessons_observed')!.value).toBe(12);
      expect(figures.get('research_sessions')!.value).toBe(1);
      expect(figures.get('research_mean_score')!.value).toBe(94);
      expect(figures.get('research_below_target')).toMatchObject({ value: 3, met: false });
      expect(file[0]!.tables.find((t) => t.key === 'research')!.rows).toHaveLength(3);
    } finally {
      await f.db.delete(researchSettings);
    }
  });
});
