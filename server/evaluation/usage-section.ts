import type { EvaluationSection, SectionFigure, SectionTable } from '../../shared/api/evaluation.js';
import type { IndicatorReport } from '../../shared/api/evidence-usage.js';
import type { ResearchEvidence } from '../../shared/api/research-evidence.js';
import { addDays, shanghaiInstant } from '../../shared/time.js';
import { hasResearch } from '../research/evidence/figures.js';
import { researchFigures, researchTable } from '../research/evidence/section.js';
import { SHARED_MESSAGES } from '../../shared/i18n/index.js';
import type { IndicatorService } from '../evidence/usage/indicators.js';
import type { SectionBuilder } from './section.js';

/** The file is an official document: its labels are Chinese whatever the reader's interface language. */
const zh = SHARED_MESSAGES['zh-CN'];
/** A list as one cell; an empty list is an empty cell (null), as a spreadsheet keeps it. */
const names = (list: readonly string[]): string | null => (list.length === 0 ? null : list.join('、'));
const yesNo = (value: boolean | null) => (value === null ? '未设定' : value ? '是' : '否');

/**
 * The online-classroom usage part of the file (在线互动课堂常态化应用, 课程开齐开足 at teaching points), built from
 * the region's indicator report for the term: routine use against the region's own targets, the usage
 * figures, teaching point × subject coverage, the weekly trend, and the usage-equity 差异系数 of shared-lesson
 * hours per student by stage. That disparity is Tongke's own figure (high by design where lessons go to tiny
 * teaching points): it is read against a target only when the region set one, never against 0.50 / 0.45.
 */
export function usageSection(indicators: IndicatorService, research?: ResearchEvidenceSource): SectionBuilder {
  return async ({ regionId, termId }) => {
    const report = await indicators.report({ regionId, termId });
    const range = { fromInstant: shanghaiInstant(report.from), toInstant: shanghaiInstant(addDays(report.to, 1)) };
    return toSection(report, research ? await research.evidence({ scope: 'region', id: regionId, regionId }, range) : undefined);
  };
}

/** 名师课堂 evidence of a region over a range (server/research/evidence's service). */
export interface ResearchEvidenceSource {
  evidence(unit: { scope: 'region'; id: number; regionId: number }, range: { fromInstant: Date; toInstant: Date }): Promise<ResearchEvidence>;
}

/**
 * The section of one indicator report (exported for tests that build a report by hand), with the region's
 * 名师课堂 line beside 专递课堂 and 名校网络课堂 when its teachers have any teaching-research evidence.
 */
export function toSection(report: IndicatorReport, research?: ResearchEvidence): EvaluationSection {
  const withResearch = research !== undefined && hasResearch(research);
  return {
    key: 'usage',
    title: '在线互动课堂常态化应用',
    figures: [...figures(report), ...(withResearch ? researchFigures(research) : [])],
    tables: [...tables(report), ...(withResearch ? [researchTable(research)] : [])],
    attachments: [],
  };
}

