import { addDays, isoWeekday, shanghaiInstant } from '../../shared/time.js';

export interface WeeklySlot {
  id: number;
  weekday: number;
  startsAt: string;
  endsAt: string;
}

export interface ExpandedLesson {
  slotId: number;
  startsAt: Date;
  endsAt: Date;
}

/** A region's calendar exceptions, as the expansion needs them (dates are Shanghai calendar days). */
export interface SchoolCalendar {
  /** 节假日: inclusive date ranges without lessons. */
  holidays: ReadonlyArray<{ startsOn: string; endsOn: string }>;
  /** 调休补课日: dates (usually weekends) that follow another weekday's timetable, by date. */
  workdays: ReadonlyMap<string, number>;
}

export const NO_CALENDAR: SchoolCalendar = { holidays: [], workdays: new Map() };

/**
 * The timetable weekday a date follows: none on a holiday, the named weekday on a make-up working day,
 * else its own. A holiday wins over a make-up day on the same date (the calendar forbids both anyway).
 */
export function timetableWeekday(date: string, calendar: SchoolCalendar): number | null {
  if (calendar.holidays.some((h) => h.startsOn <= date && date <= h.endsOn)) return null;
  return calendar.workdays.get(date) ?? isoWeekday(date);
}

/**
 * Expands weekly timetable slots into the dated lessons of a term, from `fromDate` (inclusive, to skip the
 * past when a timetable changes mid-term) to the term's last day, respecting the region's holidays and
 * make-up working days. Dates are Shanghai calendar days.
 */
export function expandTimetable(
  slots: readonly WeeklySlot[],
  term: { startsOn: string; endsOn: string },
  fromDate = term.startsOn,
  calendar: SchoolCalendar = NO_CALENDAR,
): ExpandedLesson[] {
  const lessons: ExpandedLesson[] = [];
  const first = fromDate > term.startsOn ? fromDate : term.startsOn;
  for (let date = first; date <= term.endsOn; date = addDays(date, 1)) {
    const weekday = timetableWeekday(date, calendar);
    for (const slot of slots) {
      if (slot.weekday !== weekday) continue;
      lessons.push({ slotId: slot.id, startsAt: shanghaiInstant(date, slot.startsAt), endsAt: shanghaiInstant(date, slot.endsAt) });
    }
  }
  return lessons.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
