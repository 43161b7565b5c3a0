import { eq, sql, type SQL } from 'drizzle-orm';
import { addDays, mondayOf } from '../../../shared/time.js';
import { groupBy } from '../../core/lists.js';
import { execute, rows, type TongkeDb } from '../../db/store.js';
import { usageWeekThreshold } from '../../db/schema/index.js';
import type { RollupFilter, RollupKey } from './repository.js';

/*
 * The week roll-ups (usage_school_weeks, usage_region_weeks): usage_site_days summed per school or region,
 * week, term, subject and kind of lesson, with each lesson counted once per row under the threshold recorded
 * in usage_week_threshold. A term report reads these for its whole weeks; see schema/rollups.ts.
 */

/** Which week table answers a key: the school rows, or the region rows (a lesson counted once across its schools). */
export type WeekLevel = 'school' | 'region';

/**
 * A report's day range as weeks read from a week table, with the days at either end that are not a whole
 * week of the range read from usage_site_days: added (the range's days of that week), or taken away from
 * the whole week (the week's days outside the range), whichever are fewer days.
 */
export interface WeekPlan {
  level: WeekLevel;
  /** Mondays, inclusive. */
  fromWeek: string;
  toWeek: string;
  /** Day ranges to add from usage_site_days, and to take away. */
  addDays: DayRange[];
  subtractDays: DayRange[];
  /** The key needs no week, so school rows may come from whole terms (usage_school_terms). */
  byTerm: boolean;
}

export interface DayRange {
  fromDay: string;
  toDay: string;
}

const SCHOOL_KEYS: ReadonlySet<RollupKey> = new Set(['school', 'school_week', 'school_subject']);
const ACROSS_SCHOOL_KEYS: ReadonlySet<RollupKey> = new Set(['all', 'week', 'term']);

/**
 * Which week rows answer a filter and key exactly, if any: not for classrooms, lessons or months (a week
 * can straddle two months), a teacher's own courses, a threshold other than the rows were counted with,
 * or counts across several schools or regions that a lesson could be counted in twice (a group's totals).
 */
export function planWeeks(filter: RollupFilter, key: RollupKey, countedWith: number | null): WeekPlan | null {
  const { column, ids } = filter.scope;
  if (countedWith !== filter.deliveredSeconds || filter.courseIds !== null || ids.length === 0) return null;
  let level: WeekLevel;
  if (SCHOOL_KEYS.has(key) && column !== 'classroom_id') level = 'school';
  else if (ACROSS_SCHOOL_KEYS.has(key) && ids.length === 1 && column !== 'classroom_id') level = column === 'school_id' ? 'school' : 'region';
  else return null;

  const weeks = weeksOf(filter);
  return weeks && { level, ...weeks, byTerm: level === 'school' && key !== 'week' && key !== 'school_week' };
}

/**
 * Which teacher week rows answer a filter and key, if any: any region or schools (teachers are counted
 * once per key when read), not classrooms, lessons, months or a teacher's own courses.
 */
export function planTeacherWeeks(filter: RollupFilter, key: RollupKey, built: boolean): WeekPlan | null {
  const { column, ids } = filter.scope;
  if (!built || filter.courseIds !== null || ids.length === 0 || column === 'classroom_id' || !(SCHOOL_KEYS.has(key) || ACROSS_SCHOOL_KEYS.has(key))) return null;
  const weeks = weeksOf(filter);
  return weeks && { level: 'school', ...weeks, byTerm: false };
}

/** The filter's day range as whole weeks and days added or taken away (null: within one week). */
function weeksOf(filter: RollupFilter): Pick<WeekPlan, 'fromWeek' | 'toWeek' | 'addDays' | 'subtractDays'> | null {
  const [firstMonday, lastMonday] = [mondayOf(filter.fromDay), mondayOf(filter.toDay)];
  const lastSunday = addDays(lastMonday, 6);
  if (firstMonday === lastMonday && (filter.fromDay !== firstMonday || filter.toDay !== lastSunday)) return null;
  const plan = { fromWeek: firstMonday, toWeek: lastMonday, addDays: [] as DayRange[], subtractDays: [] as DayRange[] };
  if (filter.fromDay !== firstMonday) {
    const before = { fromDay: firstMonday, toDay: addDays(filter.fromDay, -1) };
    if (daysIn(before) < 7 - daysIn(before)) plan.subtractDays.push(before);
    else {
      plan.fromWeek = addDays(firstMonday, 7);
      plan.addDays.push({ fromDay: filter.fromDay, toDay: addDays(firstMonday, 6) });
    }
  }
  if (filter.toDay !== lastSunday) {
    const after = { fromDay: addDays(filter.toDay, 1), toDay: lastSunday };
    if (daysIn(after) < 7 - daysIn(after)) plan.subtractDays.push(after);
    else {
      plan.toWeek = addDays(lastMonday, -7);
      plan.addDays.push({ fromDay: lastMonday, toDay: filter.toDay });
    }
  }
  return plan.fromWeek <= plan.toWeek ? plan : null;
}

