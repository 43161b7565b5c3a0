import { sqliteTable, integer, text, real, index } from 'drizzle-orm/sqlite-core';
import { regions, schools, classrooms } from './organisation.js';
import { users } from './people.js';
import { lessonSessions } from './teaching.js';

/*
 * Evidence tables: append-only records of what happened in live lessons (filled by the usage-evidence
 * feature). Every row carries its lesson session plus the site's classroom/school/region as they were at
 * the time, so roll-ups by classroom, school, group and region are index range scans without joins
 * through today's organisation. Instants are UTC epoch milliseconds.
 */

export const SITE_KINDS = ['host', 'receiving_classroom', 'student', 'observer'] as const;
export const LEAVE_REASONS = ['left', 'removed', 'lesson_ended', 'connection_lost', 'server_restart'] as const;

/** Who was in the lesson, from when to when. A reconnect within the grace period continues the interval. */
export const attendanceIntervals = sqliteTable(
  'attendance_intervals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    lessonSessionId: integer('lesson_session_id').notNull().references(() => lessonSessions.id),
    participantId: text('participant_id').notNull(),
    userId: integer('user_id').references(() => users.id),
    siteKind: text('site_kind', { enum: SITE_KINDS }).notNull(),
    classroomId: integer('classroom_id').references(() => classrooms.id),
    schoolId: integer('school_id').references(() => schools.id),
    regionId: integer('region_id').references(() => regions.id),
    joinedAt: integer('joined_at', { mode: 'timestamp_ms' }).notNull(),
    leftAt: integer('left_at', { mode: 'timestamp_ms' }),
    leaveReason: text('leave_reason', { enum: LEAVE_REASONS }),
    /** Students present in the room, entered by the assistant teacher (receiving classrooms). */
    headcount: integer('headcount'),
    lastHeartbeatAt: integer('last_heartbeat_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('attendance_lesson_idx').on(t.lessonSessionId, t.joinedAt),
    index('attendance_classroom_time_idx').on(t.classroomId, t.joinedAt),
    index('attendance_school_time_idx').on(t.schoolId, t.joinedAt),
    index('attendance_region_time_idx').on(t.regionId, t.joinedAt),
    index('attendance_user_time_idx').on(t.userId, t.joinedAt),
  ],
);

export const MEDIA_STATE_KINDS = ['camera_on', 'mic_on', 'on_stage', 'screen_sharing', 'speaking'] as const;

/** Intervals in which a participant's camera/mic was on, she was on stage, shared a screen or spoke. */
export const mediaStateIntervals = sqliteTable(
  'media_state_intervals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    lessonSessionId: integer('lesson_session_id').notNull().references(() => lessonSessions.id),
    participantId: text('participant_id').notNull(),
    userId: integer('user_id').references(() => users.id),
    classroomId: integer('classroom_id').references(() => classrooms.id),
    schoolId: integer('school_id').references(() => schools.id),
    kind: text('kind', { enum: MEDIA_STATE_KINDS }).notNull(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    endedAt: integer('ended_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('media_state_lesson_idx').on(t.lessonSessionId, t.startedAt),
    index('media_state_school_time_idx').on(t.schoolId, t.startedAt),
  ],
);

export const PARTICIPATION_KINDS = [
  'hand_raised',
  'hand_lowered',
  'stage_invited',
  'stage_returned',
  'chat_message',
  'poll_answer',
] as const;

/** One act of taking part. Chat messages are counted, never stored with content here. */
export const participationEvents = sqliteTable(
  'participation_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    lessonSessionId: integer('lesson_session_id').notNull().references(() => lessonSessions.id),
    participantId: text('participant_id').notNull(),
    userId: integer('user_id').references(() => users.id),
    classroomId: integer('classroom_id').references(() => classrooms.id),
    schoolId: integer('school_id').references(() => schools.id),
    regionId: integer('region_id').references(() => regions.id),
    kind: text('kind', { enum: PARTICIPATION_KINDS }).notNull(),
    occurredAt: integer('occurred_at', { mode: 'timestamp_ms' }).notNull(),
    /** Poll answers: which poll, and whether the answer was correct (quizzes only). */
    pollId: text('poll_id'),
    correct: integer('correct', { mode: 'boolean' }),
  },
  (t) => [
    index('participation_lesson_idx').on(t.lessonSessionId, t.occurredAt),
    index('participation_school_time_idx').on(t.schoolId, t.occurredAt),
    index('participation_region_time_idx').on(t.regionId, t.occurredAt),
  ],
);

/** Connection quality of one site, sampled every few seconds. */
export const qualitySamples = sqliteTable(
  'quality_samples',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    lessonSessionId: integer('lesson_session_id').notNull().references(() => lessonSessions.id),
    participantId: text('participant_id').notNull(),
    classroomId: integer('classroom_id').references(() => classrooms.id),
    schoolId: integer('school_id').references(() => schools.id),
    sampledAt: integer('sampled_at', { mode: 'timestamp_ms' }).notNull(),
    rttMs: real('rtt_ms'),
    packetLossPct: real('packet_loss_pct'),
    recvBitrate: integer('recv_bitrate'),
    sendBitrate: integer('send_bitrate'),
    consumerScore: integer('consumer_score'),
  },
  (t) => [
    index('quality_lesson_idx').on(t.lessonSessionId, t.sampledAt),
    index('quality_classroom_time_idx').on(t.classroomId, t.sampledAt),
  ],
);
