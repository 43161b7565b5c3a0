import type { UsageFigures } from '../../../shared/api/evidence-usage.js';
import { SHORTAGE_SUBJECTS, SUBJECTS, type Subject } from '../../../shared/subjects.js';
import { addDays, shanghaiInstant } from '../../../shared/time.js';
import { invalidField, isCalendarDate, rangeTooLong } from '../../core/constraints.js';
import type { TermRow } from './terms-repository.js';
import type { RollupSums, ScheduledSums } from './sums.js';

/**
 * The longest range a report covers: three years (a county's evaluation period), so one request's cost
 * is bounded (a 3-year region report was measured at ~3 s; its weekly trend has ~157 points).
 */
export const MAX_REPORT_DAYS = 3 * 365 + 1;
/** Without a term or dates, and no term covering today: the last twelve weeks. */
const DEFAULT_DAYS = 84;

export const rate = (part: number, whole: number): number | null => (whole > 0 ? round(part / whole, 4) : null);
export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};
export const hours = (seconds: number): number => round(seconds / 3600, 2);

/** What makes one unit's (or period's) figures. */
export interface FigureParts {
  sums: RollupSums | undefined;
  scheduled: ScheduledSums | undefined;
  subjects: readonly Subject[];
  teacherIds: readonly number[];
  /** Shown at school and classroom scope; null: names are not shown. */
  teacherNames: ReadonlyMap<number, string> | null;
  receivingClassrooms: number;
  weeks: number;
}

/** Summed roll-ups → the figures a report shows (see UsageFigures). */
export function usageFigures(parts: FigureParts): UsageFigures {
  const s = parts.sums;
  const receivedSeconds = s?.receivedSeconds ?? 0;
  const subjects = SUBJECTS.filter((subject) => parts.subjects.includes(subject));
  const names = parts.teacherNames;
  return {
    scheduledLessons: parts.scheduled?.scheduled ?? 0,
    scheduledDelivered: parts.scheduled?.delivered ?? 0,
    movedLessons: parts.scheduled?.moved ?? 0,
    cancelledLessons: parts.scheduled?.cancelled ?? 0,
    adHocLessons: parts.scheduled?.adHoc ?? 0,
    heldLessons: s?.held ?? 0,
    deliveredLessons: s?.delivered ?? 0,
    hostedLessons: s?.hosted ?? 0,
    receivedLessons: s?.received ?? 0,
    receivedHours: hours(receivedSeconds),
    hostedHours: hours(s?.hostedSeconds ?? 0),
    studentHours: hours(s?.studentSeconds ?? 0),
    receivingClassrooms: parts.receivingClassrooms,
    hoursPerClassroomWeek: parts.receivingClassrooms > 0 && parts.weeks > 0 ? round(receivedSeconds / 3600 / parts.receivingClassrooms / parts.weeks, 2) : null,
    subjects,
    shortageSubjects: subjects.filter((subject) => SHORTAGE_SUBJECTS.includes(subject)),
    teacherCount: parts.teacherIds.length,
    teacherNames: names ? parts.teacherIds.map((id) => names.get(id) ?? '').filter((n) => n !== '').sort((a, b) => a.localeCompare(b, 'zh-CN')) : [],
    attendanceExpected: s?.attendanceExpected ?? 0,
    attendancePresent: s?.attendancePresent ?? 0,
    attendanceRate: rate(s?.attendancePresent ?? 0, s?.attendanceExpected ?? 0),
    homeExpected: s?.homeExpected ?? 0,
    homePresent: s?.homePresent ?? 0,
    homeRate: rate(s?.homePresent ?? 0, s?.homeExpected ?? 0),
    participantsPresent: s?.participantsPresent ?? 0,
    participantsActive: s?.participantsActive ?? 0,
    participationRate: rate(s?.participantsActive ?? 0, s?.participantsPresent ?? 0),
    hands: s?.hands ?? 0,
    chatMessages: s?.chatMessages ?? 0,
    pollAnswers: s?.pollAnswers ?? 0,
  };
}

/** Did a unit take part in anything in the range (for hiding empty rows)? A unit whose lessons were all cancelled still shows, with its 停课; one whose people only watched recordings (点播), with those. */
export const hasActivity = (f: UsageFigures): boolean =>
  f.heldLessons > 0 || f.scheduledLessons > 0 || f.cancelledLessons > 0 || f.attendanceExpected > 0 || (f.replayViews ?? 0) > 0;

/** A report's range of Shanghai days (inclusive) and the instants that bound it. */
export interface ReportRange {
  from: string;
  to: string;
  term: TermRow | null;
  fromInstant: Date;
  toInstant: Date;
  /** Days / 7. */
  weeks: number;
}

/**
 * The range a report covers: the term's dates (a term of the region; a running term up to today),
 * overridden by from/to; with neither, the region's term covering today, else the twelve weeks up to today.
 */
export async function resolveRange(
  query: { termId?: number | undefined; from?: string | undefined; to?: string | undefined },
  regionId: number,
  lookup: { term(id: number): Promise<TermRow | undefined>; termCovering(regionId: number, day: string): Promise<TermRow | undefined> },
  today: string,
): Promise<ReportRange> {
  let term: TermRow | null = null;
  if (query.termId !== undefined) {
    term = (await lookup.term(query.termId)) ?? null;
    if (!term || term.regionId !== regionId) throw invalidField('/termId', 'no such term in this region');
  } else if (query.from === undefined && query.to === undefined) {
    term = (await lookup.termCovering(regionId, today)) ?? null;
  }
  if (query.from !== undefined && !isCalendarDate(query.from)) throw invalidField('/from', 'not a calendar date');
  if (query.to !== undefined && !isCalendarDate(query.to)) throw invalidField('/to', 'not a calendar date');
  // A term still running is reported up to today: its later timetabled lessons have not been missed yet.
  const termEnd = term && term.startsOn <= today && today < term.endsOn ? today : term?.endsOn;
  const to = query.to ?? termEnd ?? today;
  const from = query.from ?? term?.startsOn ?? addDays(to, 1 - DEFAULT_DAYS);
  if (to < from) throw invalidField('/to', 'must not be before from');
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  if (days > MAX_REPORT_DAYS) throw rangeTooLong('/to', MAX_REPORT_DAYS);
  return { from, to, term, fromInstant: shanghaiInstant(from), toInstant: shanghaiInstant(addDays(to, 1)), weeks: days / 7 };
}

/** Days / 7 of the part of [from, to] inside the range. */
export function weeksWithin(from: string, to: string): number {
  return (Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1) / 7;
}