const daysIn = (range: DayRange): number => Math.round((Date.parse(range.toDay) - Date.parse(range.fromDay)) / 86_400_000) + 1;

const SUMMED = [
  'site_days',
  'held',
  'delivered',
  'hosted',
  'received',
  'received_seconds',
  'hosted_seconds',
  'student_seconds',
  'attendance_expected',
  'attendance_present',
  'home_expected',
  'home_present',
  'participants_present',
  'participants_active',
  'hands',
  'chat_messages',
  'poll_answers',
] as const;

/**
 * One lesson's contribution to each week row of a level, from its usage_site_days: the lesson counts
 * (each 0 or 1 — the lesson's start-day rows are all in one week) and its sums.
 */
const lessonContributions = (level: Level, where: SQL, min: number) => {
  const keys = TABLES[level].keys;
  return sql`
    SELECT ${sql.raw(keys)},
      count(*) AS site_days,
      max(CASE WHEN lesson_start = true AND site_lesson_seconds > 0 THEN 1 ELSE 0 END) AS held,
      max(CASE WHEN lesson_start = true AND site_lesson_seconds >= ${min} THEN 1 ELSE 0 END) AS delivered,
      max(CASE WHEN lesson_start = true AND site_kind = 'host' AND site_lesson_seconds >= ${min} THEN 1 ELSE 0 END) AS hosted,
      max(CASE WHEN lesson_start = true AND site_kind <> 'host' AND site_lesson_seconds >= ${min} THEN 1 ELSE 0 END) AS received,
      sum(CASE WHEN site_kind = 'receiving_classroom' THEN connected_seconds ELSE 0 END) AS received_seconds,
      sum(CASE WHEN site_kind = 'host' THEN connected_seconds ELSE 0 END) AS hosted_seconds,
      sum(CASE WHEN site_kind = 'student' THEN connected_seconds ELSE 0 END) AS student_seconds,
      sum(attendance_expected) AS attendance_expected,
      sum(attendance_present) AS attendance_present,
      sum(home_expected) AS home_expected,
      sum(home_present) AS home_present,
      sum(participants_present) AS participants_present,
      sum(participants_active) AS participants_active,
      sum(hands) AS hands,
      sum(chat_messages) AS chat_messages,
      sum(poll_answers) AS poll_answers
    FROM usage_site_days WHERE ${where}
    GROUP BY lesson_session_id, ${sql.raw(keys)}`;
};

/** The tables kept from usage_site_days, with their key columns. */
type Level = WeekLevel | 'school_term';
const LEVELS: readonly Level[] = ['school', 'region', 'school_term'];
const TABLES: Record<Level, { name: string; keys: string }> = {
  school: { name: 'usage_school_weeks', keys: 'school_id, week, subject, kind, term_id, region_id' },
  region: { name: 'usage_region_weeks', keys: 'region_id, week, subject, kind, term_id' },
  school_term: { name: 'usage_school_terms', keys: 'school_id, subject, kind, term_id, region_id' },
};

const list = (values: ReadonlyArray<number | string>): SQL => sql.join(values.map((v) => sql`${v}`), sql`, `);

const TEACHERS = { name: 'usage_teacher_weeks', keys: 'school_id, week, subject, kind, term_id, region_id, user_id' };

/** Keeps the week roll-ups and reads them. */
export class WeekRollupRepository {
  constructor(private readonly db: TongkeDb) {}

  /** The threshold (seconds) the week rows count delivered lessons with; null: they are not built. */
  async countedWith(): Promise<number | null> {
    const [row] = await this.db.select({ seconds: usageWeekThreshold.deliveredSeconds }).from(usageWeekThreshold).where(eq(usageWeekThreshold.id, 1)).limit(1);
    return row?.seconds ?? null;
  }

