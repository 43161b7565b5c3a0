import { Type, type Static } from 'typebox';
import { RowId } from './common.js';
import { LESSON_KINDS, SUBJECTS } from '../subjects.js';

/*
 * Recordings (录播) and the library (名校网络课堂 点播). The SFU records a live lesson server-side: one track
 * file per recorded producer (the lead teacher's camera, microphone and screen share, and the camera and
 * microphone of sites on the stage), written by FFmpeg from mediasoup plain-RTP consumers. When the
 * recording stops a job composes the tracks into one programme and makes two playable renditions:
 * `high` (720p H.264/AAC MP4, plays in Chromium and Safari) and `low` (360p, at most 400 kbit/s in all, for
 * village links). Watching is evidence: viewing sessions count the minutes watched, re-watched parts once.
 *
 * A lesson may have several recordings: each start–stop span of the teacher's choice is one.
 *
 * Routes (under /api):
 *   GET    /recordings                         the library: recordings the caller may watch, newest first,
 *                                              filtered (RecordingQuery); `mine=true` lists the caller's own
 *                                              lessons' recordings (published or not) for the teacher
 *   GET    /recordings/:recordingId            one recording: status, progress, renditions, chapters
 *   PATCH  /recordings/:recordingId            title / publish with a visibility / unpublish (lead teacher of
 *                                              the course, or an admin over its school)
 *   DELETE /recordings/:recordingId            removes its files; the row and its viewing evidence stay
 *   GET    /recordings/:recordingId/media/:rendition   the MP4, HTTP Range requests; access checked on
 *                                              every request (the session, the recording's audience)
 *   GET    /lessons/:lessonId/recordings       a lesson's recordings (the lesson report links to them)
 *   PUT    /courses/:courseId/recording-policy the course's policy (lead teacher or an admin over its school)
 *   GET    /courses/:courseId/recording-policy the course's policy as it stands (whoever may read the course)
 *   POST   /recordings/:recordingId/viewings   a viewing starts: { device } → { viewingId }
 *   POST   /recording-viewings/:viewingId      what was watched since the last report: { ranges }
 *
 * Live (Socket.IO, the lesson feature `recording`): the lead teacher starts and stops a recording under the
 * `teacher_choice` policy; every site is told the state and shows the indicator (shared/lesson/features/recording.ts).
 */

/** Per course: record every lesson, only when the lead teacher starts it, or never. */
export const RECORDING_POLICIES = ['always', 'teacher_choice', 'never'] as const;
export type RecordingPolicy = (typeof RECORDING_POLICIES)[number];

/**
 * `recording` while the lesson records; `processing` while the job makes the playable files; `ready`
 * when they exist; `failed` (why in `failure`); `deleted` once its files were removed (by a person or
 * by retention) — the row stays so that viewing evidence keeps its recording.
 */
