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

/**
 * Expands weekly timetable slots into the dated lessons of a term, from `fromDate` (inclusive, to skip the
 * past when a timetable changes mid-term) to the term's last day. Dates are Shanghai calendar days.
 */
export function expandTimetable(slots: readonly WeeklySlot[], term: { startsOn: string; endsOn: string }, fromDate = term.startsOn): ExpandedLesson[] {
  const lessons: ExpandedLesson[] = [];
  const first = fromDate > term.startsOn ? fromDate : term.startsOn;
  for (let date = first; date <= term.endsOn; date = addDays(date, 1)) {
    const weekday = isoWeekday(date);
    for (const slot of slots) {
      if (slot.weekday !== weekday) continue;
      lessons.push({ slotId: slot.id, startsAt: shanghaiInstant(date, slot.startsAt), endsAt: shanghaiInstant(date, slot.endsAt) });
    }
  }
  return lessons.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
