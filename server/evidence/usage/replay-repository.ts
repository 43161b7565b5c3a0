import { sql, type SQL } from 'drizzle-orm';
import { rows, type TongkeDb } from '../../db/store.js';
import type { RollupFilter } from './repository.js';

/*
 * 点播 (名校网络课堂 replays) for the usage reports, read from recording_view_days — the day roll-up kept as
 * viewing reports arrive (server/recordings/viewing), by the VIEWER's unit: a school's figures are what its
 * students, teachers and classrooms watched, whoever recorded the lesson.
 */

/** How replay rows are grouped: like the live roll-up keys a report uses (lessons have no replays of their own). */
export type ReplayKey = 'all' | 'school' | 'classroom' | 'week' | 'month';

/** Summed replays of one key. */
export interface ReplaySums {
  key: string;
  views: number;
  /** Distinct viewers: not additive across keys (one person may watch on several days or in several units). */
  viewers: number;
  watchedSeconds: number;
  /** Of those, what 送教上门 students watched. */
  homeSeconds: number;
}

/** One recording as the unit's viewers watched it. */
export interface RecordingReplaySums {
  recordingId: number;
  title: string;
  courseName: string;
  schoolName: string;
  views: number;
  viewers: number;
  watchedSeconds: number;
}

const KEYS: Record<ReplayKey, SQL> = {
  all: sql`'0'`,
  school: sql`d.school_id`,
  // A school's rows: each classroom device's own, its students together ("0", like the live report's
  // students row), and staff watching on their own account in the school's total only ("-1": no row).
  classroom: sql`CASE WHEN d.classroom_id IS NOT NULL THEN d.classroom_id WHEN EXISTS (SELECT 1 FROM student_profiles sp WHERE sp.user_id = d.user_id) THEN 0 ELSE -1 END`,
  week: sql`d.week`,
  month: sql`substr(d.day, 1, 7)`,
};

const num = (value: unknown): number => Number(value ?? 0);
const list = (ids: readonly number[]): SQL => sql.join(ids.map((id) => sql`${id}`), sql`, `);

/** Reads the replay day roll-up for the usage reports. */
export class ReplayRepository {
  constructor(private readonly db: TongkeDb) {}

  async sums(filter: RollupFilter, key: ReplayKey): Promise<ReplaySums[]> {
    const found = await rows<Record<string, unknown>>(this.db, sql`
      SELECT ${KEYS[key]} AS k, coalesce(sum(d.views), 0) AS views, count(DISTINCT d.user_id) AS viewers,
        coalesce(sum(d.watched_seconds), 0) AS watched_seconds,
        coalesce(sum(CASE WHEN d.home_delivery = true THEN d.watched_seconds ELSE 0 END), 0) AS home_seconds
      FROM recording_view_days d
      JOIN recordings r ON r.id = d.recording_id
      JOIN courses c ON c.id = r.course_id
      WHERE ${where(filter)}
      GROUP BY k`);
    return found.map((r) => ({ key: String(r.k), views: num(r.views), viewers: num(r.viewers), watchedSeconds: num(r.watched_seconds), homeSeconds: num(r.home_seconds) }));
  }

  /** The recordings the unit's viewers watched most (by watched time), at most `limit`. */
  async topRecordings(filter: RollupFilter, limit: number): Promise<RecordingReplaySums[]> {
    const found = await rows<Record<string, unknown>>(this.db, sql`
      SELECT r.id AS recording_id, r.title AS title, c.name AS course_name, s.name AS school_name,
        coalesce(sum(d.views), 0) AS views, count(DISTINCT d.user_id) AS viewers, coalesce(sum(d.watched_seconds), 0) AS watched_seconds
      FROM recording_view_days d
      JOIN recordings r ON r.id = d.recording_id
      JOIN courses c ON c.id = r.course_id
      JOIN schools s ON s.id = c.school_id
      WHERE ${where(filter)}
      GROUP BY r.id, r.title, c.name, s.name
      ORDER BY sum(d.watched_seconds) DESC, sum(d.views) DESC, r.id
      LIMIT ${limit}`);
    return found.map((r) => ({
      recordingId: num(r.recording_id),
      title: String(r.title),
      courseName: String(r.course_name),
      schoolName: String(r.school_name),
      views: num(r.views),
      viewers: num(r.viewers),
      watchedSeconds: num(r.watched_seconds),
    }));
  }
}

/** The report's unit (by the viewer's place), days, subject, lesson kind and own courses. */
function where(filter: RollupFilter): SQL {
  const column = { region_id: sql`d.region_id`, school_id: sql`d.school_id`, classroom_id: sql`d.classroom_id` }[filter.scope.column];
  const parts: SQL[] = [filter.scope.ids.length > 0 ? sql`${column} IN (${list(filter.scope.ids)})` : sql`1 = 0`, sql`d.day >= ${filter.fromDay}`, sql`d.day <= ${filter.toDay}`];
  if (filter.subject) parts.push(sql`c.subject = ${filter.subject}`);
  if (filter.kind) parts.push(sql`c.kind = ${filter.kind}`);
  if (filter.courseIds) parts.push(filter.courseIds.length > 0 ? sql`r.course_id IN (${list(filter.courseIds)})` : sql`1 = 0`);
  return sql.join(parts, sql` AND `);
}