export const RECORDING_STATUSES = ['recording', 'processing', 'ready', 'failed', 'deleted'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** Why a recording is not playable, as a code the client words for the teacher. */
export const RECORDING_FAILURES = ['no_media', 'render_failed', 'ffmpeg_missing', 'files_missing'] as const;
export type RecordingFailure = (typeof RECORDING_FAILURES)[number];

/**
 * Why a recording stopped before the lesson asked it to, or why it could not start: the recording keeps
 * what it had (`partial`) and the teacher is told.
 */
export const RECORDING_CUTS = ['disk_low', 'worker_died', 'recorder_crashed', 'server_stopped'] as const;
export type RecordingCut = (typeof RECORDING_CUTS)[number];

/** The playable files of a recording. */
export const RECORDING_RENDITIONS = ['high', 'low'] as const;
export type RecordingRendition = (typeof RECORDING_RENDITIONS)[number];

/** The low rendition's whole bitrate (video + audio) stays at or below this, in bit/s. */
export const LOW_RENDITION_MAX_BITRATE = 400_000;

/** Who may find a published recording in the library. Unpublished: the course's own audience only. */
export const RECORDING_VISIBILITIES = ['group', 'region', 'everyone'] as const;
export type RecordingVisibility = (typeof RECORDING_VISIBILITIES)[number];

/** What kind of producer a track recorded. */
export const RECORDING_TRACK_SOURCES = ['camera', 'mic', 'screen'] as const;
export type RecordingTrackSource = (typeof RECORDING_TRACK_SOURCES)[number];

/** Whose media a track is: the lead teacher's (main picture) or a site invited to the stage (a tile). */
export const RECORDING_TRACK_ROLES = ['teacher', 'stage'] as const;
export type RecordingTrackRole = (typeof RECORDING_TRACK_ROLES)[number];

/** What a viewer watched on: told by the account (a classroom device) or by the browser (mobile or not). */
export const VIEWING_DEVICES = ['desktop', 'mobile', 'classroom'] as const;
export type ViewingDevice = (typeof VIEWING_DEVICES)[number];

export const RecordingParams = Type.Object({ recordingId: RowId });
export type RecordingParams = Static<typeof RecordingParams>;
export const RecordingMediaParams = Type.Object({ recordingId: RowId, rendition: Type.Enum(RECORDING_RENDITIONS) });
export type RecordingMediaParams = Static<typeof RecordingMediaParams>;
export const RecordingLessonParams = Type.Object({ lessonId: RowId });
export type RecordingLessonParams = Static<typeof RecordingLessonParams>;
export const RecordingCourseParams = Type.Object({ courseId: RowId });
export type RecordingCourseParams = Static<typeof RecordingCourseParams>;
export const ViewingParams = Type.Object({ viewingId: RowId });
export type ViewingParams = Static<typeof ViewingParams>;

/** Where a rendition is played from (the media route checks access on every request). */
export const recordingMediaUrl = (recordingId: number, rendition: RecordingRendition): string => `/api/recordings/${recordingId}/media/${rendition}`;

/** A chapter on the replay's progress bar: a moment of the lesson's timeline, in seconds into the recording. */
export const CHAPTER_KINDS = ['stage_invited', 'stage_returned', 'poll', 'hand_raised', 'screen_share', 'document'] as const;
export type ChapterKind = (typeof CHAPTER_KINDS)[number];
export const RecordingChapter = Type.Object({
  atSeconds: Type.Number({ minimum: 0 }),
  kind: Type.Enum(CHAPTER_KINDS),
  /** Who or what (a site's name, a quiz's question), as the timeline names it. */
  label: Type.String(),
});
export type RecordingChapter = Static<typeof RecordingChapter>;

export const RenditionView = Type.Object({
  rendition: Type.Enum(RECORDING_RENDITIONS),
  url: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  /** Whole bitrate (video + audio), bit/s. */
  bitrate: Type.Integer(),
  sizeBytes: Type.Integer(),
});
export type RenditionView = Static<typeof RenditionView>;

/** One recording, as the library, the lesson report and the replay page show it. */
export const RecordingView = Type.Object({
  id: Type.Integer(),
  lessonId: Type.Integer(),
  courseId: Type.Integer(),
  title: Type.String(),
  courseName: Type.String(),
  subject: Type.Enum(SUBJECTS),
  grade: Type.Integer(),
  lessonKind: Type.Enum(LESSON_KINDS),
  schoolId: Type.Integer(),
  schoolName: Type.String(),
  teacherId: Type.Integer(),
  teacherName: Type.String(),
  status: Type.Enum(RECORDING_STATUSES),
  /** 0–100 while processing. */
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  failure: Type.Union([Type.Enum(RECORDING_FAILURES), Type.Null()]),
  /** Cut short (the reason): what was recorded until then is kept and playable. */
  cut: Type.Union([Type.Enum(RECORDING_CUTS), Type.Null()]),
  startedAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  durationSeconds: Type.Union([Type.Number(), Type.Null()]),
  visibility: Type.Union([Type.Enum(RECORDING_VISIBILITIES), Type.Null()]),
  publishedAt: Type.Union([Type.String(), Type.Null()]),
  renditions: Type.Array(RenditionView),
  /** Whether the caller may publish, rename or delete it. */
  canManage: Type.Boolean(),
});
export type RecordingView = Static<typeof RecordingView>;

/** The replay page: the recording and its chapters. */
export const RecordingDetail = Type.Object({
  recording: RecordingView,
  chapters: Type.Array(RecordingChapter),
  /** 名师课堂: the caller may observe the recorded lesson (course.observe): the replay page offers her note pad. */
  canObserve: Type.Optional(Type.Boolean()),
});
export type RecordingDetail = Static<typeof RecordingDetail>;

export const RecordingQuery = Type.Object({
  subject: Type.Optional(Type.Enum(SUBJECTS)),
  grade: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
  lessonKind: Type.Optional(Type.Enum(LESSON_KINDS)),
  schoolId: Type.Optional(RowId),
  teacherId: Type.Optional(RowId),
  /** Words in the title, course, teacher or school name. */
  q: Type.Optional(Type.String({ maxLength: 100 })),
  mine: Type.Optional(Type.Boolean()),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});
export type RecordingQuery = Static<typeof RecordingQuery>;

const NamedRow = Type.Object({ id: Type.Integer(), name: Type.String() });
export const RecordingList = Type.Object({
  items: Type.Array(RecordingView),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  /** The schools and teachers of every recording the list found (all pages), for the page's filter pickers. */
  facets: Type.Optional(Type.Object({ schools: Type.Array(NamedRow), teachers: Type.Array(NamedRow) })),
});
export type RecordingList = Static<typeof RecordingList>;

/** Rename, publish (`visibility`) or unpublish (`visibility: null`). */
export const RecordingUpdate = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    visibility: Type.Optional(Type.Union([Type.Enum(RECORDING_VISIBILITIES), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type RecordingUpdate = Static<typeof RecordingUpdate>;

export const RecordingPolicyBody = Type.Object({ policy: Type.Enum(RECORDING_POLICIES) }, { additionalProperties: false });
export type RecordingPolicyBody = Static<typeof RecordingPolicyBody>;

export const ViewingStart = Type.Object({ device: Type.Enum(VIEWING_DEVICES), rendition: Type.Enum(RECORDING_RENDITIONS) }, { additionalProperties: false });
export type ViewingStart = Static<typeof ViewingStart>;
export const ViewingStarted = Type.Object({ viewingId: Type.Integer() });
export type ViewingStarted = Static<typeof ViewingStarted>;

/**
 * Parts of the recording watched since the last report, as [from, to] seconds of media time. The server
 * keeps the union per viewing, so a part watched twice counts once; a range longer than the wall time
 * since the last report (at up to 2× speed) is refused.
 */
export const ViewingProgress = Type.Object(
  {
    ranges: Type.Array(Type.Tuple([Type.Number({ minimum: 0 }), Type.Number({ minimum: 0 })]), { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);
export type ViewingProgress = Static<typeof ViewingProgress>;
export const ViewingProgressResult = Type.Object({ watchedSeconds: Type.Number() });
export type ViewingProgressResult = Static<typeof ViewingProgressResult>;
