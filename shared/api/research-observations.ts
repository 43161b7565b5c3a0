import { Type, type Static } from 'typebox';
import { RowId } from './common.js';
import { OBSERVATION_MODES } from './research.js';

/*
 * 听课笔记: an observer's own observation of a lesson session (live or from its recording) and the notes she
 * writes on its timeline. Times are lesson time (`atMs`, ms since the lesson session started; see research.ts).
 */

export const ObservationMode = Type.Enum(OBSERVATION_MODES);

/** The longest note (a note is a remark at a moment, the written comment belongs to the rating form). */
export const NOTE_MAX_LENGTH = 1000;
/**
 * While a lesson is live a note may be stamped a little past the server's "now" (the observer's clock and
 * the page's lesson clock run slightly apart): up to this much.
 */
export const LIVE_NOTE_GRACE_MS = 60_000;

export const ObservationLessonParams = Type.Object({ lessonId: RowId });
export type ObservationLessonParams = Static<typeof ObservationLessonParams>;
export const ObservationParams = Type.Object({ observationId: RowId });
export type ObservationParams = Static<typeof ObservationParams>;
export const ObservationNoteParams = Type.Object({ observationId: RowId, noteId: RowId });
export type ObservationNoteParams = Static<typeof ObservationNoteParams>;

export const OpenObservation = Type.Object({ mode: ObservationMode }, { additionalProperties: false });
export type OpenObservation = Static<typeof OpenObservation>;

const NoteText = Type.String({ minLength: 1, maxLength: NOTE_MAX_LENGTH, pattern: '\\S' });

/** A new note: at which lesson time, its text, and whether she watched live or a recording. */
export const ObservationNoteCreate = Type.Object(
  { atMs: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }), text: NoteText, mode: ObservationMode },
  { additionalProperties: false },
);
export type ObservationNoteCreate = Static<typeof ObservationNoteCreate>;
/** A note's text changed; its moment stays. */
export const ObservationNoteUpdate = Type.Object({ text: NoteText }, { additionalProperties: false });
export type ObservationNoteUpdate = Static<typeof ObservationNoteUpdate>;

export const ObservationNote = Type.Object({
  id: RowId,
  atMs: Type.Integer({ minimum: 0 }),
  mode: ObservationMode,
  text: Type.String(),
  /** Shanghai ISO instants. */
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type ObservationNote = Static<typeof ObservationNote>;

/** A recording of the observed lesson the observer may watch, placed on the lesson's timeline. */
export const ObservationRecording = Type.Object({
  id: RowId,
  title: Type.String(),
  /** Where the recording starts in lesson time (its startedAt − the lesson's startedAt), ms. */
  offsetMs: Type.Integer(),
  /** null while it is still being recorded. */
  durationMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  /** Playable now (only a ready recording plays; the others will once made). */
  ready: Type.Boolean(),
});
export type ObservationRecording = Static<typeof ObservationRecording>;

/** Her observation of one lesson session, with what the note pad needs. */
export const ObservationView = Type.Object({
  id: RowId,
  lessonSessionId: RowId,
  courseId: RowId,
  /** How she first observed it. */
  mode: ObservationMode,
  courseName: Type.String(),
  schoolName: Type.String(),
  leadTeacher: Type.Object({ id: RowId, name: Type.String() }),
  /** Shanghai ISO instants; `lessonEndedAt` null while the lesson is live. */
  lessonStartedAt: Type.String(),
  lessonEndedAt: Type.Union([Type.String(), Type.Null()]),
  recordings: Type.Array(ObservationRecording),
  /** Her rating form was submitted (the form itself is the review part's). */
  submitted: Type.Boolean(),
  /** The lesson's review closed: her notes (and form) no longer change. */
  reviewClosed: Type.Boolean(),
  notes: Type.Array(ObservationNote),
});
export type ObservationView = Static<typeof ObservationView>;

/** A row of 「我的听课」. */
export const MyObservation = Type.Object({
  id: RowId,
  lessonSessionId: RowId,
  courseId: RowId,
  mode: ObservationMode,
  courseName: Type.String(),
  schoolName: Type.String(),
  teacherName: Type.String(),
  lessonStartedAt: Type.String(),
  lessonEndedAt: Type.Union([Type.String(), Type.Null()]),
  notesCount: Type.Integer({ minimum: 0 }),
  submitted: Type.Boolean(),
});
export type MyObservation = Static<typeof MyObservation>;

export const MyObservations = Type.Object({ items: Type.Array(MyObservation) });
export type MyObservations = Static<typeof MyObservations>;
