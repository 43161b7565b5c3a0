import { DEFAULT_TARGET_SCHOOL_KINDS, type IndicatorQuery, type IndicatorReport, type RegionTargets, type RegionTargetsBody, type SchoolIndicator } from '../../../shared/api/evidence-usage.js';
import { SCHOOL_GROUP_ROLES, SHORTAGE_SUBJECTS, SUBJECTS, type Subject } from '../../../shared/subjects.js';
import { shanghaiDate } from '../../../shared/time.js';
import { notFound } from '../../core/errors.js';
import { groupBy } from '../../core/lists.js';
import { usageEquityByStage } from './usage-equity.js';
import { hours, rate, resolveRange, round, type ReportRange } from './figures.js';
import { replayFigures } from './replays.js';
import { regionRollupFilter, type RollupFilter, type TargetsRow } from './repository.js';
import { addSums, type RollupSums } from './sums.js';
import type { UsageReportService } from './service.js';

const NO_TARGETS: Omit<RegionTargets, 'regionId'> = {
  lessonsPerWeek: null,
  subjectsPerTerm: null,
  attendancePct: null,
  requiredSubjects: [],
  maxCv: null,
  appliesTo: [...DEFAULT_TARGET_SCHOOL_KINDS],
  updatedAt: null,
};

const targetsView = (regionId: number, row: TargetsRow | undefined): RegionTargets =>
  row
    ? {
        regionId,
        lessonsPerWeek: row.lessonsPerWeek,
        subjectsPerTerm: row.subjectsPerTerm,
        attendancePct: row.attendancePct,
        requiredSubjects: SUBJECTS.filter((s) => row.requiredSubjects.includes(s)),
        maxCv: row.maxCv,
        appliesTo: SCHOOL_GROUP_ROLES.filter((kind) => row.appliesTo.includes(kind)),
        updatedAt: row.updatedAt.toISOString(),
      }
    : { regionId, ...NO_TARGETS };

/**
 * The region's evidence for the county evaluation: which schools of the kinds the targets are set for meet them
 * (routine use, 常态化), the weekly trend, the usage-equity figure (spread of shared-lesson hours per student)
 * per stage, and which teaching points received (or missed) which subjects.
 */
export class IndicatorService {
  constructor(private readonly usage: UsageReportService) {}

  async targets(regionId: number): Promise<RegionTargets> {
    if (!(await this.usage.repo.region(regionId))) throw notFound();
    return targetsView(regionId, await this.usage.repo.targets(regionId));
  }

  async saveTargets(regionId: number, body: RegionTargetsBody, userId: number, now = new Date()): Promise<RegionTargets> {
    if (!(await this.usage.repo.region(regionId))) throw notFound();
    const appliesTo = [...new Set(body.appliesTo ?? DEFAULT_TARGET_SCHOOL_KINDS)];
    await this.usage.repo.saveTargets({ regionId, ...body, requiredSubjects: [...new Set(body.requiredSubjects)], appliesTo, updatedAt: now, updatedBy: userId });
    return this.targets(regionId);
  }

