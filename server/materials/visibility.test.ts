import { describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../shared/time.js';
import { visibilityWindow, visibleAt } from './visibility.js';

const lesson = { startsAt: shanghaiInstant('2026-12-03', '09:00'), endsAt: shanghaiInstant('2026-12-03', '09:40') };
const at = (date: string, time: string) => shanghaiInstant(date, time);

describe('the visibility window of a lesson material', () => {
  it('shows a `before` item from N hours before until the lesson ends, and not after', () => {
    const item = { shown: 'before' as const, beforeHours: 24 };
    expect(visibleAt(item, lesson, at('2026-12-02', '08:59'))).toBe(false);
    expect(visibleAt(item, lesson, at('2026-12-02', '09:00'))).toBe(true);
    expect(visibleAt(item, lesson, at('2026-12-03', '09:20'))).toBe(true);
    expect(visibleAt(item, lesson, at('2026-12-03', '09:40'))).toBe(false);
  });

  it('shows an `after` item from the lesson’s start on, for good', () => {
    const item = { shown: 'after' as const, beforeHours: 24 };
    expect(visibleAt(item, lesson, at('2026-12-03', '08:59'))).toBe(false);
    expect(visibleAt(item, lesson, at('2026-12-03', '09:00'))).toBe(true);
    expect(visibleAt(item, lesson, at('2026-12-20', '09:00'))).toBe(true);
    expect(visibilityWindow(item, lesson).until).toBeNull();
  });

  it('shows a `both` item from N hours before, with no end', () => {
    const item = { shown: 'both' as const, beforeHours: 2 };
    expect(visibleAt(item, lesson, at('2026-12-03', '06:59'))).toBe(false);
    expect(visibleAt(item, lesson, at('2026-12-03', '07:00'))).toBe(true);
    expect(visibleAt(item, lesson, at('2026-12-05', '07:00'))).toBe(true);
  });
});
