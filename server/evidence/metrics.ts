import { addDays, SHANGHAI_OFFSET_MS, shanghaiDate, shanghaiInstant, shanghaiWeekStart } from '../../shared/time.js';

/*
 * The arithmetic of usage evidence, as pure functions over epoch milliseconds: time spans and their union,
 * splitting time at Asia/Shanghai midnights, quality summaries and the activity score. No clock, no
 * database: the lesson report (and anything else that reports minutes) feeds rows in and gets figures out.
 */

/** A span of time [start, end) in UTC epoch milliseconds; end ≥ start. */
export interface Span {
  start: number;
  end: number;
}

const MINUTE_MS = 60_000;

/**
 * Bounds a recorded interval to a window (the lesson, from its start to its end or to "now" while it
 * runs). An interval still open (`end` null) lasts to the window's end. Nothing left → null.
 */
export function clipSpan(start: number, end: number | null, window: Span): Span | null {
  const clipped = { start: Math.max(start, window.start), end: Math.min(end ?? window.end, window.end) };
  return clipped.end > clipped.start ? clipped : null;
}

/** The spans merged where they overlap or touch, in time order. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/**
 * Time covered by at least one of the spans: a site that joined twice, or from two devices at once, is
 * counted once for the time its intervals overlap.
 */
export function unionMs(spans: readonly Span[]): number {
  return mergeSpans(spans).reduce((sum, s) => sum + (s.end - s.start), 0);
}

/** Milliseconds as minutes with one decimal (reports show 37.5 min, not 37.49833). */
export function toMinutes(ms: number): number {
  return Math.round((ms / MINUTE_MS) * 10) / 10;
}

/** Time spent per Asia/Shanghai calendar day, with the Monday of that day's week. */
export interface ShanghaiDayShare {
  /** YYYY-MM-DD in Asia/Shanghai. */
  date: string;
  /** Monday (YYYY-MM-DD) of the Shanghai week the day belongs to. */
  weekStart: string;
  ms: number;
}

/**
 * Splits a span at Asia/Shanghai midnights: a lesson from Sunday 23:30 to Monday 00:20 (Shanghai) gives
 * 30 minutes to Sunday (and its week) and 20 to Monday (and the next week).
 */
export function splitByShanghaiDay(span: Span): ShanghaiDayShare[] {
  const shares: ShanghaiDayShare[] = [];
  let cursor = span.start;
  while (cursor < span.end) {
    const date = shanghaiDate(new Date(cursor));
    const nextMidnight = shanghaiInstant(addDays(date, 1)).getTime();
    const end = Math.min(nextMidnight, span.end);
    shares.push({ date, weekStart: shanghaiWeekStart(new Date(cursor)), ms: end - cursor });
    cursor = end;
  }
  return shares;
}

