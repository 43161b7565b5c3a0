import { and, asc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { LessonKind, SchoolGroupRole, SchoolStage, Subject } from '../../../shared/subjects.js';
import { rows, type TongkeDb } from '../../db/store.js';
import { shanghaiMonth, shanghaiWeek } from '../../db/sql.js';
import { classrooms, courses, educationGroups, lessonSessions, regionTargets, regions, schools, users } from '../../db/schema/index.js';
import { chunks } from '../../core/lists.js';
import { addSums, toSums, type RollupSums, type ScheduledSums } from './sums.js';
import { planTeacherWeeks, planWeeks, WeekRollupRepository, type WeekPlan } from './week-repository.js';
import { ReplayRepository } from './replay-repository.js';
import { ReportTermsRepository } from './terms-repository.js';

/** Which roll-up rows a report reads: one organisation column, a day range and optional filters. */
export interface RollupFilter {
  scope: { column: 'region_id' | 'school_id' | 'classroom_id'; ids: readonly number[] };
  /** Shanghai calendar days, inclusive. */
  fromDay: string;
  toDay: string;
  /** The same range as instants: [from, to). */
  fromInstant: Date;
  toInstant: Date;
  subject?: Subject | undefined;
  kind?: LessonKind | undefined;
  /** Only these courses (a teacher's own); null: all. */
  courseIds: readonly number[] | null;
  /** A site received a lesson when connected at least this long (seconds, at least 1). */
  deliveredSeconds: number;
}

/** The whole region over a report range: what the indicator report and the checklist's filled-in figures read. */
export function regionRollupFilter(regionId: number, range: { from: string; to: string; fromInstant: Date; toInstant: Date }, deliveredSeconds: number): RollupFilter {
  const { from: fromDay, to: toDay, fromInstant, toInstant } = range;
  return { scope: { column: 'region_id', ids: [regionId] }, fromDay, toDay, fromInstant, toInstant, courseIds: null, deliveredSeconds };
}

/** How report rows are grouped. Composite keys come back as "a|b". */
export type RollupKey = 'all' | 'school' | 'classroom' | 'lesson' | 'week' | 'month' | 'term' | 'school_week' | 'school_subject';

export interface SchoolRow {
  id: number;
  name: string;
  regionId: number;
  groupId: number | null;
  groupName: string | null;
  groupRole: SchoolGroupRole;
  stage: SchoolStage;
  studentCount: number;
  active: boolean;
}

export type TargetsRow = typeof regionTargets.$inferSelect;

/** Roll-up columns shared by usage_site_days and usage_lesson_teachers. */
const ROLLUP_KEYS: Record<RollupKey, SQL> = {
  all: sql`'0'`,
  school: sql`school_id`,
  classroom: sql`coalesce(classroom_id, 0)`,
  lesson: sql`lesson_session_id`,
  week: sql`week`,
  month: sql`substr(day, 1, 7)`,
  term: sql`term_id`,
  school_week: sql`CAST(school_id AS TEXT) || '|' || week`,
  school_subject: sql`CAST(school_id AS TEXT) || '|' || subject`,
};

/** The same keys over a timetabled lesson `sl` of course `c` at site `site`. */
const SCHEDULED_WEEK = shanghaiWeek(sql`sl.starts_at`);
const SCHEDULED_KEYS: Record<RollupKey, SQL> = {
  all: sql`'0'`,
  school: sql`site.school_id`,
  classroom: sql`coalesce(site.classroom_id, 0)`,
  lesson: sql`NULL`,
  week: SCHEDULED_WEEK,
  month: shanghaiMonth(sql`sl.starts_at`),
  term: sql`c.term_id`,
  school_week: sql`CAST(site.school_id AS TEXT) || '|' || ${SCHEDULED_WEEK}`,
  school_subject: sql`CAST(site.school_id AS TEXT) || '|' || c.subject`,
};

/** An aggregate row with every figure negated (the key kept): to take its lessons away from a week's. */
const negated = (row: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, name === 'k' ? value : -num(value)]));
const list = (ids: readonly number[]): SQL => sql.join(ids.map((id) => sql`${id}`), sql`, `);
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));

/**
 * The reports' reads: aggregates over the usage roll-ups and the timetable (index range scans by region,
 * school or classroom and day), the organisation names they are shown with, and the region targets.
 */
