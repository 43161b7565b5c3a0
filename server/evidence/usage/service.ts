import type { TrendPoint, UsagePeriod, UsageQuery, UsageReport, UsageRow, UsageUnit } from '../../../shared/api/evidence-usage.js';
import type { Locale } from '../../../shared/i18n/index.js';
import type { MaterialsUsage } from '../../../shared/api/materials.js';
import type { ResearchEvidence } from '../../../shared/api/research-evidence.js';
import { SCHOOL_GROUP_ROLES, type Subject } from '../../../shared/subjects.js';
import { addDays, mondayOf, shanghaiDate } from '../../../shared/time.js';
import type { Access } from '../../core/access.js';
import { groupBy as groupItems } from '../../core/lists.js';
import type { Places } from '../../organisation/places.js';
import { hasActivity, resolveRange, usageFigures, weeksWithin, type FigureParts, type ReportRange } from './figures.js';
import { studentsRowName } from './labels.js';
import { UsageRepository, type RollupFilter, type RollupKey, type SchoolRow } from './repository.js';
import { addScheduled, addSums, type RollupSums, type ScheduledSums } from './sums.js';
import { reportReplays } from './replays.js';
import { hasResearch } from '../../research/evidence/figures.js';
import { reportReach, reportUnit, type ReportReach, type ReportUnit } from './scope.js';

/** How reports judge a lesson delivered (config `deliveredMinMinutes`). */
export interface ReportSettings {
  deliveredMinMinutes: number;
}

/** A period of a trend. */
export interface Period {
  key: string;
  label: string;
  from: string;
  to: string;
}

/** The rows a scope breaks into, and the receiving classrooms (id → school) its hours are spread over. */
interface Layout {
  filter: Pick<RollupFilter, 'scope'>;
  rowKey: RollupKey;
  units: Map<string, UsageUnit>;
  receiving: Map<number, number>;
  teacherNames: boolean;
  /** Units listed even without activity (the active schools of a region, the active classrooms of a school). */
  alwaysListed: Set<string>;
}

const ROLE_ORDER = new Map(SCHOOL_GROUP_ROLES.map((role, i) => [role, i]));

/**
 * Usage of online interactive classrooms by organisation unit: a region or group broken into its schools,
 * a school into its classrooms (and its individual students), a classroom into its lessons; totals, and a
 * trend by week, month or term. Everything is read from the roll-ups and the timetable.
 */
export class UsageReportService {
  constructor(
    readonly repo: UsageRepository,
    private readonly places: Places,
    private readonly settings: ReportSettings,
    /** Materials pushed to the receiving classrooms (server/materials), counted for the same period. */
    private readonly materials?: { usage(classroomIds: readonly number[], from: Date, to: Date, now?: Date, courseIds?: readonly number[] | null): Promise<MaterialsUsage> },
    /** 名师课堂 evidence (server/research/evidence) of the unit's teachers over the same range. */
    private readonly research?: { evidence(unit: { scope: 'region' | 'group' | 'school'; id: number; regionId: number }, range: { fromInstant: Date; toInstant: Date }): Promise<ResearchEvidence> },
  ) {
  }

  /** The seconds a site must be connected for a lesson to count as delivered there (at least one). */
  get deliveredSeconds(): number {
    return Math.max(1, this.settings.deliveredMinMinutes * 60);
  }

