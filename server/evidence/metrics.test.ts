import { describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../shared/time.js';
import {
  activeMinutes,
  activityScores,
  clipSpan,
  isDelivered,
  linkQualityLevel,
  mergeSpans,
  splitByShanghaiDay,
  summariseQuality,
  toMinutes,
  toShanghaiIso,
  unionByShanghaiDay,
  unionMs,
  type ActivityInput,
} from './metrics.js';

/** An instant on 2025-06-04 (a Wednesday), Shanghai wall clock. */
const at = (time: string, date = '2025-06-04') => shanghaiInstant(date, time).getTime();
const span = (from: string, to: string) => ({ start: at(from), end: at(to) });
const MIN = 60_000;

describe('online minutes: the union of attendance intervals', () => {
  it('counts overlapping intervals once and adds a re-joined one', () => {
    // 09:00–09:20 on one device, 09:15–09:30 on another (overlap 5 min), back 09:40–09:45 after leaving.
    const spans = [span('09:00', '09:20'), span('09:15', '09:30'), span('09:40', '09:45')];
    expect(unionMs(spans)).toBe(35 * MIN);
    expect(mergeSpans(spans)).toEqual([span('09:00', '09:30'), span('09:40', '09:45')]);
  });

  it('joins intervals that touch, and ignores empty and contained ones', () => {
    const spans = [span('09:10', '09:20'), span('09:00', '09:10'), span('09:05', '09:06'), span('09:30', '09:30')];
    expect(mergeSpans(spans)).toEqual([span('09:00', '09:20')]);
    expect(toMinutes(unionMs(spans))).toBe(20);
  });

  it('closes a participant who never left before a crash at her last heartbeat', () => {
    // The lesson crashed; its session was closed at its last heartbeat 09:32; her own last heartbeat was
    // 09:30, and crash recovery closed her interval there (an open end would run to the window's end).
    const lesson = span('09:00', '09:32');
    const recovered = clipSpan(at('09:00'), at('09:30'), lesson);
    expect(recovered).toEqual(span('09:00', '09:30'));
    expect(toMinutes(unionMs([recovered!]))).toBe(30);
    // Still open (not yet recovered), it is bounded by the lesson, never beyond.
    expect(clipSpan(at('09:05'), null, lesson)).toEqual(span('09:05', '09:32'));
    // Joined before the lesson row says it started (clock skew): only the lesson's part counts.
    expect(clipSpan(at('08:59'), at('09:10'), lesson)).toEqual(span('09:00', '09:10'));
    expect(clipSpan(at('09:40'), at('09:50'), lesson)).toBeNull();
  });

  it('rounds minutes to one decimal', () => {
    expect(toMinutes(37 * MIN + 29_000)).toBe(37.5);
    expect(toMinutes(59_999)).toBe(1);
    expect(toMinutes(0)).toBe(0);
  });
});

describe('Asia/Shanghai days and weeks', () => {
  it('splits a lesson across midnight and a week boundary between the two days and weeks', () => {
    // Sunday 2025-06-08 23:30 → Monday 2025-06-09 00:20, Shanghai time (15:30–16:20 UTC on Sunday).
    const lesson = { start: at('23:30', '2025-06-08'), end: at('00:20', '2025-06-09') };
    expect(new Date(lesson.start).toISOString()).toBe('2025-06-08T15:30:00.000Z');
    expect(splitByShanghaiDay(lesson)).toEqual([
      { date: '2025-06-08', weekStart: '2025-06-02', ms: 30 * MIN },
      { date: '2025-06-09', weekStart: '2025-06-09', ms: 20 * MIN },
    ]);
  });

  it('keeps a lesson within one Shanghai day whole, even when it crosses midnight UTC', () => {
    // 07:30–08:30 Shanghai is 23:30–00:30 UTC: one Shanghai day.
    expect(splitByShanghaiDay(span('07:30', '08:30'))).toEqual([{ date: '2025-06-04', weekStart: '2025-06-02', ms: 60 * MIN }]);
  });

  it('adds up overlapping spans per day once', () => {
    const spans = [
      { start: at('23:00', '2025-06-08'), end: at('00:10', '2025-06-09') },
      { start: at('23:50', '2025-06-08'), end: at('00:30', '2025-06-09') },
    ];
    expect(unionByShanghaiDay(spans)).toEqual([
      { date: '2025-06-08', weekStart: '2025-06-02', ms: 60 * MIN },
      { date: '2025-06-09', weekStart: '2025-06-09', ms: 30 * MIN },
    ]);
  });

  it('writes instants as Shanghai ISO 8601', () => {
    expect(toShanghaiIso(at('23:30', '2025-06-08'))).toBe('2025-06-08T23:30:00+08:00');
    expect(toShanghaiIso(new Date('2025-06-08T16:05:09.999Z'))).toBe('2025-06-09T00:05:09+08:00');
  });
});

describe('activity score', () => {
  const person = (values: Partial<ActivityInput>): ActivityInput => ({
    scored: true,
    talkMs: 0,
    messages: 0,
    handRaises: 0,
    stageInvitations: 0,
    pollAnswers: 0,
    ...values,
  });

  it('weighs each component against the best scored participant, and polls against the polls asked', () => {
    const teacher = person({ scored: false, talkMs: 40 * MIN, messages: 9 });
    const a = person({ talkMs: 10 * MIN, messages: 4, handRaises: 2, stageInvitations: 1, pollAnswers: 2 });
    const b = person({ talkMs: 5 * MIN, handRaises: 1, pollAnswers: 1 });
    const c = person({});
    const d = person({ talkMs: 2.5 * MIN, messages: 1, pollAnswers: 1 });
    // a: 20+20+20+20+20 = 100.  b: 20·5/10 + 0 + 20·1/2 + 0 + 20·1/2 = 30.  d: 5 + 5 + 0 + 0 + 10 = 20.
    // The teacher's 40 minutes of talk do not raise the bar for anyone.
    expect(activityScores([teacher, a, b, c, d], 2)).toEqual([null, 100, 30, 0, 20]);
  });

  it('gives nothing for a component nobody did, and rounds to a whole number', () => {
    const x = person({ messages: 1 });
    const y = person({ messages: 3 });
    // x: 20·1/3 = 6.67 → 7; no talk, hands, stage or polls in the lesson.
    expect(activityScores([x, y], 0)).toEqual([7, 20]);
  });

  it('cannot be inflated: a flood of messages or hands does not push the other sites toward zero', () => {
    const lessonStart = at('09:00');
    // 5,000 chat messages spread over a 40-minute lesson, and 1,000 hand toggles within two minutes.
    const flood = Array.from({ length: 5000 }, (_, i) => lessonStart + Math.floor((i * 40 * MIN) / 5000));
    const toggles = Array.from({ length: 1000 }, (_, i) => lessonStart + 10 * MIN + i * 100);
    expect(activeMinutes(flood, lessonStart)).toBe(40);
    expect(activeMinutes(toggles, lessonStart)).toBe(2);
    const flooder = person({ messages: activeMinutes(flood, lessonStart), handRaises: activeMinutes(toggles, lessonStart) });
    // Ordinary sites: a few messages in two or three minutes, a hand raised once or twice, a poll answered.
    const a = person({ talkMs: 4 * MIN, messages: 3, handRaises: 2, pollAnswers: 1 });
    const b = person({ talkMs: 2 * MIN, messages: 2, handRaises: 1, pollAnswers: 1 });
    const without = activityScores([a, b], 1);
    const withFlood = activityScores([flooder, a, b], 1);
    expect(without).toEqual([80, 53]);
    // The flood lowers a's and b's chat and hand components at most to minutes/saturation (3/5, 2/5; hands
    // are measured against the flooder's 2 minutes, which a reached too): a loses 8 points, b 5.
    // Counting acts against the best participant, the same flood took them to 40 and 30.
    expect(withFlood).toEqual([40, 72, 48]);
    for (const [i, score] of without.entries()) expect(withFlood[i + 1]! / score!).toBeGreaterThan(0.85);
  });

  it('still ranks ordinary sites by what they did', () => {
    const busy = person({ talkMs: 6 * MIN, messages: 4, handRaises: 3, stageInvitations: 1, pollAnswers: 2 });
    const some = person({ talkMs: 2 * MIN, messages: 1, handRaises: 1, pollAnswers: 1 });
    const quiet = person({ pollAnswers: 1 });
    const silent = person({});
    const scores = activityScores([busy, some, quiet, silent], 2);
    expect(scores).toEqual([100, 28, 10, 0]);
  });

  it('saturates: sites past the bar all earn the whole component', () => {
    expect(activityScores([person({ messages: 30 }), person({ messages: 5 }), person({ messages: 1 })], 0)).toEqual([20, 20, 4]);
  });

  it('scores nobody when only the lead teacher and observers were there', () => {
    expect(activityScores([person({ scored: false, talkMs: MIN }), person({ scored: false })], 1)).toEqual([null, null]);
  });
});

describe('quality summary', () => {
  it('averages what was measured and counts poor samples by loss, round trip or stream score', () => {
    const summary = summariseQuality([
      { rttMs: 100, packetLossPct: 1, consumerScore: 9 },
      { rttMs: 300, packetLossPct: 10, consumerScore: 8 }, // loss above 8 %: poor
      { rttMs: null, packetLossPct: null, consumerScore: 3 }, // streams scored below 5: poor
      { rttMs: 650, packetLossPct: 0, consumerScore: null }, // round trip above 600 ms: poor
    ]);
    expect(summary).toEqual({ samples: 4, avgRttMs: 350, avgPacketLossPct: 3.7, poorPct: 75 });
  });

  it('has no figures without samples', () => {
    expect(summariseQuality([])).toEqual({ samples: 0, avgRttMs: null, avgPacketLossPct: null, poorPct: null });
  });
});

describe('delivered', () => {
  it('needs the configured minutes', () => {
    expect(isDelivered(20 * MIN - 1, 20)).toBe(false);
    expect(isDelivered(20 * MIN, 20)).toBe(true);
  });
});

describe('link quality badge', () => {
  it('reads a self-reported link as good, fair, poor or unknown', () => {
    expect(linkQualityLevel({})).toBe('unknown');
    expect(linkQualityLevel({ rttMs: 80, packetLossPct: 0.5 })).toBe('good');
    expect(linkQualityLevel({ rttMs: 300 })).toBe('fair');
    expect(linkQualityLevel({ packetLossPct: 3 })).toBe('fair');
    expect(linkQualityLevel({ rttMs: 120, packetLossPct: 9 })).toBe('poor');
    expect(linkQualityLevel({ rttMs: 700 })).toBe('poor');
  });
});
