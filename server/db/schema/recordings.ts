import { table, id, int, bool, instant, json, text, index, uniqueIndex, NOW_MS } from './columns.js';
import { regions, schools, classrooms } from './organisation.js';
import { users } from './people.js';
import { courses, lessonSessions } from './teaching.js';
import {
  RECORDING_CUTS,
  RECORDING_FAILURES,
  RECORDING_STATUSES,
  RECORDING_TRACK_ROLES,
  RECORDING_TRACK_SOURCES,
  RECORDING_VISIBILITIES,
  VIEWING_DEVICES,
} from '../../../shared/api/recordings.js';

/*
 * Recordings (录播) of live lessons and who watched them (点播 evidence). Files live in the recordings
 * store (server/recordings/storage.ts) under keys kept here, relative to its root — a later object-store
 * backend reads the same keys. Instants are UTC epoch milliseconds.
 */

/** One start–stop span of a lesson's recording, and, once made, its playable renditions. */
export const recordings = table(
  'recordings',
  {
    id: id(),
    lessonSessionId: int('lesson_session_id').notNull().references(() => lessonSessions.id),
    courseId: int('course_id').notNull().references(() => courses.id),
    title: text('title').notNull(),
    status: text('status', { enum: RECORDING_STATUSES }).notNull(),
    /** 0–100 while `processing`. */
    progress: int('progress').notNull().default(0),
    failure: text('failure', { enum: RECORDING_FAILURES }),
    /** Stopped before it was asked to (the reason); what was recorded until then is kept. */
    cut: text('cut', { enum: RECORDING_CUTS }),
    /** The node whose recorder writes it while `recording` (start-up recovery finishes only its own). */
    nodeId: text('node_id'),
    /**
     * While `processing`: the node that claimed the render, and until when its claim holds (renewed with every
     * progress write). Several nodes read one queue; a claim makes one of them render each recording, and a
     * claim left by a node that died lapses so that another takes the recording over.
     */
    renderNode: text('render_node'),
    renderLeaseUntil: instant('render_lease_until'),
    startedBy: int('started_by').references(() => users.id),
    startedAt: instant('started_at').notNull(),
    endedAt: instant('ended_at'),
    durationMs: int('duration_ms'),
    /** Store keys of the renditions, with their size and whole bitrate (bit/s); null until made. */
    highKey: text('high_key'),
    highBytes: int('high_bytes'),
    highBitrate: int('high_bitrate'),
    lowKey: text('low_key'),
    lowBytes: int('low_bytes'),
    lowBitrate: int('low_bitrate'),
    /** Published to the library with this visibility; null: only the course's own audience sees it. */
    visibility: text('visibility', { enum: RECORDING_VISIBILITIES }),
    publishedAt: instant('published_at'),
    publishedBy: int('published_by').references(() => users.id),
    createdAt: instant('created_at').notNull().default(NOW_MS),
    deletedAt: instant('deleted_at'),
  },
  (t) => [
    index('recordings_lesson_idx').on(t.lessonSessionId),
    index('recordings_course_idx').on(t.courseId, t.startedAt),
    index('recordings_status_idx').on(t.status),
    index('recordings_published_idx').on(t.visibility, t.publishedAt),
  ],
);

/** One recorded producer's media as written while the lesson ran (Matroska, codecs copied). */
export const recordingTracks = table(
  'recording_tracks',
  {
    id: id(),
    recordingId: int('recording_id').notNull().references(() => recordings.id, { onDelete: 'cascade' }),
    participantId: text('participant_id').notNull(),
    /** The site's name as shown in the lesson (a tile's caption in the programme). */
    siteName: text('site_name').notNull(),
    role: text('role', { enum: RECORDING_TRACK_ROLES }).notNull(),
    source: text('source', { enum: RECORDING_TRACK_SOURCES }).notNull(),
    kind: text('kind', { enum: ['audio', 'video'] as const }).notNull(),
    /** Store key of the track file. */
    fileKey: text('file_key').notNull(),
    /** When its first packet arrived, and when it stopped (null while it runs). */
    startedAt: instant('started_at').notNull(),
    endedAt: instant('ended_at'),
    sizeBytes: int('size_bytes'),
  },
  (t) => [index('recording_tracks_recording_idx').on(t.recordingId, t.startedAt)],
);

/**
 * One person watching one recording, from opening the player to leaving it. `watched` is the union of the
 * media-time ranges seen ([from, to] seconds, sorted, non-overlapping), so re-watching counts once.
 * The viewer's school and region are kept as they were (like live evidence) for roll-ups.
 */
export const recordingViewings = table(
  'recording_viewings',
  {
    id: id(),
    recordingId: int('recording_id').notNull().references(() => recordings.id),
    userId: int('user_id').notNull().references(() => users.id),
    device: text('device', { enum: VIEWING_DEVICES }).notNull(),
    schoolId: int('school_id').references(() => schools.id),
    regionId: int('region_id').references(() => regions.id),
    groupId: int('group_id'),
    classroomId: int('classroom_id').references(() => classrooms.id),
    /** The viewer is a 送教上门 student: her replays count toward her home-delivery record. */
    homeDelivery: bool('home_delivery').notNull().default(false),
    startedAt: instant('started_at').notNull(),
    lastReportAt: instant('last_report_at').notNull(),
    watched: json('watched').$type<Array<[number, number]>>().notNull(),
    watchedSeconds: int('watched_seconds').notNull().default(0),
  },
  (t) => [
    index('recording_viewings_recording_idx').on(t.recordingId),
    index('recording_viewings_school_time_idx').on(t.schoolId, t.startedAt),
    index('recording_viewings_region_time_idx').on(t.regionId, t.startedAt),
    index('recording_viewings_user_idx').on(t.userId, t.startedAt),
  ],
);

/**
 * Viewing by day (Shanghai calendar day), per viewer and recording: what usage reports read, like
 * usage_site_days for live lessons. Kept when raw viewings are purged; distinct viewers are distinct user ids.
 */
export const recordingViewDays = table(
  'recording_view_days',
  {
    id: id(),
    day: text('day').notNull(),
    week: text('week').notNull(),
    recordingId: int('recording_id').notNull().references(() => recordings.id),
    userId: int('user_id').notNull().references(() => users.id),
    regionId: int('region_id').references(() => regions.id),
    groupId: int('group_id'),
    schoolId: int('school_id').references(() => schools.id),
    classroomId: int('classroom_id').references(() => classrooms.id),
    homeDelivery: bool('home_delivery').notNull().default(false),
    views: int('views').notNull().default(0),
    watchedSeconds: int('watched_seconds').notNull().default(0),
  },
  (t) => [
    uniqueIndex('recording_view_days_key').on(t.day, t.recordingId, t.userId),
    index('recording_view_days_school_idx').on(t.schoolId, t.day),
    index('recording_view_days_region_idx').on(t.regionId, t.day),
  ],
);