  async report(query: UsageQuery, access: Access, locale: Locale, today = shanghaiDate(new Date())): Promise<UsageReport> {
    const unit = await reportUnit(this.places, query.scope, query.id);
    const reach = await reportReach(access, this.places, unit, () => this.repo.coursesLedBy(access.principal.userId));
    const range = await resolveRange(query, unit.place.regionId, this.repo.terms, today);
    const groupBy = query.groupBy ?? 'week';
    const layout = await this.#layout(unit, reach, locale);
    const filter: RollupFilter = {
      ...layout.filter,
      fromDay: range.from,
      toDay: range.to,
      fromInstant: range.fromInstant,
      toInstant: range.toInstant,
      subject: query.subject,
      kind: query.kind,
      courseIds: reach.kind === 'own_courses' ? reach.courses.map((c) => c.id) : null,
      deliveredSeconds: this.deliveredSeconds,
    };
    const names = layout.teacherNames ? await this.#teacherNames(filter) : null;

    // Both groupings at once: on PostgreSQL their queries run side by side on the pool.
    const [byRow, byPeriod, periods] = await Promise.all([this.#figures(filter, layout.rowKey, names), this.#figures(filter, groupBy, names), this.periods(groupBy, range, unit.place.regionId)]);
    const replays = await reportReplays(this.repo.replays, filter, layout.rowKey, groupBy, periods);
    const rowCount = (key: string): number => countReceiving(layout, key);
    const rows: UsageRow[] = [];
    const keys = new Set([...layout.units.keys(), ...byRow.keys()]);
    if (layout.rowKey === 'lesson') await this.#addLessonUnits(layout, [...keys]);
    for (const key of keys) {
      const rowUnit = layout.units.get(key);
      if (!rowUnit) continue;
      const figures = { ...byRow.build(key, rowCount(key), range.weeks), ...replays.row(key) };
      if ((reach.kind === 'all' && layout.alwaysListed.has(key)) || hasActivity(figures)) rows.push({ unit: rowUnit, figures });
    }
    sortRows(rows);

    // The periods split the range's lessons (each counts in the period it started in): their sum is the total.
    const totals = { ...byPeriod.total(layout.receiving.size, range.weeks), ...replays.total };
    const trend: TrendPoint[] = periods.map((p) => ({ ...p, figures: { ...byPeriod.build(p.key, layout.receiving.size, weeksWithin(p.from, p.to)), ...replays.period(p.key) } }));

    const path = await this.#path(unit);
    // Teachers' own research figures are for the administrators of the unit, not for a teacher reading her courses.
    const research = this.research && reach.kind === 'all' && unit.scope !== 'classroom' ? await this.research.evidence({ scope: unit.scope, id: unit.id, regionId: unit.place.regionId }, range) : undefined;
    return {
      scope: unit.scope,
      unit: path[path.length - 1]!,
      path,
      regionId: unit.place.regionId,
      from: range.from,
      to: range.to,
      termId: range.term?.id ?? null,
      groupBy,
      deliveredMinMinutes: this.settings.deliveredMinMinutes,
      ownCoursesOnly: reach.kind === 'own_courses',
      totals,
      rows,
      trend,
      ...(replays.topRecordings.length > 0 ? { topRecordings: replays.topRecordings } : {}),
      ...(research && hasResearch(research) ? { research } : {}),
      ...(this.materials ? { materials: await this.materials.usage([...layout.receiving.keys()], range.fromInstant, range.toInstant, new Date(), filter.courseIds) } : {}),
    };
  }

  /** The periods of a range: its weeks (from Monday), months, or the region's terms, each cut to the range. */
  async periods(groupBy: UsagePeriod, range: ReportRange, regionId: number): Promise<Period[]> {
    const clip = (from: string, to: string) => ({ from: from < range.from ? range.from : from, to: to > range.to ? range.to : to });
    const periods: Period[] = [];
    if (groupBy === 'week') {
      for (let monday = mondayOf(range.from); monday <= range.to; monday = addDays(monday, 7)) periods.push({ key: monday, label: monday, ...clip(monday, addDays(monday, 6)) });
    } else if (groupBy === 'month') {
      for (let month = range.from.slice(0, 7); `${month}-01` <= range.to; month = nextMonth(month)) {
        periods.push({ key: month, label: month, ...clip(`${month}-01`, addDays(`${nextMonth(month)}-01`, -1)) });
      }
    } else {
      for (const term of await this.repo.terms.termsOverlapping(regionId, range.from, range.to)) periods.push({ key: String(term.id), label: term.name, ...clip(term.startsOn, term.endsOn) });
    }
    return periods;
  }

  /**
   * All the figures of one grouping, from three aggregate queries (roll-ups with their subjects, timetable,
   * teachers); `total` adds up every key's — right only when no lesson counts under two keys (periods).
   */
  async #figures(filter: RollupFilter, key: RollupKey, names: ReadonlyMap<number, string> | null) {
    const [{ sums: sumRows, subjects: subjectRows }, scheduledRows, teacherRows] = await Promise.all([
      this.repo.sumsAndSubjects(filter, key),
      key === 'lesson' ? [] : this.repo.scheduled(filter, key),
      this.repo.teachers(filter, key),
    ]);
    const sums = new Map(sumRows.map((s) => [s.key, s]));
    const scheduled = new Map<string, ScheduledSums>(scheduledRows.map((s) => [s.key, s]));
    const subjects = groupItems(subjectRows, (s) => s.key);
    const teachers = groupItems(teacherRows, (t) => t.key);
    const figures = (parts: Pick<FigureParts, 'sums' | 'scheduled' | 'subjects' | 'teacherIds'>, receivingClassrooms: number, weeks: number) =>
      usageFigures({ ...parts, teacherNames: names, receivingClassrooms, weeks });
    return {
      keys: () => new Set([...sums.keys(), ...scheduled.keys()]),
      build: (k: string, receivingClassrooms: number, weeks: number) =>
        figures(
          { sums: sums.get(k), scheduled: scheduled.get(k), subjects: (subjects.get(k) ?? []).map((s): Subject => s.subject), teacherIds: (teachers.get(k) ?? []).map((t) => t.userId) },
          receivingClassrooms,
          weeks,
        ),
      total: (receivingClassrooms: number, weeks: number) =>
        figures(
          {
            sums: sumRows.reduce<RollupSums | undefined>((total, s) => (total ? addSums(total, s) : s), undefined),
            scheduled: [...scheduled.values()].reduce<ScheduledSums | undefined>((total, s) => (total ? addScheduled(total, s) : s), undefined),
            subjects: [...new Set(subjectRows.map((s) => s.subject))],
            teacherIds: [...new Set([...teachers.values()].flat().map((t) => t.userId))],
          },
          receivingClassrooms,
          weeks,
        ),
    };
  }

  async #teacherNames(filter: RollupFilter): Promise<Map<number, string>> {
    return this.repo.userNames([...new Set((await this.repo.teachers(filter, 'all')).map((t) => t.userId))]);
  }

