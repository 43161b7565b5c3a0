/*
 * The summed figures the usage reads return, and how the sums of disjoint sets of lessons add up.
 */

/** Summed figures of one key (see UsageFigures for what each means). */
export interface RollupSums {
  key: string;
  held: number;
  delivered: number;
  hosted: number;
  received: number;
  receivedSeconds: number;
  hostedSeconds: number;
  studentSeconds: number;
  attendanceExpected: number;
  attendancePresent: number;
  homeExpected: number;
  homePresent: number;
  participantsPresent: number;
  participantsActive: number;
  hands: number;
  chatMessages: number;
  pollAnswers: number;
}

export interface ScheduledSums {
  key: string;
  scheduled: number;
  delivered: number;
  /** 调课: lessons still on, at a time other than the timetable's (counted where they now are). */
  moved: number;
  /** 停课: cancelled lessons (counted at the time they would have started). */
  cancelled: number;
  /** 临时上课: lessons planned on the spot, outside the timetable (among `scheduled`). */
  adHoc: number;
}

const SUM_FIELDS = [
  'held',
  'delivered',
  'hosted',
  'received',
  'receivedSeconds',
  'hostedSeconds',
  'studentSeconds',
  'attendanceExpected',
  'attendancePresent',
  'homeExpected',
  'homePresent',
  'participantsPresent',
  'participantsActive',
  'hands',
  'chatMessages',
  'pollAnswers',
] as const satisfies ReadonlyArray<keyof RollupSums>;


/**
 * The figures of two disjoint sets of lessons together. Only for sets no lesson belongs to both of — the
 * subjects of one key, or the periods (weeks, months, terms) of a range: a lesson counts in the period of
 * the day it started, of its course's term.
 */
export function addSums(a: RollupSums, b: RollupSums): RollupSums {
  const sum = { ...a };
  for (const field of SUM_FIELDS) sum[field] = a[field] + b[field];
  return sum;
}

/** Timetable counts of two disjoint sets of timetabled lessons together (as addSums). */
export function addScheduled(a: ScheduledSums, b: ScheduledSums): ScheduledSums {
  return { key: a.key, scheduled: a.scheduled + b.scheduled, delivered: a.delivered + b.delivered, moved: a.moved + b.moved, cancelled: a.cancelled + b.cancelled, adHoc: a.adHoc + b.adHoc };
}

/** One aggregate row (usage_site_days or week roll-ups, same column names) as RollupSums. */
export function toSums(r: Record<string, unknown>): RollupSums {
  return {
    key: String(r.k),
    held: num(r.held),
    delivered: num(r.delivered),
    hosted: num(r.hosted),
    received: num(r.received),
    receivedSeconds: num(r.received_seconds),
    hostedSeconds: num(r.hosted_seconds),
    studentSeconds: num(r.student_seconds),
    attendanceExpected: num(r.attendance_expected),
    attendancePresent: num(r.attendance_present),
    homeExpected: num(r.home_expected),
    homePresent: num(r.home_present),
    participantsPresent: num(r.participants_present),
    participantsActive: num(r.participants_active),
    hands: num(r.hands),
    chatMessages: num(r.chat_messages),
    pollAnswers: num(r.poll_answers),
  };
}

const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));
