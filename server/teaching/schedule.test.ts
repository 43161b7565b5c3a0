import { describe, expect, it } from 'vitest';
import { expandTimetable } from './schedule.js';
import { shanghaiDate, shanghaiWeekStart } from '../../shared/time.js';

describe('expandTimetable', () => {
  const term = { startsOn: '2026-09-01', endsOn: '2026-09-14' }; // Tue 1 Sep … Mon 14 Sep

  it('places each weekly slot on its weekday, in Shanghai time stored as UTC', () => {
    const lessons = expandTimetable([{ id: 1, weekday: 1, startsAt: '08:00', endsAt: '08:40' }], term);
    expect(lessons.map((l) => l.startsAt.toISOString())).toEqual(['2026-09-07T00:00:00.000Z', '2026-09-14T00:00:00.000Z']);
    expect(lessons[0]!.endsAt.toISOString()).toBe('2026-09-07T00:40:00.000Z');
  });

  it('skips days before fromDate and orders lessons by time', () => {
    const slots = [
      { id: 1, weekday: 3, startsAt: '14:00', endsAt: '14:40' },
      { id: 2, weekday: 3, startsAt: '08:00', endsAt: '08:40' },
    ];
    const lessons = expandTimetable(slots, term, '2026-09-03');
    expect(lessons.map((l) => [l.slotId, shanghaiDate(l.startsAt)])).toEqual([
      [2, '2026-09-09'],
      [1, '2026-09-09'],
    ]);
  });

  it('puts an early-morning Shanghai lesson on its Shanghai date although it is the previous UTC day', () => {
    const [lesson] = expandTimetable([{ id: 1, weekday: 2, startsAt: '07:30', endsAt: '08:10' }], term);
    expect(lesson!.startsAt.toISOString()).toBe('2026-08-31T23:30:00.000Z');
    expect(shanghaiDate(lesson!.startsAt)).toBe('2026-09-01');
    expect(shanghaiWeekStart(lesson!.startsAt)).toBe('2026-08-31');
  });

  it('has no lessons on a holiday and follows the named weekday on a make-up working day', () => {
    // National Day week 2026: 1–7 Oct off; Sunday 27 Sep and Saturday 10 Oct are worked (as Monday / Wednesday).
    const autumn = { startsOn: '2026-09-21', endsOn: '2026-10-12' };
    const slots = [
      { id: 1, weekday: 1, startsAt: '08:00', endsAt: '08:40' },
      { id: 2, weekday: 3, startsAt: '09:00', endsAt: '09:40' },
    ];
    const calendar = { holidays: [{ startsOn: '2026-10-01', endsOn: '2026-10-07' }], workdays: new Map([['2026-09-27', 1], ['2026-10-10', 3]]) };
    const dates = expandTimetable(slots, autumn, autumn.startsOn, calendar).map((l) => `${l.slotId}@${shanghaiDate(l.startsAt)}`);
    expect(dates).toEqual(['1@2026-09-21', '2@2026-09-23', '1@2026-09-27', '1@2026-09-28', '2@2026-09-30', '2@2026-10-10', '1@2026-10-12']);
  });
});
