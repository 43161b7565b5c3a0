import type { RecordingReplayRow, UsageFigures, UsagePeriod } from '../../../shared/api/evidence-usage.js';
import { hours } from './figures.js';
import type { RollupFilter, RollupKey } from './repository.js';
import type { ReplayKey, ReplayRepository, ReplaySums } from './replay-repository.js';

/** The most-watched recordings a report lists. */
export const TOP_RECORDINGS = 10;

export type ReplayFigures = Required<Pick<UsageFigures, 'replayViews' | 'replayViewers' | 'replayHours' | 'homeReplayHours'>>;

/** A key's replay sums → the figures a report shows beside the live ones. */
export function replayFigures(sums: ReplaySums): ReplayFigures {
  return { replayViews: sums.views, replayViewers: sums.viewers, replayHours: hours(sums.watchedSeconds), homeReplayHours: hours(sums.homeSeconds) };
}

/** The replays of one report: per row, per period, in total, and the most watched recordings. */
export interface ReportReplays {
  row(key: string): ReplayFigures | undefined;
  period(key: string): ReplayFigures | undefined;
  total: ReplayFigures | undefined;
  topRecordings: RecordingReplayRow[];
}

/** The live report's row grouping → the replay grouping (a classroom's lessons have no replays of their own). */
const ROW_KEYS: Partial<Record<RollupKey, ReplayKey>> = { school: 'school', classroom: 'classroom' };

/**
 * Reads a report's replays: rows grouped like the live rows, the trend by week or month from the roll-up's
 * keys and by term one period at a time (a region has few terms), the total on its own (distinct viewers do
 * not add up across rows or periods).
 */
export async function reportReplays(
  repo: ReplayRepository,
  filter: RollupFilter,
  rowKey: RollupKey,
  groupBy: UsagePeriod,
  periods: ReadonlyArray<{ key: string; from: string; to: string }>,
): Promise<ReportReplays> {
  const byKey = (found: readonly ReplaySums[]) => new Map(found.map((s) => [s.key, replayFigures(s)]));
  const rowReplayKey = ROW_KEYS[rowKey];
  const [rows, total, byPeriod, top] = await Promise.all([
    rowReplayKey ? repo.sums(filter, rowReplayKey) : [],
    repo.sums(filter, 'all'),
    groupBy === 'term'
      ? Promise.all(periods.map(async (p) => (await repo.sums({ ...filter, fromDay: p.from, toDay: p.to }, 'all')).map((s) => ({ ...s, key: p.key })))).then((parts) => parts.flat())
      : repo.sums(filter, groupBy),
    repo.topRecordings(filter, TOP_RECORDINGS),
  ]);
  const rowFigures = byKey(rows);
  const periodFigures = byKey(byPeriod);
  return {
    row: (key) => rowFigures.get(key),
    period: (key) => periodFigures.get(key),
    total: total[0] ? replayFigures(total[0]) : undefined,
    topRecordings: top.map((r) => ({ recordingId: r.recordingId, title: r.title, courseName: r.courseName, schoolName: r.schoolName, views: r.views, viewers: r.viewers, hours: hours(r.watchedSeconds) })),
  };
}
