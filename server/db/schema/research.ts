import { table, id, int, bool, instant, json, text, index, uniqueIndex, NOW_MS } from './columns.js';
import { regions } from './organisation.js';
import { users } from './people.js';
import { lessonSessions } from './teaching.js';
import { OBSERVATION_MODES, RESEARCH_SESSION_STATUSES, type RubricBody, type RubricScores } from '../../../shared/api/research.js';

/*
 * 名师课堂 (teaching research): observations of lessons (听课) with their notes and rubric ratings (评课), the
 * lead teacher's replies, each region's rubric and settings, and teaching-research sessions (协同教研). A
 * lesson is a lesson session; time on its timeline (`at_ms`) is milliseconds since it started.
 * Instants are UTC epoch milliseconds.
 */

/**
 * A version of a region's observation rubric. Saving a rubric adds a version; the newest is the region's
 * rubric, and an observation keeps the version it was rated on, so old ratings keep their meaning.
 */
export const rubrics = table(
  'rubrics',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    body: json('body').$type<RubricBody>().notNull(),
    createdBy: int('created_by').references(() => users.id),
    createdAt: instant('created_at').notNull().default(NOW_MS),
  },
  (t) => [index('rubrics_region_idx').on(t.regionId, t.id)],
);

/** A region's teaching-research settings (one row per region; none: DEFAULT_RESEARCH_SETTINGS). */
export const researchSettings = table('research_settings', {
  regionId: int('region_id')
    .primaryKey()
    .references(() => regions.id),
  observationTarget: int('observation_target'),
  adminsSeeComments: bool('admins_see_comments').notNull().default(false),
  reviewDays: int('review_days').notNull().default(14),
  updatedBy: int('updated_by').references(() => users.id),
  updatedAt: instant('updated_at').notNull().default(NOW_MS),
});

/**
 * One person observing one lesson (听课), live or from its recording: made when she first joins the lesson
 * as an observer or opens its recording to observe. Her rubric ratings and written comment (评课) live here
 * too: a draft until `submittedAt`, editable (also after submitting) until the lesson's review closes.
 */
export const observations = table(
  'observations',
  {
    id: id(),
    lessonSessionId: int('lesson_session_id')
      .notNull()
      .references(() => lessonSessions.id),
    observerId: int('observer_id')
      .notNull()
      .references(() => users.id),
    /** How she first observed it. */
    mode: text('mode', { enum: OBSERVATION_MODES }).notNull(),
    /** The rubric version she rates on (the region's newest when she first saved ratings). */
    rubricId: int('rubric_id').references(() => rubrics.id),
    scores: json('scores').$type<RubricScores>(),
    comment: text('comment'),
    submittedAt: instant('submitted_at'),
    createdAt: instant('created_at').notNull().default(NOW_MS),
    updatedAt: instant('updated_at').notNull().default(NOW_MS),
  },
  (t) => [uniqueIndex('observations_lesson_observer_idx').on(t.lessonSessionId, t.observerId), index('observations_observer_idx').on(t.observerId, t.createdAt)],
);

/** A note an observer wrote, stamped with lesson time. */
export const observationNotes = table(
  'observation_notes',
  {
    id: id(),
    observationId: int('observation_id')
      .notNull()
      .references(() => observations.id, { onDelete: 'cascade' }),
    atMs: int('at_ms').notNull(),
    /** Written while watching live or a recording. */
    mode: text('mode', { enum: OBSERVATION_MODES }).notNull(),
    text: text('text').notNull(),
    createdAt: instant('created_at').notNull().default(NOW_MS),
    updatedAt: instant('updated_at').notNull().default(NOW_MS),
  },
  (t) => [index('observation_notes_observation_idx').on(t.observationId, t.atMs)],
);

/** The lead teacher's reply to one observation's comment. */
export const observationReplies = table(
  'observation_replies',
  {
    id: id(),
    observationId: int('observation_id')
      .notNull()
      .references(() => observations.id, { onDelete: 'cascade' }),
    authorId: int('author_id')
      .notNull()
      .references(() => users.id),
    text: text('text').notNull(),
    createdAt: instant('created_at').notNull().default(NOW_MS),
  },
  (t) => [index('observation_replies_observation_idx').on(t.observationId)],
);

/**
 * A lesson's review (评课): when it closes (the lesson's end + the region's review days, fixed when its first
 * observation is made) or was closed early by the lead teacher. After that no observation of it changes.
 */
export const lessonReviews = table('lesson_reviews', {
  lessonSessionId: int('lesson_session_id')
    .primaryKey()
    .references(() => lessonSessions.id),
  closesAt: instant('closes_at').notNull(),
  closedAt: instant('closed_at'),
  closedBy: int('closed_by').references(() => users.id),
});

/**
 * A teaching-research session (协同教研): a scheduled teacher-only meeting about one observed lesson, held
 * live in the SFU. Each time it runs is a lesson session of the observed lesson's course whose
 * `research_session_id` names it, so its attendance is recorded like a lesson's (attendance intervals).
 */
export const researchSessions = table(
  'research_sessions',
  {
    id: id(),
    /** The observed lesson it discusses. */
    lessonSessionId: int('lesson_session_id')
      .notNull()
      .references(() => lessonSessions.id),
    title: text('title').notNull(),
    /** Who convened it (chairs it: the lead teacher's moderation powers in the meeting). */
    convenerId: int('convener_id')
      .notNull()
      .references(() => users.id),
    scheduledAt: instant('scheduled_at').notNull(),
    durationMinutes: int('duration_minutes').notNull(),
    status: text('status', { enum: RESEARCH_SESSION_STATUSES }).notNull().default('scheduled'),
    createdAt: instant('created_at').notNull().default(NOW_MS),
  },
  (t) => [index('research_sessions_lesson_idx').on(t.lessonSessionId), index('research_sessions_time_idx').on(t.scheduledAt)],
);