  /**
   * Adds (sign 1) or takes away (sign −1) one lesson's usage_site_days as they are now. Called in the
   * transaction that replaces them: away before the old rows go, added after the new ones are in. Rows
   * left standing for no usage_site_days are deleted. Nothing while the week rows are not built.
   */
  async addLesson(lessonSessionId: number, sign: 1 | -1): Promise<void> {
    // Rows are upserted in key order, table by table: two lessons finalised at once on PostgreSQL lock the rows they share in the same order.
    const min = await this.countedWith();
    if (min === null) return;
    const lesson = sql`lesson_session_id = ${lessonSessionId}`;
    for (const level of LEVELS) {
      const { name, keys } = TABLES[level];
      const total = (c: string) => (sign === 1 ? `sum(${c})` : `-sum(${c})`);
      await execute(this.db, sql`
        INSERT INTO ${sql.identifier(name)} (${sql.raw(keys)}, ${sql.raw(SUMMED.join(', '))})
        SELECT ${sql.raw(keys)}, ${sql.raw(SUMMED.map(total).join(', '))}
        FROM (${lessonContributions(level, lesson, min)}) AS l
        WHERE true
        GROUP BY ${sql.raw(keys)}
        ORDER BY ${sql.raw(keys)}
        ON CONFLICT (${sql.raw(keys)}) DO UPDATE SET ${sql.raw(SUMMED.map((c) => `${c} = ${name}.${c} + excluded.${c}`).join(', '))}`);
      if (sign === -1) await this.#deleteEmptied(name, keys, 'site_days', 'usage_site_days', lessonSessionId);
    }
    await this.#addLessonTeachers(lessonSessionId, sign);
  }

