import { table, id, int, real, text, index } from './columns.js';
import { regions, schools, classrooms } from './organisation.js';
import { lessonSessions } from './teaching.js';

/*
 * Link health roll-ups (issue #15): what each lesson's quality samples said about the link of each receiving
 * classroom, one row per lesson × receiving classroom × Shanghai day. Like the usage roll-ups they are derived
 * from the raw evidence (server/evidence/link-health/maintain.ts replaces a lesson's rows) and outlive it: the
 * retention job rolls a lesson up before purging its quality samples, and never deletes these rows.
 */

/**
 * One receiving classroom's link during one lesson on one Shanghai day. Sums are kept (not shares) so that any
 * period adds its rows up exactly; medians cannot be added, so a day with several lessons reads the
 * sample-weighted median of the lessons' medians (exact for the usual one lesson a day per classroom).
 */
export const linkHealthDays = table(
  'link_health_days',
  {
    id: id(),
    /** Null only for rows seeded without a lesson (the demo county's term of link history). */
    lessonSessionId: int('lesson_session_id').references(() => lessonSessions.id),
    /** Shanghai calendar day (YYYY-MM-DD). */
    day: text('day').notNull(),
    classroomId: int('classroom_id').notNull().references(() => classrooms.id),
    schoolId: int('school_id').notNull().references(() => schools.id),
    groupId: int('group_id'),
    regionId: int('region_id').notNull().references(() => regions.id),
    /** Lesson time the samples stand for, and the part of it whose samples were poor (seconds). */
    sampledSeconds: real('sampled_seconds').notNull(),
    poorSeconds: real('poor_seconds').notNull(),
    samples: int('samples').notNull(),
    /** Samples that measured a round trip, and their median (ms). */
    rttSamples: int('rtt_samples').notNull(),
    rttMedianMs: real('rtt_median_ms'),
    /** Samples that measured loss, the sum of their loss (for the mean) and their median (%). */
    lossSamples: int('loss_samples').notNull(),
    lossSumPct: real('loss_sum_pct').notNull(),
    lossMedianPct: real('loss_median_pct'),
  },
  (t) => [
    index('link_health_lesson_idx').on(t.lessonSessionId),
    index('link_health_region_day_idx').on(t.regionId, t.day),
    index('link_health_school_day_idx').on(t.schoolId, t.day),
    index('link_health_classroom_day_idx').on(t.classroomId, t.day),
  ],
);