  async #layout(unit: ReportUnit, reach: ReportReach, locale: Locale): Promise<Layout> {
    const own = reach.kind === 'own_courses' ? reach.courses : null;
    const schoolUnit = (s: SchoolRow): UsageUnit => ({ kind: 'school', id: s.id, name: s.name, groupId: s.groupId, groupName: s.groupName, groupRole: s.groupRole });
    /** Receiving classrooms (id → school) among these schools: active ones, or the receivers of the caller's own courses. */
    const receivingIn = async (schoolIds: readonly number[]): Promise<Map<number, number>> => {
      const inScope = new Set(schoolIds);
      if (own) {
        const ids = own.flatMap((c) => c.receivers.map((r) => r.place)).filter((p) => p.schoolId !== null && inScope.has(p.schoolId) && p.classroomId !== null);
        return new Map(ids.map((p) => [p.classroomId!, p.schoolId!]));
      }
      return new Map((await this.repo.classroomsOf(schoolIds)).filter((c) => c.receiving && c.active).map((c) => [c.id, c.schoolId]));
    };

    switch (unit.scope) {
      case 'region':
      case 'group': {
        const schoolRows = await this.repo.schools(unit.scope === 'region' ? { regionId: unit.id } : { groupId: unit.id });
        const ids = schoolRows.map((s) => s.id);
        return {
          filter: { scope: unit.scope === 'region' ? { column: 'region_id', ids: [unit.id] } : { column: 'school_id', ids } },
          rowKey: 'school',
          units: new Map(schoolRows.map((s) => [String(s.id), schoolUnit(s)])),
          receiving: await receivingIn(ids),
          teacherNames: false,
          alwaysListed: new Set(schoolRows.filter((s) => s.active).map((s) => String(s.id))),
        };
      }
      case 'school': {
        const classroomRows = await this.repo.classroomsOf([unit.id]);
        const units = new Map<string, UsageUnit>(classroomRows.map((c) => [String(c.id), { kind: 'classroom', id: c.id, name: c.name, receiving: c.receiving }]));
        units.set('0', { kind: 'students', id: unit.id, name: studentsRowName(locale) });
        return {
          filter: { scope: { column: 'school_id', ids: [unit.id] } },
          rowKey: 'classroom',
          units,
          receiving: await receivingIn([unit.id]),
          teacherNames: true,
          alwaysListed: new Set(classroomRows.filter((c) => c.active).map((c) => String(c.id))),
        };
      }
      case 'classroom': {
        const receiving = await receivingIn([unit.place.schoolId!]);
        const mine = receiving.has(unit.id) ? new Map([[unit.id, unit.place.schoolId!]]) : new Map<number, number>();
        return { filter: { scope: { column: 'classroom_id', ids: [unit.id] } }, rowKey: 'lesson', units: new Map(), receiving: mine, teacherNames: true, alwaysListed: new Set() };
      }
    }
  }

  async #addLessonUnits(layout: Layout, keys: string[]): Promise<void> {
    for (const lesson of await this.repo.lessons(keys.map(Number))) {
      layout.units.set(String(lesson.id), {
        kind: 'lesson',
        id: lesson.id,
        name: lesson.courseName,
        lesson: {
          courseId: lesson.courseId,
          courseName: lesson.courseName,
          subject: lesson.subject,
          kind: lesson.kind,
          startedAt: lesson.startedAt.toISOString(),
          endedAt: lesson.endedAt?.toISOString() ?? null,
        },
      });
    }
  }

  /** Region → group → school → classroom down to the unit. */
  async #path(unit: ReportUnit): Promise<UsageUnit[]> {
    const { place } = unit;
    const region = await this.repo.region(place.regionId);
    const path: UsageUnit[] = [{ kind: 'region', id: place.regionId, name: region?.name ?? '' }];
    if (place.groupId !== null) path.push({ kind: 'group', id: place.groupId, name: (await this.repo.group(place.groupId))?.name ?? '' });
    if (place.schoolId !== null) {
      const [school] = await this.repo.schools({ id: place.schoolId });
      if (school) path.push({ kind: 'school', id: school.id, name: school.name, groupId: school.groupId, groupName: school.groupName, groupRole: school.groupRole });
    }
    if (place.classroomId !== null) {
      const classroom = await this.repo.classroom(place.classroomId);
      if (classroom) path.push({ kind: 'classroom', id: classroom.id, name: classroom.name, receiving: classroom.receiving });
    }
    return path;
  }
}