export class UsageRepository {
  readonly #weeks: WeekRollupRepository;
  /** 点播 figures beside the live ones (recording_view_days). */
  readonly replays: ReplayRepository;
  /** The region's terms: the period a report covers. */
  readonly terms: ReportTermsRepository;

  /** `weekRollups: false` reads usage_site_days only (the answer the week roll-ups are checked against). */
  constructor(
    private readonly db: TongkeDb,
    private readonly options: { weekRollups: boolean } = { weekRollups: true },
  ) {
    this.#weeks = new WeekRollupRepository(db);
    this.replays = new ReplayRepository(db);
    this.terms = new ReportTermsRepository(db);
  }

  async #planWeeks(filter: RollupFilter, key: RollupKey): Promise<WeekPlan | null> {
    return this.options.weekRollups ? planWeeks(filter, key, await this.#weeks.countedWith()) : null;
  }

  // ---- Roll-up aggregates ----

  /**
   * Roll-up figures per key. Whole weeks come from the week roll-ups when they answer the filter exactly
   * (see planWeeks), the days around them from usage_site_days; each lesson counts on the day it started,
   * so the parts add up.
   */
  async sums(filter: RollupFilter, key: RollupKey, bySubject = false): Promise<RollupSums[]> {
    // By subject: the key is "k|subject" (a key holds no "|subject" suffix of its own, see splitSubject).
    const k = bySubject ? sql`CAST(${ROLLUP_KEYS[key]} AS TEXT) || '|' || subject` : ROLLUP_KEYS[key];
    const plan = await this.#planWeeks(filter, key);
    if (!plan) return (await this.#siteDaySums(filter, k)).map(toSums);
    const [weeks, added, subtracted] = await Promise.all([
      this.#weeks.sums(plan, filter, k),
      Promise.all(plan.addDays.map((days) => this.#siteDaySums({ ...filter, ...days }, k))),
      Promise.all(plan.subtractDays.map((days) => this.#siteDaySums({ ...filter, ...days }, k))),
    ]);
    const sums = new Map<string, RollupSums & { siteDays: number }>();
    for (const row of [...weeks, ...added.flat(), ...subtracted.flat().map(negated)]) {
      const found = { ...toSums(row), siteDays: num(row.site_days) };
      const total = sums.get(found.key);
      sums.set(found.key, total ? { ...addSums(total, found), siteDays: total.siteDays + found.siteDays } : found);
    }
    // A key whose rows were all taken away again (a term's weeks outside the range) has no usage_site_days in it.
    return [...sums.values()].filter((s) => s.siteDays > 0).map(({ siteDays: _siteDays, ...s }) => s);
  }

  async #siteDaySums(filter: RollupFilter, k: SQL): Promise<Array<Record<string, unknown>>> {
    const min = filter.deliveredSeconds;
    return rows<Record<string, unknown>>(this.db, sql`
      SELECT ${k} AS k, count(*) AS site_days,
        COUNT(DISTINCT CASE WHEN lesson_start = true AND site_lesson_seconds > 0 THEN lesson_session_id END) AS held,
        COUNT(DISTINCT CASE WHEN lesson_start = true AND site_lesson_seconds >= ${min} THEN lesson_session_id END) AS delivered,
        COUNT(DISTINCT CASE WHEN lesson_start = true AND site_kind = 'host' AND site_lesson_seconds >= ${min} THEN lesson_session_id END) AS hosted,
        COUNT(DISTINCT CASE WHEN lesson_start = true AND site_kind <> 'host' AND site_lesson_seconds >= ${min} THEN lesson_session_id END) AS received,
        coalesce(sum(CASE WHEN site_kind = 'receiving_classroom' THEN connected_seconds END), 0) AS received_seconds,
        coalesce(sum(CASE WHEN site_kind = 'host' THEN connected_seconds END), 0) AS hosted_seconds,
        coalesce(sum(CASE WHEN site_kind = 'student' THEN connected_seconds END), 0) AS student_seconds,
        coalesce(sum(attendance_expected), 0) AS attendance_expected,
        coalesce(sum(attendance_present), 0) AS attendance_present,
        coalesce(sum(home_expected), 0) AS home_expected,
        coalesce(sum(home_present), 0) AS home_present,
        coalesce(sum(participants_present), 0) AS participants_present,
        coalesce(sum(participants_active), 0) AS participants_active,
        coalesce(sum(hands), 0) AS hands,
        coalesce(sum(chat_messages), 0) AS chat_messages,
        coalesce(sum(poll_answers), 0) AS poll_answers
      FROM usage_site_days
      WHERE ${this.#rollupWhere(filter)}
      GROUP BY k`);
  }

  /**
   * `sums` and `receivedSubjects` of one key from one scan: grouped by key and subject, then added up per key.
   * Every count adds up across subjects because a lesson has one subject (its course's); the subjects
   * received are those with received lessons, as many as `receivedSubjects` counts.
   */
  async sumsAndSubjects(filter: RollupFilter, key: RollupKey): Promise<{ sums: RollupSums[]; subjects: Array<{ key: string; subject: Subject; lessons: number }> }> {
    const bySubject = await this.sums(filter, key, true);
    const sums = new Map<string, RollupSums>();
    const subjects: Array<{ key: string; subject: Subject; lessons: number }> = [];
    for (const row of bySubject) {
      const [k, subject] = splitSubject(row.key);
      const total = sums.get(k);
      sums.set(k, total ? addSums(total, row) : { ...row, key: k });
      if (row.received > 0) subjects.push({ key: k, subject, lessons: row.received });
    }
    return { sums: [...sums.values()], subjects };
  }

  /** Subjects of the delivered lessons received (not hosted), per key, with how many lessons of each. */
  async receivedSubjects(filter: RollupFilter, key: RollupKey): Promise<Array<{ key: string; subject: Subject; lessons: number }>> {
    const k = ROLLUP_KEYS[key];
    const siteDays = (f: RollupFilter) =>
      rows<{ k: unknown; subject: string; n: unknown }>(this.db, sql`
        SELECT ${k} AS k, subject, COUNT(DISTINCT lesson_session_id) AS n
        FROM usage_site_days
        WHERE ${this.#rollupWhere(f)} AND lesson_start = true AND site_kind <> 'host' AND site_lesson_seconds >= ${f.deliveredSeconds}
        GROUP BY k, subject`);
    const plan = await this.#planWeeks(filter, key);
    const parts = plan
      ? await Promise.all([
          this.#weeks.receivedSubjects(plan, filter, k),
          ...plan.addDays.map((days) => siteDays({ ...filter, ...days })),
          ...plan.subtractDays.map(async (days) => (await siteDays({ ...filter, ...days })).map((r) => ({ ...r, n: -num(r.n) }))),
        ])
      : [await siteDays(filter)];
    const lessons = new Map<string, { key: string; subject: Subject; lessons: number }>();
    for (const r of parts.flat()) {
      const found = { key: String(r.k), subject: r.subject as Subject, lessons: num(r.n) };
      const id = `${found.key}|${found.subject}`;
      const total = lessons.get(id);
      lessons.set(id, total ? { ...total, lessons: total.lessons + found.lessons } : found);
    }
    return [...lessons.values()].filter((r) => r.lessons > 0);
  }

  /** Distinct teachers who taught or took part, per key. */
  async teachers(filter: RollupFilter, key: RollupKey): Promise<Array<{ key: string; userId: number }>> {
    const k = ROLLUP_KEYS[key];
    const lessonTeachers = (f: RollupFilter) =>
      rows<{ k: unknown; user_id: unknown; n: unknown }>(this.db, sql`
        SELECT ${k} AS k, user_id, count(*) AS n FROM usage_lesson_teachers WHERE ${this.#rollupWhere(f)} GROUP BY k, user_id`);
    const plan = this.options.weekRollups ? planTeacherWeeks(filter, key, (await this.#weeks.countedWith()) !== null) : null;
    const parts = plan
      ? await Promise.all([
          this.#weeks.teachers(plan, filter, k),
          ...plan.addDays.map((days) => lessonTeachers({ ...filter, ...days })),
          ...plan.subtractDays.map(async (days) => (await lessonTeachers({ ...filter, ...days })).map((r) => ({ ...r, n: -num(r.n) }))),
        ])
      : [await lessonTeachers(filter)];
    // A teacher counts under a key while some lesson of hers is left there.
    const lessons = new Map<string, { key: string; userId: number; lessons: number }>();
    for (const r of parts.flat()) {
      const found = { key: String(r.k), userId: num(r.user_id), lessons: num(r.n) };
      const id = `${found.key}|${found.userId}`;
      const total = lessons.get(id);
      lessons.set(id, total ? { ...total, lessons: total.lessons + found.lessons } : found);
    }
    return [...lessons.values()].filter((t) => t.lessons > 0).map(({ key: teacherKey, userId }) => ({ key: teacherKey, userId }));
  }

  /**
   * Timetabled lessons starting in the range, of courses hosted or received in the scope, per key: how many
   * are still on (not cancelled), how many of those a delivered session stood for at that site, and how many
   * were moved, cancelled or planned ad hoc. One pass with conditional counts, so the changes cost no query.
   */
  async scheduled(filter: RollupFilter, key: RollupKey): Promise<ScheduledSums[]> {
    const scope = filter.scope.ids.length === 0 ? sql`false` : sql`${sql.raw(SCHEDULED_SCOPE[filter.scope.column])} IN (${list(filter.scope.ids)})`;
    const conditions: SQL[] = [sql`sl.starts_at >= ${filter.fromInstant.getTime()}`, sql`sl.starts_at < ${filter.toInstant.getTime()}`, scope];
    if (filter.subject) conditions.push(sql`c.subject = ${filter.subject}`);
    if (filter.kind) conditions.push(sql`c.kind = ${filter.kind}`);
    if (filter.courseIds) conditions.push(filter.courseIds.length === 0 ? sql`false` : sql`c.id IN (${list(filter.courseIds)})`);
    const min = filter.deliveredSeconds;
    const found = await rows<{ k: unknown; scheduled: number; delivered: number; moved: number; cancelled: number; ad_hoc: number }>(this.db, sql`
      SELECT ${SCHEDULED_KEYS[key]} AS k,
        COUNT(DISTINCT CASE WHEN sl.status = 'scheduled' THEN sl.id END) AS scheduled,
        COUNT(DISTINCT CASE WHEN sl.status = 'scheduled' AND EXISTS (
          SELECT 1 FROM usage_site_days u
          WHERE u.scheduled_lesson_id = sl.id AND u.lesson_start = true AND u.site_lesson_seconds >= ${min} AND u.school_id = site.school_id
            AND (u.classroom_id = site.classroom_id OR (site.classroom_id IS NULL AND u.site_kind = 'host'))
        ) THEN sl.id END) AS delivered,
        COUNT(DISTINCT CASE WHEN sl.status = 'scheduled' AND sl.moved_from IS NOT NULL THEN sl.id END) AS moved,
        COUNT(DISTINCT CASE WHEN sl.status = 'cancelled' THEN sl.id END) AS cancelled,
        COUNT(DISTINCT CASE WHEN sl.status = 'scheduled' AND sl.ad_hoc = true THEN sl.id END) AS ad_hoc
      FROM scheduled_lessons sl
      JOIN courses c ON c.id = sl.course_id
      JOIN (
        SELECT cr.course_id AS course_id, cr.classroom_id AS classroom_id, cl.school_id AS school_id
          FROM course_receivers cr JOIN classrooms cl ON cl.id = cr.classroom_id
        UNION ALL
        SELECT id, host_classroom_id, school_id FROM courses
      ) site ON site.course_id = sl.course_id
      JOIN schools sc ON sc.id = site.school_id
      WHERE ${sql.join(conditions, sql` AND `)}
      GROUP BY k`);
    return found.map((r) => ({
      key: String(r.k),
      scheduled: num(r.scheduled),
      delivered: num(r.delivered),
      moved: num(r.moved),
      cancelled: num(r.cancelled),
      adHoc: num(r.ad_hoc),
    }));
  }

  #rollupWhere(filter: RollupFilter): SQL {
    const { column, ids } = filter.scope;
    const conditions: SQL[] = [ids.length === 0 ? sql`false` : sql`${sql.identifier(column)} IN (${list(ids)})`, sql`day >= ${filter.fromDay}`, sql`day <= ${filter.toDay}`];
    if (filter.subject) conditions.push(sql`subject = ${filter.subject}`);
    if (filter.kind) conditions.push(sql`kind = ${filter.kind}`);
    if (filter.courseIds) conditions.push(filter.courseIds.length === 0 ? sql`false` : sql`course_id IN (${list(filter.courseIds)})`);
    return sql.join(conditions, sql` AND `);
  }

  // ---- Lessons ----

  async lessons(ids: readonly number[]): Promise<Array<{ id: number; startedAt: Date; endedAt: Date | null; courseId: number; courseName: string; subject: Subject; kind: LessonKind }>> {
    const found = [];
    for (const part of chunks(ids)) {
      found.push(
        ...(await this.db
          .select({ id: lessonSessions.id, startedAt: lessonSessions.startedAt, endedAt: lessonSessions.endedAt, courseId: courses.id, courseName: courses.name, subject: courses.subject, kind: courses.kind })
          .from(lessonSessions)
          .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
          .where(inArray(lessonSessions.id, part))),
      );
    }
    return found;
  }

  /** Courses this user leads (candidates for a teacher's own-course reports). */
  async coursesLedBy(userId: number): Promise<number[]> {
    const led = await this.db.select({ id: courses.id }).from(courses).where(eq(courses.leadTeacherId, userId));
    return led.map((c) => c.id);
  }

  // ---- Organisation ----

  async region(id: number): Promise<{ id: number; name: string } | undefined> {
    const [row] = await this.db.select({ id: regions.id, name: regions.name }).from(regions).where(eq(regions.id, id)).limit(1);
    return row;
  }

  async group(id: number): Promise<{ id: number; name: string; regionId: number } | undefined> {
    const [row] = await this.db.select({ id: educationGroups.id, name: educationGroups.name, regionId: educationGroups.regionId }).from(educationGroups).where(eq(educationGroups.id, id)).limit(1);
    return row;
  }

  /** Schools of a region or of a group, with their group's name. */
  async schools(where: { regionId: number } | { groupId: number } | { id: number }): Promise<SchoolRow[]> {
    const condition = 'regionId' in where ? eq(schools.regionId, where.regionId) : 'groupId' in where ? eq(schools.groupId, where.groupId) : eq(schools.id, where.id);
    return this.db
      .select({
        id: schools.id,
        name: schools.name,
        regionId: schools.regionId,
        groupId: schools.groupId,
        groupName: educationGroups.name,
        groupRole: schools.groupRole,
        stage: schools.stage,
        studentCount: schools.studentCount,
        active: schools.active,
      })
      .from(schools)
      .leftJoin(educationGroups, eq(educationGroups.id, schools.groupId))
      .where(condition)
      .orderBy(asc(schools.name));
  }

  async classroomsOf(schoolIds: readonly number[]): Promise<Array<{ id: number; schoolId: number; name: string; receiving: boolean; active: boolean }>> {
    const found = [];
    for (const part of chunks(schoolIds)) {
      found.push(
        ...(await this.db
          .select({ id: classrooms.id, schoolId: classrooms.schoolId, name: classrooms.name, receiving: classrooms.receiving, active: classrooms.active })
          .from(classrooms)
          .where(inArray(classrooms.schoolId, part))
          .orderBy(asc(classrooms.name))),
      );
    }
    return found;
  }

  async classroom(id: number): Promise<{ id: number; schoolId: number; name: string; receiving: boolean } | undefined> {
    const [row] = await this.db.select({ id: classrooms.id, schoolId: classrooms.schoolId, name: classrooms.name, receiving: classrooms.receiving }).from(classrooms).where(eq(classrooms.id, id)).limit(1);
    return row;
  }

  async userNames(ids: readonly number[]): Promise<Map<number, string>> {
    const names = new Map<number, string>();
    for (const part of chunks(ids)) {
      for (const u of await this.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, part))) names.set(u.id, u.name);
    }
    return names;
  }

  // ---- Targets ----

  async targets(regionId: number): Promise<TargetsRow | undefined> {
    const [row] = await this.db.select().from(regionTargets).where(eq(regionTargets.regionId, regionId)).limit(1);
    return row;
  }

  async saveTargets(values: TargetsRow): Promise<void> {
    const { regionId: _regionId, ...set } = values;
    await this.db.insert(regionTargets).values(values).onConflictDoUpdate({ target: regionTargets.regionId, set });
  }
}

/** "key|subject" → [key, subject]; the subject is after the last "|" (composite keys have their own). */
function splitSubject(key: string): [string, Subject] {
  const at = key.lastIndexOf('|');
  return [key.slice(0, at), key.slice(at + 1) as Subject];
}

/** The timetable query's scope column (the site's, through its school for the region). */
const SCHEDULED_SCOPE: Record<RollupFilter['scope']['column'], string> = {
  region_id: 'sc.region_id',
  school_id: 'site.school_id',
  classroom_id: 'site.classroom_id',
};

