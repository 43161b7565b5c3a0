import { shanghaiDate } from '../../../shared/time.js';
import { isPoorSample } from '../metrics.js';
import type { SitePlace } from '../usage/lesson-rollup.js';

/**
 * The longest stretch one quality sample stands for. The recorder samples every site every 5 s; a longer gap
 * means sampling stopped (the site left, the write buffer shed samples), and that time was not observed.
 */
export const MAX_SAMPLE_SPAN_MS = 15_000;
/** What a site's only sample stands for: one sampling period of the recorder. */
export const LONE_SAMPLE_SPAN_MS = 5_000;

/** One quality sample of a receiving classroom, as the evidence holds it. */
export interface LinkSample {
  participantId: string;
  classroomId: number;
  sampledAt: number;
  rttMs: number | null;
  packetLossPct: number | null;
  consumerScore: number | null;
}

/** One row of link_health_days (without its lesson). */
export interface LinkHealthDay {
  day: string;
  classroomId: number;
  schoolId: number;
  groupId: number | null;
  regionId: number;
  sampledSeconds: number;
  poorSeconds: number;
  samples: number;
  rttSamples: number;
  rttMedianMs: number | null;
  lossSamples: number;
  lossSumPct: number;
  lossMedianPct: number | null;
}

/**
 * A lesson's link health rows: its receiving classrooms' samples by Shanghai day. Each sample stands for the
 * time until the same site's next sample (at most MAX_SAMPLE_SPAN_MS); a site's last sample for the gap before
 * it, or one sampling period when it is alone. "Poor" is the one line the lesson report and the live lesson use
 * (isPoorSample, server/evidence/metrics.ts). Classrooms without a place (deleted since) are left out.
 */
export function computeLinkHealth(samples: readonly LinkSample[], places: ReadonlyMap<number, SitePlace>): LinkHealthDay[] {
  const bySite = new Map<string, LinkSample[]>();
  for (const sample of samples) {
    const list = bySite.get(sample.participantId) ?? [];
    list.push(sample);
    bySite.set(sample.participantId, list);
  }
  const days = new Map<string, { place: SitePlace; classroomId: number; day: string; spans: Array<{ sample: LinkSample; seconds: number }> }>();
  for (const list of bySite.values()) {
    list.sort((a, b) => a.sampledAt - b.sampledAt);
    list.forEach((sample, i) => {
      const place = places.get(sample.classroomId);
      if (!place) return;
      const next = list[i + 1];
      const previous = list[i - 1];
      const gap = next ? next.sampledAt - sample.sampledAt : previous ? sample.sampledAt - previous.sampledAt : LONE_SAMPLE_SPAN_MS;
      const day = shanghaiDate(new Date(sample.sampledAt));
      const key = `${sample.classroomId}|${day}`;
      const entry = days.get(key) ?? { place, classroomId: sample.classroomId, day, spans: [] };
      entry.spans.push({ sample, seconds: Math.min(gap, MAX_SAMPLE_SPAN_MS) / 1000 });
      days.set(key, entry);
    });
  }
  return [...days.values()]
    .sort((a, b) => a.classroomId - b.classroomId || a.day.localeCompare(b.day))
    .map(({ place, classroomId, day, spans }) => {
      const rtts = spans.flatMap(({ sample }) => (sample.rttMs === null ? [] : [sample.rttMs]));
      const losses = spans.flatMap(({ sample }) => (sample.packetLossPct === null ? [] : [sample.packetLossPct]));
      return {
        day,
        classroomId,
        schoolId: place.schoolId,
        groupId: place.groupId,
        regionId: place.regionId,
        sampledSeconds: sum(spans.map((s) => s.seconds)),
        poorSeconds: sum(spans.filter((s) => isPoorSample(s.sample)).map((s) => s.seconds)),
        samples: spans.length,
        rttSamples: rtts.length,
        rttMedianMs: median(rtts),
        lossSamples: losses.length,
        lossSumPct: sum(losses),
        lossMedianPct: median(losses),
      };
    });
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** The median (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The median of values that are each the median of `weight` samples (lessons' medians → a period's): the
 * smallest value at or past half of the total weight. Equals the plain median when every weight is one sample.
 */
export function weightedMedian(values: ReadonlyArray<{ value: number; weight: number }>): number | null {
  const used = values.filter((v) => v.weight > 0).sort((a, b) => a.value - b.value);
  const total = sum(used.map((v) => v.weight));
  if (total === 0) return null;
  let seen = 0;
  for (const v of used) {
    seen += v.weight;
    if (seen * 2 >= total) return v.value;
  }
  return used[used.length - 1]!.value;
}
