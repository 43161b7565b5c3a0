/**
 * Asia/Shanghai calendar arithmetic. China has kept UTC+8 without daylight saving since 1991, so a fixed
 * offset is exact for every date Tongke stores; instants are stored as UTC.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;
export const TIME_ZONE = 'Asia/Shanghai';

/** The instant of a Shanghai wall-clock date ("2026-09-01") and time ("08:00"). */
export function shanghaiInstant(date: string, time = '00:00'): Date {
  return new Date(Date.parse(`${date}T${time}:00.000Z`) - SHANGHAI_OFFSET_MS);
}

/** The Shanghai calendar date ("YYYY-MM-DD") of an instant. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Shanghai wall-clock time ("HH:MM") of an instant. */
export function shanghaiTime(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(11, 16);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a Shanghai calendar date. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The calendar date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Monday (YYYY-MM-DD) of the week a Shanghai calendar date is in (weeks start on Monday). */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** Monday of the Shanghai week that contains the instant. */
export function shanghaiWeekStart(instant: Date): string {
  return mondayOf(shanghaiDate(instant));
}
