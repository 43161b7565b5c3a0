import type { AutoFigure, AutoFigureKind } from '../../../shared/api/evaluation-checklist.js';
import { SHARED_MESSAGES } from '../../../shared/i18n/index.js';
import type { Subject } from '../../../shared/subjects.js';
import { shanghaiDate } from '../../../shared/time.js';
import { resolveRange, type ReportRange } from '../../evidence/usage/figures.js';
import type { IndicatorService } from '../../evidence/usage/indicators.js';
import { regionRollupFilter, type RollupFilter } from '../../evidence/usage/repository.js';
import type { UsageReportService } from '../../evidence/usage/service.js';
import type { EvaluationTerm } from './repository.js';
import type { OnlineExchangeRepository } from './figures-repository.js';

const zh = SHARED_MESSAGES['zh-CN'];
const subjectNames = (subjects: readonly Subject[]): string => subjects.map((s) => zh.subject[s]).join('、');
const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/**
 * The checklist figures Tongke has the data for, read through the usage reports' own repository and
 * services (same roll-ups, same "delivered" threshold, same term range), each with the page it comes from.
 * Labels are zh-CN: they go into the evaluation file as they are.
 */
export class ChecklistAutoFigures {
  constructor(
    private readonly usage: UsageReportService,
    private readonly indicators: IndicatorService,
    private readonly online: OnlineExchangeRepository,
  ) {}

  async figure(kind: AutoFigureKind, scope: EvaluationTerm, today = shanghaiDate(new Date())): Promise<AutoFigure> {
    const range = await resolveRange({ termId: scope.termId }, scope.regionId, this.usage.repo.terms, today);
    switch (kind) {
      case 'classroom_usage':
        return this.classroomUsage(scope, range);
      case 'subject_coverage':
        return this.subjectCoverage(scope, today);
      case 'online_exchange':
        return this.onlineExchange(scope, range);
    }
  }

  #filter(regionId: number, range: ReportRange): RollupFilter {
    return regionRollupFilter(regionId, range, this.usage.deliveredSeconds);
  }

  /**
   * 教学设备高效应用: the active classrooms of the region's active schools (host and receiving endpoints) that
   * hosted or received at least one delivered lesson in the term, and lessons per classroom per week.
   */
  async classroomUsage(scope: EvaluationTerm, range: ReportRange): Promise<AutoFigure> {
    const { repo } = this.usage;
    const schools = (await repo.schools({ regionId: scope.regionId })).filter((s) => s.active);
    const classrooms = (await repo.classroomsOf(schools.map((s) => s.id))).filter((c) => c.active);
    const sums = new Map((await repo.sums(this.#filter(scope.regionId, range), 'classroom')).map((s) => [Number(s.key), s]));
    const lessonsOf = (id: number) => (sums.get(id)?.hosted ?? 0) + (sums.get(id)?.received ?? 0);
    const rows = schools
      .map((school) => {
        const own = classrooms.filter((c) => c.schoolId === school.id);
        const used = own.filter((c) => lessonsOf(c.id) > 0).length;
        const lessons = own.reduce((total, c) => total + lessonsOf(c.id), 0);
        return [school.name, own.length, used, lessons, own.length > 0 ? lessons / own.length / range.weeks : null];
      })
      .filter((row) => row[1] !== 0);
    const used = classrooms.filter((c) => lessonsOf(c.id) > 0).length;
    const lessons = classrooms.reduce((total, c) => total + lessonsOf(c.id), 0);
    return {
      kind: 'classroom_usage',
      figures: [
        { key: 'classrooms', label: '在线课堂教室数', value: classrooms.length, unit: '间' },
        { key: 'usedClassrooms', label: '本学期使用过的教室', value: used, unit: '间' },
        { key: 'usedShare', label: '教室使用率', value: share(used, classrooms.length) },
        { key: 'lessonsPerClassroomWeek', label: '每间教室每周课数', value: classrooms.length > 0 ? lessons / classrooms.length / range.weeks : null, unit: '节' },
      ],
      table: { key: 'classroomUsage', title: '在线课堂教室使用情况', columns: ['学校', '教室数', '使用过的教室', '主讲与接收课数', '每间教室每周课数'], rows },
      sourcePath: `/reports/usage?scope=region&id=${scope.regionId}&termId=${scope.termId}`,
    };
  }

  /** 课程开齐开足: which subjects each teaching point received in the term, against the region's required subjects. */
  async subjectCoverage(scope: EvaluationTerm, today: string): Promise<AutoFigure> {
    const report = await this.indicators.report({ regionId: scope.regionId, termId: scope.termId }, today);
    const required = report.targets.requiredSubjects;
    const points = report.schools.filter((s) => s.school.groupRole === 'teaching_point');
    const complete = points.filter((s) => s.missingRequiredSubjects.length === 0).length;
    const judged = required.length > 0;
    return {
      kind: 'subject_coverage',
      figures: [
        { key: 'teachingPoints', label: '教学点数', value: points.length, unit: '个' },
        { key: 'requiredSubjects', label: '必须开设的学科（地区设定）', value: judged ? subjectNames(required) : '未设定' },
        { key: 'completeTeachingPoints', label: '必修学科全部接收的教学点', value: judged ? complete : null, unit: '个', met: judged && points.length > 0 ? complete === points.length : null },
      ],
      table: {
        key: 'subjectCoverage',
        title: '教学点学科接收情况',
        columns: ['教学点', '接收课数', '接收到的学科', '缺少的必修学科'],
        rows: points.map((s) => [s.school.name, s.receivedLessons, subjectNames(s.subjects), judged ? subjectNames(s.missingRequiredSubjects) : null]),
      },
      sourcePath: `/reports/evidence/${scope.regionId}?termId=${scope.termId}`,
    };
  }

  /** Online exchange: lead teachers whose lessons were delivered to another school's classroom or students. */
  async onlineExchange(scope: EvaluationTerm, range: ReportRange): Promise<AutoFigure> {
    const found = await this.online.leadTeachersReceivedElsewhere({ regionId: scope.regionId, fromDay: range.from, toDay: range.to, deliveredSeconds: this.usage.deliveredSeconds });
    const schoolNames = new Map((await this.usage.repo.schools({ regionId: scope.regionId })).map((s) => [s.id, s.name]));
    const teachers = new Map<number, { name: string; host: number; receiving: number[]; lessons: number }>();
    for (const r of found) {
      const teacher = teachers.get(r.userId) ?? { name: r.name, host: r.hostSchoolId, receiving: [], lessons: 0 };
      teacher.receiving.push(r.receivingSchoolId);
      teacher.lessons += r.lessons;
      teachers.set(r.userId, teacher);
    }
    const rows = [...teachers.values()]
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
      .map((t) => [t.name, schoolNames.get(t.host) ?? '', t.receiving.map((id) => schoolNames.get(id) ?? '').sort((a, b) => a.localeCompare(b, 'zh-CN')).join('、'), t.lessons]);
    return {
      kind: 'online_exchange',
      figures: [{ key: 'onlineTeachers', label: '在线为其他学校授课的主讲教师', value: teachers.size, unit: '人' }],
      table: { key: 'onlineExchange', title: '在线交流（主讲教师为其他学校授课）', columns: ['主讲教师', '所在学校', '接收学校', '送达其他学校的课次'], rows },
      sourcePath: `/reports/usage?scope=region&id=${scope.regionId}&termId=${scope.termId}`,
    };
  }
}
