import { table, id, int, bool, instant, real, text, index } from './columns.js';
import { regions, schools, classrooms } from './organisation.js';
import { users } from './people.js';
import { lessonSessions } from './teaching.js';

/*
 * Evidence tables: append-only records of what happened in live lessons (filled by the usage-evidence
 * feature). Every row carries its lesson session plus the site's classroom/school/region as they were at
 * the time, so roll-ups by classroom, school, group and region are index range scans without joins
 * through today's organisation. Instants are UTC epoch milliseconds.
 */

export const SITE_KINDS = ['host', 'receiving_classroom', 'student', 'observer', 'viewer'] as const;
export const LEAVE_REASONS = ['left', 'removed', 'lesson_ended', 'connection_lost', 'server_restart'] as const;

/** Who was in the lesson, from when to when. A reconnect within the grace period continues the interval. */
export const attendanceIntervals = table(
  'attendance_intervals',
  {
    id: id(),
    lessonSessionId: int('lesson_session_id').notNull().references(() => lessonSessions.id),
    participantId: text('participant_id').notNull(),
    userId: int('user_id').references(() => users.id),
    siteKind: text('site_kind', { enum: SITE_KINDS }).notNull(),
    classroomId: int('classroom_id').references(() => classrooms.id),
    schoolId: int('school_id').references(() => schools.id),
    regionId: int('region_id').references(() => regions.id),
    joinedAt: instant('joined_at').notNull(),
    leftAt: instant('left_at'),
    leaveReason: text('leave_reason', { enum: LEAVE_REASONS }),
    /** Students present in the room, entered by the assistant teacher (receiving classrooms). */
    headcount: int('headcount'),
    lastHeartbeatAt: instant('last_heartbeat_at').notNull(),
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
export const mediaStateIntervals = table(
  'media_state_intervals',
  {
    id: id(),
    lessonSessionId: int('lesson_session_id').notNull().references(() => lessonSessions.id),
    participantId: text('participant_id').notNull(),
    userId: int('user_id').references(() => users.id),
    classroomId: int('classroom_id').references(() => classrooms.id),
    schoolId: int('school_id').references(() => schools.id),
    kind: text('kind', { enum: MEDIA_STATE_KINDS }).notNull(),
    startedAt: instant('started_at').notNull(),
    endedAt: instant('ended_at'),
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
  /** A site drew on the whiteboard with the pen the teacher handed it (once per handover). */
  'board_pen_turn',
] as const;

/** One act of taking part. Chat messages are counted, never stored with content here. */
export const participationEvents = table(
  'participation_events',
  {
    id: id(),
    lessonSessionId: int('lesson_session_id').notNull().references(() => lessonSessions.id),
    participantId: text('participant_id').notNull(),
    userId: int('user_id').references(() => users.id),
    classroomId: int('classroom_id').references(() => classrooms.id),
    schoolId: int('school_id').references(() => schools.id),
    regionId: int('region_id').references(() => regions.id),
    kind: text('kind', { enum: PARTICIPATION_KINDS }).notNull(),
    occurredAt: instant('occurred_at').notNull(),
    /** Poll answers: which poll, and whether the answer was correct (quizzes only). */
    pollId: text('poll_id'),
    correct: bool('correct'),
  },
  (t) => [
    index('participation_lesson_idx').on(t.lessonSessionId, t.occurredAt),
    index('participation_school_time_idx').on(t.schoolId, t.occurredAt),
    index('participation_region_time_idx').on(t.regionId, t.occurredAt),
  ],
);

/** Connection quality of one site, sampled every few seconds. */
export const qualitySamples = table(
  'quality_samples',
  {
    id: id(),
    lessonSessionId: int('lesson_session_id').notNull().references(() => lessonSessions.id),
    participantId: text('participant_id').notNull(),
    classroomId: int('classroom_id').references(() => classrooms.id),
    schoolId: int('school_id').references(() => schools.id),
    sampledAt: instant('sampled_at').notNull(),
    rttMs: real('rtt_ms'),
    packetLossPct: real('packet_loss_pct'),
    recvBitrate: int('recv_bitrate'),
    sendBitrate: int('send_bitrate'),
    consumerScore: int('consumer_score'),
  },
  (t) => [
    index('quality_lesson_idx').on(t.lessonSessionId, t.sampledAt),
    index('quality_classroom_time_idx').on(t.classroomId, t.sampledAt),
  ],
);