function countReceiving(layout: Layout, key: string): number {
  if (layout.rowKey === 'school') return [...layout.receiving.values()].filter((schoolId) => String(schoolId) === key).length;
  if (layout.rowKey === 'classroom') return layout.receiving.has(Number(key)) ? 1 : 0;
  return 0;
}

/** Schools by group (ungrouped last), lead → member → teaching point, then name; lessons by time; classrooms by name. */
function sortRows(rows: UsageRow[]): void {
  const groupName = (u: UsageUnit) => u.groupName ?? '\uffff';
  rows.sort((a, b) => {
    const x = a.unit;
    const y = b.unit;
    if (x.lesson && y.lesson) return x.lesson.startedAt.localeCompare(y.lesson.startedAt);
    if (x.kind !== y.kind) return x.kind === 'students' ? 1 : y.kind === 'students' ? -1 : 0;
    if (x.kind === 'school') {
      const byGroup = groupName(x).localeCompare(groupName(y), 'zh-CN');
      if (byGroup !== 0) return byGroup;
      const byRole = (ROLE_ORDER.get(x.groupRole ?? 'member') ?? 0) - (ROLE_ORDER.get(y.groupRole ?? 'member') ?? 0);
      if (byRole !== 0) return byRole;
    }
    return x.name.localeCompare(y.name, 'zh-CN');
  });
}

function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}
