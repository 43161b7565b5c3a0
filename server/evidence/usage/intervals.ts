import { addDays, isoWeekday, shanghaiDate, shanghaiInstant } from '../../../shared/time.js';

/** A span of time in epoch milliseconds, `from` inclusive, `to` exclusive. */
export interface Span {
  from: number;
  to: number;
}

/** The spans merged where they overlap or touch, in order; empty spans are dropped. */
export function unionOfSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.to > s.from).sort((a, b) => a.from - b.from);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.from <= last.to) last.to = Math.max(last.to, span.to);
    else merged.push({ ...span });
  }
  return merged;
}

/** The span cut to `[bounds.from, bounds.to)`; null when nothing is left. */
export function clipSpan(span: Span, bounds: Span): Span | null {
  const from = Math.max(span.from, bounds.from);
  const to = Math.min(span.to, bounds.to);
  return to > from ? { from, to } : null;
}

/**
 * Milliseconds per Shanghai calendar day covered by the spans (which should not overlap: pass a union).
 * A span over midnight Shanghai time is split between the two days.
 */
export function millisecondsByShanghaiDay(spans: readonly Span[]): Map<string, number> {
  const days = new Map<string, number>();
  for (const span of spans) {
    let from = span.from;
    while (from < span.to) {
      const day = shanghaiDate(new Date(from));
      const nextMidnight = shanghaiInstant(addDays(day, 1)).getTime();
      const to = Math.min(span.to, nextMidnight);
      days.set(day, (days.get(day) ?? 0) + (to - from));
      from = to;
    }
  }
  return days;
}

/** The Monday (YYYY-MM-DD) of the week a Shanghai calendar day is in. */
export function weekOf(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

/** Whole seconds of a duration in milliseconds (half a second rounds up). */
export const toSeconds = (ms: number): number => Math.round(ms / 1000);
