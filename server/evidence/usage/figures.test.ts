import { describe, expect, it } from 'vitest';
import { resolveRange } from './figures.js';
import type { TermRow } from './terms-repository.js';

const autumn: TermRow = { id: 1, regionId: 7, name: '第一学期', startsOn: '2026-09-01', endsOn: '2027-01-22' };
const lookup = {
  term: async (id: number) => (id === 1 ? autumn : id === 2 ? { ...autumn, id: 2, regionId: 8 } : undefined),
  termCovering: async (_regionId: number, day: string) => (day >= autumn.startsOn && day <= autumn.endsOn ? autumn : undefined),
};

describe('the range a report covers', async () => {
  it('is the running term up to today: its later timetabled lessons are not missed yet', async () => {
    expect(await resolveRange({}, 7, lookup, '2026-11-04')).toMatchObject({ from: '2026-09-01', to: '2026-11-04', term: autumn });
    expect(await resolveRange({ termId: 1 }, 7, lookup, '2027-03-01')).toMatchObject({ from: '2026-09-01', to: '2027-01-22' });
  });

  it('takes explicit dates as given, in whole Shanghai days', async () => {
    const range = await resolveRange({ termId: 1, from: '2026-09-07', to: '2026-09-20' }, 7, lookup, '2026-11-04');
    expect(range).toMatchObject({ from: '2026-09-07', to: '2026-09-20', weeks: 2 });
    expect(range.fromInstant.toISOString()).toBe('2026-09-06T16:00:00.000Z');
    expect(range.toInstant.toISOString()).toBe('2026-09-20T16:00:00.000Z');
  });

  it('falls back to the last twelve weeks, and refuses another region’s term or a reversed range', async () => {
    expect(await resolveRange({}, 7, lookup, '2027-03-01')).toMatchObject({ from: '2026-12-08', to: '2027-03-01', term: null });
    await expect(resolveRange({ termId: 2 }, 7, lookup, '2026-11-04')).rejects.toThrow();
    await expect(resolveRange({ from: '2026-10-02', to: '2026-10-01' }, 7, lookup, '2026-11-04')).rejects.toThrow();
    await expect(resolveRange({ from: '2026-02-30' }, 7, lookup, '2026-11-04')).rejects.toThrow();
  });
});