/** The union of the spans, split by Shanghai day (overlaps counted once). */
export function unionByShanghaiDay(spans: readonly Span[]): ShanghaiDayShare[] {
  const byDate = new Map<string, ShanghaiDayShare>();
  for (const span of mergeSpans(spans)) {
    for (const share of splitByShanghaiDay(span)) {
      const known = byDate.get(share.date);
      if (known) known.ms += share.ms;
      else byDate.set(share.date, { ...share });
    }
  }
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** An instant as ISO 8601 in Asia/Shanghai: "2025-06-04T09:30:00+08:00" (what reports show and export). */
export function toShanghaiIso(instant: number | Date): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return `${new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

// ---- Connection quality ----

/** One quality sample of a site. */
export interface QualityInput {
  rttMs: number | null;
  packetLossPct: number | null;
  /** Mean score (0–10) of the streams the site received. */
  consumerScore: number | null;
}

/**
 * A poor sample: the same line the live lesson draws for its "poor" badge (loss above 8 % or round trip
 * above 600 ms), or streams scored below 5 of 10 — where link adaptation starts lowering the video.
 */
export const POOR_QUALITY = { packetLossPct: 8, rttMs: 600, consumerScore: 5 } as const;

/** Where a link stops being good (the live lesson's "fair" badge). */
export const FAIR_QUALITY = { packetLossPct: 2, rttMs: 250 } as const;

/** The badge a site's self-reported link shows in the live lesson; `unknown` before any measurement. */
export function linkQualityLevel(report: { rttMs?: number | undefined; packetLossPct?: number | undefined }): 'good' | 'fair' | 'poor' | 'unknown' {
  if (report.rttMs === undefined && report.packetLossPct === undefined) return 'unknown';
  const loss = report.packetLossPct ?? 0;
  const rtt = report.rttMs ?? 0;
  if (loss > POOR_QUALITY.packetLossPct || rtt > POOR_QUALITY.rttMs) return 'poor';
  if (loss > FAIR_QUALITY.packetLossPct || rtt > FAIR_QUALITY.rttMs) return 'fair';
  return 'good';
}

export function isPoorSample(sample: QualityInput): boolean {
  return (
    (sample.packetLossPct ?? 0) > POOR_QUALITY.packetLossPct ||
    (sample.rttMs ?? 0) > POOR_QUALITY.rttMs ||
    (sample.consumerScore !== null && sample.consumerScore < POOR_QUALITY.consumerScore)
  );
}

export interface QualitySummary {
  samples: number;
  avgRttMs: number | null;
  avgPacketLossPct: number | null;
  /** Share of samples that were poor, 0–100 with one decimal; null without samples. */
  poorPct: number | null;
}

export function summariseQuality(samples: readonly QualityInput[]): QualitySummary {
  const mean = (values: number[]) => (values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10);
  const rtts = samples.flatMap((s) => (s.rttMs === null ? [] : [s.rttMs]));
  const losses = samples.flatMap((s) => (s.packetLossPct === null ? [] : [s.packetLossPct]));
  const poor = samples.filter(isPoorSample).length;
  return {
    samples: samples.length,
    avgRttMs: mean(rtts),
    avgPacketLossPct: mean(losses),
    poorPct: samples.length === 0 ? null : Math.round((poor / samples.length) * 1000) / 10,
  };
}

// ---- Activity score ----

/** What one participant did in a lesson, as the activity score weighs it. */
export interface ActivityInput {
  /** Lead teachers and observers are not scored (BigBlueButton does not score moderators either). */
  scored: boolean;
  talkMs: number;
  /** Minutes of the lesson in which she sent at least one chat message (see `activeMinutes`). */
  messages: number;
  /** Minutes of the lesson in which she raised her hand at least once. */
  handRaises: number;
  /** Minutes of the lesson in which she was invited to the stage. */
  stageInvitations: number;
  /** Polls and quizzes she answered. */
  pollAnswers: number;
}

/** Each component's weight; they add up to 100. */
export const ACTIVITY_WEIGHTS = { talk: 20, messages: 20, handRaises: 20, stage: 20, polls: 20 } as const;

/**
 * Where the counted components saturate, in active minutes: whoever reached this many earns the whole
 * component, and the bar the others are measured against never rises above it. So one site flooding the
 * chat (or toggling its hand) can lower another site's component at most to `its minutes / saturation`,
 * never toward zero, while ordinary lessons — where the most active site stays below these — are scored
 * exactly as relative to the most active site.
 */
export const ACTIVITY_SATURATION = { messages: 5, handRaises: 5, stage: 3 } as const;

/**
 * The distinct minutes of the lesson (counted from its start) in which something happened: 5,000 chat
 * messages in one minute count as one minute, so an act repeated faster than once a minute adds nothing.
 */
export function activeMinutes(instants: readonly number[], lessonStart: number): number {
  return new Set(instants.map((t) => Math.floor((t - lessonStart) / MINUTE_MS))).size;
}

/**
 * The activity score of every participant, 0–100 (null for those not scored), after BigBlueButton's
 * Learning Analytics Dashboard: each component is the participant's figure relative to the highest figure
 * among the scored participants of the same lesson (capped at its saturation), times its weight —
 *
 *   score = 20·talk/maxTalk
 *         + 20·min(messageMinutes, bar)/bar      bar = min(maxMessageMinutes, 5)
 *         + 20·min(handMinutes, bar)/bar         bar = min(maxHandMinutes, 5)
 *         + 20·min(stageMinutes, bar)/bar        bar = min(maxStageMinutes, 3)
 *         + 20·pollAnswers/pollsInLesson
 *
 * (a component whose maximum is 0 adds 0), rounded to a whole number. Messages, hands and stage
 * invitations count active minutes, not acts (`activeMinutes`), so they cannot be inflated by repetition.
 * BBB's fifth component, emoji reactions, is replaced by being invited to the stage — Tongke's way for a
 * site to speak up — and polls count against the polls of the lesson, not against the best participant,
 * as in BBB. `pollsInLesson` is the number of distinct polls anyone answered.
 */
export function activityScores(participants: readonly ActivityInput[], pollsInLesson: number): Array<number | null> {
  const scored = participants.filter((p) => p.scored);
  const max = (pick: (p: ActivityInput) => number) => Math.max(0, ...scored.map(pick));
  const maxTalk = max((p) => p.talkMs);
  const barMessages = Math.min(max((p) => p.messages), ACTIVITY_SATURATION.messages);
  const barHands = Math.min(max((p) => p.handRaises), ACTIVITY_SATURATION.handRaises);
  const barStage = Math.min(max((p) => p.stageInvitations), ACTIVITY_SATURATION.stage);
  const part = (value: number, bar: number, weight: number) => (bar > 0 ? (Math.min(value, bar) / bar) * weight : 0);
  return participants.map((p) => {
    if (!p.scored) return null;
    const score =
      part(p.talkMs, maxTalk, ACTIVITY_WEIGHTS.talk) +
      part(p.messages, barMessages, ACTIVITY_WEIGHTS.messages) +
      part(p.handRaises, barHands, ACTIVITY_WEIGHTS.handRaises) +
      part(p.stageInvitations, barStage, ACTIVITY_WEIGHTS.stage) +
      part(p.pollAnswers, pollsInLesson, ACTIVITY_WEIGHTS.polls);
    return Math.round(score);
  });
}

/** A lesson counts as delivered when it ran at least this many minutes (TONGKE_DELIVERED_MIN_MINUTES). */
export function isDelivered(durationMs: number, deliveredMinMinutes: number): boolean {
  return durationMs >= deliveredMinMinutes * MINUTE_MS;
}