  async report(query: IndicatorQuery, today = shanghaiDate(new Date())): Promise<IndicatorReport> {
    const { repo } = this.usage;
    const region = await repo.region(query.regionId);
    if (!region) throw notFound();
    const range = await resolveRange(query, region.id, repo.terms, today);
    const targets = await this.targets(region.id);
    const filter = regionRollupFilter(region.id, range, this.usage.deliveredSeconds);

    const schoolRows = (await repo.schools({ regionId: region.id })).filter((s) => s.active);
    const bySchool = await repo.sumsAndSubjects(filter, 'school');
    const sums = new Map(bySchool.sums.map((s) => [s.key, s]));
    const scheduled = new Map((await repo.scheduled(filter, 'school')).map((s) => [s.key, s]));
    const subjects = groupBy(bySchool.subjects, (s) => s.key);
    const sharedSeconds = (s: RollupSums | undefined) => (s?.receivedSeconds ?? 0) + (s?.hostedSeconds ?? 0);

    const schools: SchoolIndicator[] = schoolRows.map((school) => {
      const key = String(school.id);
      const s = sums.get(key);
      const received = SUBJECTS.filter((subject) => (subjects.get(key) ?? []).some((r) => r.subject === subject));
      const missing = targets.requiredSubjects.filter((subject) => !received.includes(subject));
      const lessonsPerWeek = round((s?.received ?? 0) / range.weeks, 2);
      const attendanceRate = rate(s?.attendancePresent ?? 0, s?.attendanceExpected ?? 0);
      const meets = {
        lessonsPerWeek: targets.lessonsPerWeek === null ? null : lessonsPerWeek >= targets.lessonsPerWeek,
        subjectsPerTerm: targets.subjectsPerTerm === null ? null : received.length >= targets.subjectsPerTerm,
        attendance: targets.attendancePct === null ? null : attendanceRate !== null && attendanceRate * 100 >= targets.attendancePct,
        requiredSubjects: targets.requiredSubjects.length === 0 ? null : missing.length === 0,
      };
      // A school is judged by the targets set for its kind; receiving a course does not make a member school a teaching point.
      const evaluated = targets.appliesTo.includes(school.groupRole);
      const set = Object.values(meets).filter((m): m is boolean => m !== null);
      const shared = sharedSeconds(s) / 3600;
      return {
        school: { id: school.id, name: school.name, groupId: school.groupId, groupName: school.groupName, groupRole: school.groupRole, stage: school.stage, studentCount: school.studentCount },
        evaluated,
        receivedLessons: s?.received ?? 0,
        scheduledLessons: scheduled.get(key)?.scheduled ?? 0,
        lessonsPerWeek,
        subjects: received,
        missingRequiredSubjects: missing,
        attendanceRate,
        sharedHours: round(shared, 2),
        hoursPerStudent: school.studentCount > 0 ? shared / school.studentCount : null,
        meets,
        routineUse: evaluated && set.length > 0 ? set.every(Boolean) : null,
      };
    });

    const usageEquity = usageEquityByStage(
      schoolRows.map((s) => ({ id: s.id, name: s.name, stage: s.stage, studentCount: s.studentCount, sharedHours: sharedSeconds(sums.get(String(s.id))) / 3600 })),
      targets.maxCv,
    );

    // The weeks split the range's lessons (each counts in the week it started in): their sum is the total.
    const weekSums = await repo.sums(filter, 'week');
    const total = weekSums.reduce<RollupSums | undefined>((sum, s) => (sum ? addSums(sum, s) : s), undefined);
    const [scheduledTotal] = await repo.scheduled(filter, 'all');
    const teacherIds = new Set((await repo.teachers(filter, 'all')).map((t) => t.userId));
    const trend = await this.#trend(filter, weekSums, range, region.id, targets, new Set(schools.filter((s) => s.evaluated).map((s) => String(s.school.id))));
    const evaluated = schools.filter((s) => s.evaluated);
    const matrix = await this.#matrix(filter, bySchool.subjects, evaluated);
    const [replays] = await repo.replays.sums(filter, 'all');
    return {
      region,
      term: range.term ? { id: range.term.id, name: range.term.name, startsOn: range.term.startsOn, endsOn: range.term.endsOn } : null,
      from: range.from,
      to: range.to,
      weeks: round(range.weeks, 2),
      deliveredMinMinutes: Math.round(this.usage.deliveredSeconds / 60),
      targets,
      summary: {
        schools: schools.length,
        evaluatedSchools: evaluated.length,
        routineUseSchools: evaluated.filter((s) => s.routineUse === true).length,
        routineUseByKind: targets.appliesTo.map((groupRole) => {
          const ofKind = evaluated.filter((s) => s.school.groupRole === groupRole);
          return { groupRole, schools: ofKind.length, routineUse: ofKind.filter((s) => s.routineUse === true).length };
        }),
        deliveredLessons: total?.delivered ?? 0,
        scheduledLessons: scheduledTotal?.scheduled ?? 0,
        receivedHours: hours(total?.receivedSeconds ?? 0),
        attendanceRate: rate(total?.attendancePresent ?? 0, total?.attendanceExpected ?? 0),
        participationRate: rate(total?.participantsActive ?? 0, total?.participantsPresent ?? 0),
        teacherCount: teacherIds.size,
        ...(replays ? replayFigures(replays) : {}),
      },
      usageEquity: { limit: targets.maxCv, stages: usageEquity },
      schools,
      trend,
      matrix,
    };
  }

  async #trend(filter: RollupFilter, weekSums: readonly RollupSums[], range: ReportRange, regionId: number, targets: RegionTargets, evaluated: ReadonlySet<string>): Promise<IndicatorReport['trend']> {
    const { repo } = this.usage;
    const weeks = new Map(weekSums.map((s) => [s.key, s]));
    const perSchool = new Map((await repo.sums(filter, 'school_week')).map((s) => [s.key, s.received]));
    return (await this.usage.periods('week', range, regionId)).map((week) => {
      const s = weeks.get(week.key);
      const meeting =
        targets.lessonsPerWeek === null
          ? null
          : [...evaluated].filter((school) => (perSchool.get(`${school}|${week.key}`) ?? 0) >= targets.lessonsPerWeek!).length;
      return {
        week: week.key,
        from: week.from,
        to: week.to,
        deliveredLessons: s?.delivered ?? 0,
        receivedHours: hours(s?.receivedSeconds ?? 0),
        attendanceRate: rate(s?.attendancePresent ?? 0, s?.attendanceExpected ?? 0),
        schoolsMeetingLessonTarget: meeting,
      };
    });
  }

  /** `received`: the delivered lessons each school received, per subject (sumsAndSubjects by school). */
  async #matrix(filter: RollupFilter, received: ReadonlyArray<{ key: string; subject: Subject; lessons: number }>, evaluated: readonly SchoolIndicator[]): Promise<IndicatorReport['matrix']> {
    const { repo } = this.usage;
    const delivered = new Map(received.map((r) => [`${r.key}|${r.subject}`, r.lessons]));
    // A subject whose lessons were all cancelled (停课) is not taught there: only lessons still on make a column.
    const scheduled = new Map((await repo.scheduled(filter, 'school_subject')).filter((r) => r.scheduled > 0).map((r) => [r.key, r.scheduled]));
    const ids = new Set(evaluated.map((s) => String(s.school.id)));
    const seen = new Set<Subject>(SHORTAGE_SUBJECTS);
    for (const key of [...delivered.keys(), ...scheduled.keys()]) {
      const [school, subject] = key.split('|') as [string, Subject];
      if (ids.has(school)) seen.add(subject);
    }
    const subjects = SUBJECTS.filter((s) => seen.has(s));
    return {
      subjects,
      rows: evaluated.map((s) => ({
        schoolId: s.school.id,
        schoolName: s.school.name,
        groupRole: s.school.groupRole,
        cells: subjects.map((subject) => ({ subject, scheduled: scheduled.get(`${s.school.id}|${subject}`) ?? 0, delivered: delivered.get(`${s.school.id}|${subject}`) ?? 0 })),
      })),
    };
  }
}
