import { addDays, shanghaiDate, shanghaiInstant } from '../../../shared/time.js';

/** A part of a recording, [from, to] seconds of media time. */
export type MediaRange = [number, number];

/** Sorted, non-overlapping ranges covering the same seconds (touching ranges join). */
export function unionRanges(ranges: readonly MediaRange[]): MediaRange[] {
  const sorted = ranges.filter(([from, to]) => to > from).map(([from, to]): MediaRange => [from, to]).sort((a, b) => a[0] - b[0]);
  const merged: MediaRange[] = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** The ranges cut to [0, duration] (a player's report past the end counts nothing); null duration: not cut above. */
export function clipRanges(ranges: readonly MediaRange[], durationSeconds: number | null): MediaRange[] {
  const end = durationSeconds ?? Number.POSITIVE_INFINITY;
  return ranges.map(([from, to]): MediaRange => [Math.max(0, from), Math.min(end, to)]).filter(([from, to]) => to > from);
}

export const rangesLength = (ranges: readonly MediaRange[]): number => ranges.reduce((sum, [from, to]) => sum + (to - from), 0);

/** A Shanghai calendar day's share of some watched seconds. */
export interface DayShare {
  day: string;
  seconds: number;
}

/**
 * Spreads whole seconds watched between two reports over the Shanghai days of that wall interval, in
 * proportion to the time of each day in it (a viewing across midnight counts on both days). The shares are
 * whole seconds adding up to `seconds` exactly.
 */
export function splitByDay(seconds: number, fromMs: number, toMs: number): DayShare[] {
  if (seconds <= 0) return [];
  const lastDay = shanghaiDate(new Date(toMs));
  if (toMs <= fromMs || shanghaiDate(new Date(fromMs)) === lastDay) return [{ day: lastDay, seconds }];
  const spans: Array<{ day: string; ms: number }> = [];
  for (let day = shanghaiDate(new Date(fromMs)); day <= lastDay; day = addDays(day, 1)) {
    const start = Math.max(fromMs, shanghaiInstant(day).getTime());
    const end = Math.min(toMs, shanghaiInstant(addDays(day, 1)).getTime());
    if (end > start) spans.push({ day, ms: end - start });
  }
  const total = toMs - fromMs;
  let given = 0;
  return spans
    .map((span, i) => {
      const share = i === spans.length - 1 ? seconds - given : Math.floor((seconds * span.ms) / total);
      given += share;
      return { day: span.day, seconds: share };
    })
    .filter((s) => s.seconds > 0);
}
