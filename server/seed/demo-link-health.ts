import { shanghaiDate } from '../../shared/time.js';
import type { TongkeDb } from '../db/store.js';
import { LinkHealthRepository } from '../evidence/link-health/repository.js';
import type { LinkHealthDay } from '../evidence/link-health/rollup.js';
import { noise } from './demo-history.js';
import { DemoLinkRepository, type ReceivedLesson } from './demo-link-repository.js';

/** The teaching point whose link the county should act on (issue #15: poor in ~40 % of lesson minutes). */
export const POOR_LINK_SCHOOL = '杨柳村教学点';
/** A second, milder case, so that the ranking has a middle. */
const FAIR_LINK_SCHOOL = '龙溪村教学点';
const SAMPLE_SECONDS = 5;

/** How one classroom's link behaves in the demo: the share of lesson time poor, round trip and loss, each a range. */
interface LinkProfile {
  poor: [number, number];
  rttMs: [number, number];
  lossPct: [number, number];
}
const PROFILES: Record<'poor' | 'fair' | 'good', LinkProfile> = {
  poor: { poor: [0.32, 0.48], rttMs: [380, 620], lossPct: [5, 10] },
  fair: { poor: [0.08, 0.18], rttMs: [150, 260], lossPct: [1.5, 3.5] },
  good: { poor: [0, 0.05], rttMs: [40, 110], lossPct: [0.1, 1] },
};

/**
 * Gives the demo county a term of link health so far: one roll-up row per receiving classroom per past
 * timetabled lesson (only those the classroom attended, when the demo has a lesson history), as the roll-up of
 * 5-second quality samples would have left them — 杨柳村教学点 with a poor link in ~40 % of its lesson minutes,
 * 龙溪村教学点 ~13 %, the rest under 5 %. Rows, not samples: a term of samples would be ~10⁵ rows of raw
 * evidence the retention job would purge anyway, and the rows are what the reports read. Deterministic, and
 * only into a store without link health yet (safe to call again). Returns the rows written.
 */
export async function seedDemoLinkHealth(db: TongkeDb, now = new Date()): Promise<number> {
  const demo = new DemoLinkRepository(db);
  if (await demo.hasLinkHealth()) return 0;
  const lessons = await demo.receivedLessons(now);
  // With a lesson history (the CLI seeds one), only lessons that took place at the classroom have samples.
  const withHistory = lessons.some((l) => l.lessonSessionId !== null);
  const rows = lessons.filter((l) => !withHistory || l.attended).map(linkDay);
  const repo = new LinkHealthRepository(db);
  await repo.transaction(() => repo.insertDays(rows));
  return rows.length;
}

function linkDay(lesson: ReceivedLesson): LinkHealthDay & { lessonSessionId: number | null } {
  const profile = PROFILES[lesson.schoolName === POOR_LINK_SCHOOL ? 'poor' : lesson.schoolName === FAIR_LINK_SCHOOL ? 'fair' : 'good'];
  const pick = ([low, high]: [number, number], salt: number) => low + (high - low) * noise(lesson.classroomId, lesson.startsAt.getTime() / 60_000, salt);
  const samples = Math.max(1, Math.round((lesson.endsAt.getTime() - lesson.startsAt.getTime()) / 1000 / SAMPLE_SECONDS));
  const poorSamples = Math.round(samples * pick(profile.poor, 1));
  const meanLoss = pick(profile.lossPct, 3);
  return {
    lessonSessionId: lesson.attended ? lesson.lessonSessionId : null,
    day: shanghaiDate(lesson.startsAt),
    classroomId: lesson.classroomId,
    schoolId: lesson.schoolId,
    groupId: lesson.groupId,
    regionId: lesson.regionId,
    sampledSeconds: samples * SAMPLE_SECONDS,
    poorSeconds: poorSamples * SAMPLE_SECONDS,
    samples,
    rttSamples: samples,
    rttMedianMs: Math.round(pick(profile.rttMs, 2)),
    lossSamples: samples,
    lossSumPct: Math.round(meanLoss * samples * 100) / 100,
    // Loss comes in bursts: most samples lose less than the mean.
    lossMedianPct: Math.round(meanLoss * 0.6 * 100) / 100,
  };
}