function figures(report: IndicatorReport): SectionFigure[] {
  const { summary, targets } = report;
  const anyTarget = targets.lessonsPerWeek !== null || targets.subjectsPerTerm !== null || targets.attendancePct !== null || targets.requiredSubjects.length > 0;
  const byKind = summary.routineUseByKind.map(
    (k): SectionFigure => ({
      key: `routine_use_${k.groupRole}`,
      label: `${zh.groupRole[k.groupRole]}常态化应用达标数`,
      value: k.routineUse,
      unit: '所',
      requirement: anyTarget ? `${k.schools} 所全部达标` : '本区县未设定常态化目标',
      met: anyTarget && k.schools > 0 ? k.routineUse === k.schools : null,
    }),
  );
  const teachingPoints = report.schools.filter((s) => s.evaluated && s.school.groupRole === 'teaching_point');
  const fullCurriculum: SectionFigure[] =
    targets.requiredSubjects.length > 0
      ? [
          {
            key: 'teaching_points_full_curriculum',
            label: '开齐必开学科的教学点数',
            value: teachingPoints.filter((s) => s.missingRequiredSubjects.length === 0).length,
            unit: '所',
            requirement: `${teachingPoints.length} 所全部开齐（${names(targets.requiredSubjects.map((s) => zh.subject[s])) ?? ''}）`,
            met: teachingPoints.length > 0 ? teachingPoints.every((s) => s.missingRequiredSubjects.length === 0) : null,
          },
        ]
      : [];
  const plain = (key: string, label: string, value: number | null, unit?: string): SectionFigure => ({ key, label, value, ...(unit !== undefined && { unit }) });
  return [
    ...byKind,
    ...fullCurriculum,
    plain('delivered_lessons', '送达课节数', summary.deliveredLessons, '节'),
    plain('scheduled_lessons', '计划课节数', summary.scheduledLessons, '节'),
    plain('received_hours', '接收课时', summary.receivedHours, '小时'),
    plain('attendance_rate', '出勤率', summary.attendanceRate),
    plain('participation_rate', '互动参与率', summary.participationRate),
    plain('teacher_count', '参与教师数', summary.teacherCount, '人'),
    // 名校网络课堂 点播 beside the live figures, when the region's people watched any recording in the term.
    ...(summary.replayViews !== undefined
      ? [
          plain('replay_views', '名校网络课堂点播次数', summary.replayViews, '次'),
          plain('replay_viewers', '点播人数', summary.replayViewers ?? 0, '人'),
          plain('replay_hours', '点播时长', summary.replayHours ?? 0, '小时'),
          plain('home_replay_hours', '其中送教上门学生点播时长', summary.homeReplayHours ?? 0, '小时'),
        ]
      : []),
    plain('weeks', '统计周数', report.weeks, '周'),
    ...equityStages(report).map(
      (d): SectionFigure => ({
        key: `usage_cv_${d.stage}`,
        label: `使用均衡度（生均同步课时，${zh.stage[d.stage]}）`,
        value: d.coefficientOfVariation,
        ...(report.usageEquity.limit !== null && { requirement: `≤ ${report.usageEquity.limit}（本区县自定目标）`, met: d.meets }),
      }),
    ),
  ];
}

/** The stages the usage-equity figure has schools in, as the indicator report computes it (one owner of the split). */
const equityStages = (report: IndicatorReport) => report.usageEquity.stages.filter((d) => d.schools > 0);

function tables(report: IndicatorReport): SectionTable[] {
  const schools: SectionTable = {
    key: 'schools',
    title: '各校常态化应用',
    columns: ['学校', '教育集团', '类型', '学段', '学生数', '接收课节', '计划课节', '周均接收课节', '已接收学科', '缺少的必开学科', '出勤率', '同步课时', '生均同步课时', '常态化'],
    rows: report.schools.map((s) => [
      s.school.name,
      s.school.groupName,
      zh.groupRole[s.school.groupRole],
      zh.stage[s.school.stage],
      s.school.studentCount,
      s.receivedLessons,
      s.scheduledLessons,
      s.lessonsPerWeek,
      names(s.subjects.map((x) => zh.subject[x])),
      names(s.missingRequiredSubjects.map((x) => zh.subject[x])),
      s.attendanceRate,
      s.sharedHours,
      s.hoursPerStudent,
      s.evaluated ? yesNo(s.routineUse) : '不适用',
    ]),
  };
  const { matrix } = report;
  const coverage: SectionTable = {
    key: 'coverage',
    title: '教学点学科开设（送达/计划课节）',
    columns: ['学校', '类型', ...matrix.subjects.flatMap((s) => [`${zh.subject[s]}送达`, `${zh.subject[s]}计划`])],
    rows: matrix.rows.map((r) => [r.schoolName, zh.groupRole[r.groupRole], ...r.cells.flatMap((c) => [c.delivered, c.scheduled])]),
  };
  const trend: SectionTable = {
    key: 'trend',
    title: '周趋势',
    columns: ['周', '起', '止', '送达课节', '接收课时', '出勤率', '达到周课节目标的学校数'],
    rows: report.trend.map((w) => [w.week, w.from, w.to, w.deliveredLessons, w.receivedHours, w.attendanceRate, w.schoolsMeetingLessonTarget]),
  };
  const disparity: SectionTable = {
    key: 'usage_equity',
    title: '使用均衡度：生均同步课时（按学段，不与资源配置差异系数限值比较）',
    columns: ['学段', '学校数', '学生数', '均值', '标准差', 'S / X̄'],
    rows: equityStages(report).map((d) => [zh.stage[d.stage], d.schools, d.totalStudents, d.mean, d.standardDeviation, d.coefficientOfVariation]),
  };
  return [schools, coverage, trend, disparity];
}
