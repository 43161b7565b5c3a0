import { describe, expect, it } from 'vitest';
import type { ScheduledLessonView } from '../../shared/api/teaching.js';
import { shanghaiInstant } from '../../shared/time.js';
import { lessonDays } from './lessons.svelte.js';
import { liveLessonIds } from './live-lessons.svelte.js';

const lesson = (id: number, date: string, start: string, end: string): ScheduledLessonView => ({
  id,
  courseId: 7,
  courseName: '三年级音乐',
  subject: 'music',
  kind: 'delivered',
  grade: 3,
  leadTeacherName: '王老师',
  hostSchoolName: '城关小学',
  startsAt: shanghaiInstant(date, start).toISOString(),
  endsAt: shanghaiInstant(date, end).toISOString(),
  status: 'scheduled',
  adHoc: false,
  movedFrom: null,
  changeReason: null,
  myPart: 'receiving_classroom',
  receivingClassrooms: [],
});

describe('the home pages’ day grouping', () => {
  it('lists a lesson started on a Sunday afternoon under today, not under Monday when it was timetabled', () => {
    // Sunday 29 Nov 2026, 14:00 Shanghai; the course's next timetabled lesson is Monday 09:45.
    const now = shanghaiInstant('2026-11-29', '14:00').getTime();
    const lessons = [lesson(1, '2026-11-30', '09:45', '10:25'), lesson(2, '2026-12-03', '09:45', '10:25')];
    const live = liveLessonIds(lessons, new Set([7]), now);
    const { today, later } = lessonDays(lessons, now, live);
    expect(today.map((l) => l.id)).toEqual([1]);
    expect(later.map((d) => [d.date, d.lessons.map((l) => l.id)])).toEqual([['2026-12-03', [2]]]);
  });

  it('groups by the Shanghai date: an early lesson on the previous UTC day is today’s', () => {
    const now = shanghaiInstant('2026-11-30', '07:00').getTime();
    const { today, later } = lessonDays([lesson(1, '2026-11-30', '07:30', '08:10'), lesson(2, '2026-12-01', '07:30', '08:10')], now, new Set());
    expect(today.map((l) => l.id)).toEqual([1]);
    expect(later.map((d) => d.date)).toEqual(['2026-12-01']);
  });
});