  /** Adds or takes away one lesson's usage_lesson_teachers (as addLesson; called by it). */
  async #addLessonTeachers(lessonSessionId: number, sign: 1 | -1): Promise<void> {
    const { name, keys } = TEACHERS;
    await execute(this.db, sql`
      INSERT INTO ${sql.identifier(name)} (${sql.raw(keys)}, lessons)
      SELECT ${sql.raw(keys)}, ${sql.raw(sign === 1 ? '' : '-')}count(*) FROM usage_lesson_teachers
      WHERE lesson_session_id = ${lessonSessionId}
      GROUP BY ${sql.raw(keys)}
      ORDER BY ${sql.raw(keys)}
      ON CONFLICT (${sql.raw(keys)}) DO UPDATE SET lessons = ${sql.raw(name)}.lessons + excluded.lessons`);
    if (sign === -1) await this.#deleteEmptied(name, keys, 'lessons', 'usage_lesson_teachers', lessonSessionId);
  }

  /**
   * Deletes the rows of `table` that a lesson taken away left at zero (`count` = 0). The lesson's old rows in
   * `source` still say which rows it touched (the key index finds them).
   */
  async #deleteEmptied(table: string, keys: string, count: string, source: string, lessonSessionId: number): Promise<void> {
    const match = keys
      .split(', ')
      .map((c) => `${table}.${c} = u.${c}`)
      .join(' AND ');
    await execute(this.db, sql`
      DELETE FROM ${sql.identifier(table)} WHERE ${sql.identifier(count)} = 0 AND EXISTS (
        SELECT 1 FROM ${sql.identifier(source)} u WHERE u.lesson_session_id = ${lessonSessionId} AND ${sql.raw(match)})`);
  }

  /** The distinct teachers per key of the plan's weeks (`k`, `user_id`, `n`: their lessons). */
  async teachers(plan: WeekPlan, filter: RollupFilter, k: SQL): Promise<Array<{ k: unknown; user_id: unknown; n: unknown }>> {
    return rows(this.db, sql`
      SELECT ${k} AS k, user_id, sum(lessons) AS n FROM ${sql.identifier(TEACHERS.name)} WHERE ${this.#where(plan, filter)} GROUP BY k, user_id`);
  }

  /** Replaces every week row with the sums of usage_site_days, lessons counted delivered from `deliveredSeconds` (call inside a transaction). */
  async rebuild(deliveredSeconds: number): Promise<void> {
    for (const level of LEVELS) {
      const { name, keys } = TABLES[level];
      await execute(this.db, sql`DELETE FROM ${sql.identifier(name)}`);
      await execute(this.db, sql`
        INSERT INTO ${sql.identifier(name)} (${sql.raw(keys)}, ${sql.raw(SUMMED.join(', '))})
        SELECT ${sql.raw(keys)}, ${sql.raw(SUMMED.map((c) => `sum(${c})`).join(', '))}
        FROM (${lessonContributions(level, sql`true`, deliveredSeconds)}) AS l
        WHERE true
        GROUP BY ${sql.raw(keys)}`);
    }
    await execute(this.db, sql`DELETE FROM ${sql.identifier(TEACHERS.name)}`);
    await execute(this.db, sql`
      INSERT INTO ${sql.identifier(TEACHERS.name)} (${sql.raw(TEACHERS.keys)}, lessons)
      SELECT ${sql.raw(TEACHERS.keys)}, count(*) FROM usage_lesson_teachers WHERE true GROUP BY ${sql.raw(TEACHERS.keys)}`);
    await this.db.insert(usageWeekThreshold).values({ id: 1, deliveredSeconds }).onConflictDoUpdate({ target: usageWeekThreshold.id, set: { deliveredSeconds } });
  }

  /**
   * The summed figures of the plan's weeks per key (`k`; the columns of the usage_site_days aggregate and
   * `site_days`), as parts to add up: some may be negative. School rows of a term whose weeks are mostly in
   * the range come from the term's row minus its weeks outside the range — a county term report reads ~10
   * rows per school instead of ~100.
   */
  async sums(plan: WeekPlan, filter: RollupFilter, k: SQL): Promise<Array<Record<string, unknown>>> {
    return this.#parts(plan, filter, (table, where, sign) =>
      rows(this.db, sql`
        SELECT ${k} AS k, ${sql.raw(SUMMED.map((c) => `${sign === 1 ? '' : '-'}sum(${c}) AS ${c}`).join(', '))}
        FROM ${sql.identifier(table)} WHERE ${where} GROUP BY k`),
    );
  }

  /** Received lessons per key and subject in the plan's weeks, as parts to add up (as `sums`). */
  async receivedSubjects(plan: WeekPlan, filter: RollupFilter, k: SQL): Promise<Array<{ k: unknown; subject: string; n: unknown }>> {
    return this.#parts(plan, filter, (table, where, sign) =>
      rows(this.db, sql`
        SELECT ${k} AS k, subject, ${sql.raw(sign === 1 ? '' : '-')}sum(received) AS n
        FROM ${sql.identifier(table)} WHERE ${where} GROUP BY k, subject HAVING sum(received) > 0`),
    );
  }

  async #parts<T>(plan: WeekPlan, filter: RollupFilter, read: (table: string, where: SQL, sign: 1 | -1) => Promise<T[]>): Promise<T[]> {
    const weekTable = TABLES[plan.level].name;
    const split = plan.byTerm ? await this.#termsMostlyWithin(plan, filter) : null;
    if (!split) return read(weekTable, this.#where(plan, filter), 1);
    const scope = this.#where(null, filter);
    const inTerms = sql`term_id IN (${list(split.terms)})`;
    const parts = await Promise.all([
      read(TABLES.school_term.name, sql`${scope} AND ${inTerms}`, 1),
      split.outside.length > 0 ? read(weekTable, sql`${scope} AND ${inTerms} AND week IN (${list(split.outside)})`, -1) : [],
      split.otherInside.length > 0 ? read(weekTable, sql`${scope} AND NOT (${inTerms}) AND week IN (${list(split.otherInside)})`, 1) : [],
    ]);
    return parts.flat();
  }

  /**
   * The terms with more of their weeks (that had lessons in the scope) inside the plan's weeks than outside,
   * the weeks of those terms outside, and the weeks inside that other terms had lessons in; null: no such term.
   */
  async #termsMostlyWithin(plan: WeekPlan, filter: RollupFilter): Promise<{ terms: number[]; outside: string[]; otherInside: string[] } | null> {
    // The region's week rows name the same terms and weeks as its schools' rows, in far fewer rows.
    const table = filter.scope.column === 'region_id' ? TABLES.region.name : TABLES.school.name;
    const found = await rows<{ term_id: unknown; week: string }>(this.db, sql`SELECT DISTINCT term_id, week FROM ${sql.identifier(table)} WHERE ${this.#where(null, filter)}`);
    const inside = (week: string) => week >= plan.fromWeek && week <= plan.toWeek;
    const byTerm = groupBy(found, (r) => Number(r.term_id));
    const terms = [...byTerm].filter(([, weeks]) => weeks.filter((w) => inside(w.week)).length * 2 > weeks.length).map(([term]) => term);
    if (terms.length === 0) return null;
    const chosen = new Set(terms);
    const weeksWhere = (pick: (term: number, week: string) => boolean) => [...new Set(found.filter((r) => pick(Number(r.term_id), r.week)).map((r) => r.week))];
    return { terms, outside: weeksWhere((t, w) => chosen.has(t) && !inside(w)), otherInside: weeksWhere((t, w) => !chosen.has(t) && inside(w)) };
  }

  /** The filter's scope, subject and kind, and the plan's weeks (none: every week). */
  #where(plan: WeekPlan | null, filter: RollupFilter): SQL {
    const { column, ids } = filter.scope;
    const conditions: SQL[] = [sql`${sql.identifier(column)} IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`];
    if (plan) conditions.push(sql`week >= ${plan.fromWeek}`, sql`week <= ${plan.toWeek}`);
    if (filter.subject) conditions.push(sql`subject = ${filter.subject}`);
    if (filter.kind) conditions.push(sql`kind = ${filter.kind}`);
    return sql.join(conditions, sql` AND `);
  }
}
