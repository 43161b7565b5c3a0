import type { LinkFigures, LinkHealthQuery, LinkHealthReport, LinkHealthRow, LinkTrendPoint } from '../../../shared/api/link-health.js';
import { mondayOf, shanghaiDate } from '../../../shared/time.js';
import type { Access } from '../../core/access.js';
import type { Places } from '../../organisation/places.js';
import { resolveRange } from '../usage/figures.js';
import { reportUnit } from '../usage/scope.js';
import type { LinkHealthDayRow, LinkHealthRepository } from './repository.js';
import { weightedMedian } from './rollup.js';

/**
 * "Which teaching points have bad links": a region's, group's or school's receiving classrooms over a period,
 * worst first, each with its weekly trend. For the administrators covering the unit (`reports.read` on it);
 * a teacher's own-course reach of the usage reports does not extend to other schools' links.
 */
export class LinkHealthService {
  constructor(
    private readonly repo: LinkHealthRepository,
    private readonly places: Places,
  ) {}

  async report(query: LinkHealthQuery, access: Access, today = shanghaiDate(new Date())): Promise<LinkHealthReport> {
    const unit = await reportUnit(this.places, query.scope, query.id);
    access.authorize('reports.read', unit.target);
    const range = await resolveRange(query, unit.place.regionId, this.repo.terms, today);
    const days = await this.repo.days({ scope: query.scope, id: query.id }, range.from, range.to);
    const byClassroom = new Map<number, LinkHealthDayRow[]>();
    for (const day of days) byClassroom.set(day.classroomId, [...(byClassroom.get(day.classroomId) ?? []), day]);
    const rows: LinkHealthRow[] = [...byClassroom.values()].map((list) => {
      const first = list[0]!;
      const weeks = new Map<string, LinkHealthDayRow[]>();
      for (const day of list) {
        const week = mondayOf(day.day);
        weeks.set(week, [...(weeks.get(week) ?? []), day]);
      }
      const trend: LinkTrendPoint[] = [...weeks.entries()].map(([week, inWeek]) => ({ week, figures: linkFigures(inWeek) }));
      return { classroomId: first.classroomId, classroomName: first.classroomName, schoolId: first.schoolId, schoolName: first.schoolName, figures: linkFigures(list), trend };
    });
    rows.sort(worstFirst);
    const terms = await this.repo.terms.regionTerms(unit.place.regionId);
    return {
      scope: query.scope,
      unit: { id: query.id, name: await this.repo.unitName({ scope: query.scope, id: query.id }) },
      regionId: unit.place.regionId,
      from: range.from,
      to: range.to,
      termId: range.term?.id ?? null,
      terms: terms.map((t) => ({ id: t.id, name: t.name, startsOn: t.startsOn, endsOn: t.endsOn })),
      rows,
    };
  }
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Day rows → the figures of their period: sums add up; medians are the sample-weighted median of the rows' medians. */
export function linkFigures(days: readonly LinkHealthDayRow[] | ReadonlyArray<Omit<LinkHealthDayRow, 'classroomName' | 'schoolName'>>): LinkFigures {
  const sampled = days.reduce((sum, d) => sum + d.sampledSeconds, 0);
  const poor = days.reduce((sum, d) => sum + d.poorSeconds, 0);
  const lossSamples = days.reduce((sum, d) => sum + d.lossSamples, 0);
  const lossSum = days.reduce((sum, d) => sum + d.lossSumPct, 0);
  const rtt = weightedMedian(days.flatMap((d) => (d.rttMedianMs === null ? [] : [{ value: d.rttMedianMs, weight: d.rttSamples }])));
  const loss = weightedMedian(days.flatMap((d) => (d.lossMedianPct === null ? [] : [{ value: d.lossMedianPct, weight: d.lossSamples }])));
  return {
    sampledMinutes: round(sampled / 60, 1),
    poorPct: sampled > 0 ? round((poor / sampled) * 100, 1) : null,
    medianRttMs: rtt === null ? null : round(rtt, 0),
    meanLossPct: lossSamples > 0 ? round(lossSum / lossSamples, 2) : null,
    medianLossPct: loss === null ? null : round(loss, 2),
    lessonDays: new Set(days.map((d) => d.day)).size,
  };
}

function worstFirst(a: LinkHealthRow, b: LinkHealthRow): number {
  return (b.figures.poorPct ?? -1) - (a.figures.poorPct ?? -1) || b.figures.sampledMinutes - a.figures.sampledMinutes || a.classroomId - b.classroomId;
}
