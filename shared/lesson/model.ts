import { Type, type Static } from 'typebox';
import { BoardView } from './features/board.js';
import { ObservingView } from './features/observing.js';
import { RecordingStateView } from './features/recording.js';
import { BroadcastView } from './features/broadcast.js';

/*
 * The live lesson as every site sees it: participants, their media, the hand queue, the stage, chat and
 * polls. Sent whole on join (LessonSnapshot) and kept current by the events in protocol.ts.
 */

/**
 * How a participant takes part. A receiving classroom is one participant for the whole room. A
 * `research_member` is a teacher in a teaching-research meeting (协同教研): on stage from the start. A
 * `viewer` watches a broadcast (直播) lesson of an open school (名校网络课堂) from home or from a classroom
 * that is none of the course's sites: receive-only, in no site's list, until the teacher invites her on stage.
 */
export const PARTICIPANT_KINDS = ['lead_teacher', 'receiving_classroom', 'student', 'assistant_teacher', 'observer', 'research_member', 'viewer'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

export const MEDIA_SOURCES = ['camera', 'mic', 'screen'] as const;
export type MediaSource = (typeof MEDIA_SOURCES)[number];

export const QUALITY_LEVELS = ['good', 'fair', 'poor', 'unknown'] as const;
export type QualityLevel = (typeof QUALITY_LEVELS)[number];

export const ParticipantView = Type.Object({
  /** Stable for the whole lesson, also across reconnects within the grace period. */
  id: Type.String(),
  userId: Type.Integer(),
  displayName: Type.String(),
  kind: Type.Enum(PARTICIPANT_KINDS),
  classroomId: Type.Union([Type.Integer(), Type.Null()]),
  schoolName: Type.Union([Type.String(), Type.Null()]),
  /** `reconnecting` while the link is down and the grace period runs. */
  connection: Type.Enum(['connected', 'reconnecting']),
  micOn: Type.Boolean(),
  cameraOn: Type.Boolean(),
  screenOn: Type.Boolean(),
  onStage: Type.Boolean(),
  /** ISO instant the hand went up, or null. */
  handRaisedAt: Type.Union([Type.String(), Type.Null()]),
  audioOnly: Type.Boolean(),
  quality: Type.Enum(QUALITY_LEVELS),
  /** Students present in a receiving classroom, as its assistant teacher entered it. */
  headcount: Type.Union([Type.Integer(), Type.Null()]),
});
export type ParticipantView = Static<typeof ParticipantView>;

export const ProducerView = Type.Object({
  id: Type.String(),
  participantId: Type.String(),
  kind: Type.Enum(['audio', 'video']),
  source: Type.Enum(MEDIA_SOURCES),
  paused: Type.Boolean(),
});
export type ProducerView = Static<typeof ProducerView>;

export const ChatMessage = Type.Object({
  id: Type.String(),
  participantId: Type.String(),
  displayName: Type.String(),
  text: Type.String(),
  sentAt: Type.String(),
  /** Written by an observer (听课) the lead teacher let chat: shown as 「听课：<name>」. */
  fromObserver: Type.Optional(Type.Boolean()),
});
export type ChatMessage = Static<typeof ChatMessage>;

/** One site's answer to a poll, as the lead teacher sees it. */
export const PollSiteAnswer = Type.Object({
  participantId: Type.String(),
  displayName: Type.String(),
  choices: Type.Array(Type.Integer()),
  /** For quizzes: the answer is exactly the correct set; null for a poll. */
  correct: Type.Union([Type.Boolean(), Type.Null()]),
});
export type PollSiteAnswer = Static<typeof PollSiteAnswer>;

export const PollView = Type.Object({
  id: Type.String(),
  question: Type.String(),
  options: Type.Array(Type.String()),
  multiple: Type.Boolean(),
  /** A quiz has correct answers; they are shown to sites only after it closes. */
  quiz: Type.Boolean(),
  correct: Type.Union([Type.Array(Type.Integer()), Type.Null()]),
  open: Type.Boolean(),
  /** Votes per option (lead teacher always; others after close). */
  tally: Type.Union([Type.Array(Type.Integer()), Type.Null()]),
  answered: Type.Integer(),
  /** My own answer, if I gave one. */
  myAnswer: Type.Union([Type.Array(Type.Integer()), Type.Null()]),
  /** Each site's answer in the order they came (lead teacher only; null for everyone else). */
  answers: Type.Union([Type.Array(PollSiteAnswer), Type.Null()]),
});
export type PollView = Static<typeof PollView>;

/** A site the lead teacher removed: kept out for the rest of the lesson unless she lets it in again. */
export const RemovedSite = Type.Object({
  userId: Type.Integer(),
  displayName: Type.String(),
  kind: Type.Enum(PARTICIPANT_KINDS),
  schoolName: Type.Union([Type.String(), Type.Null()]),
  removedAt: Type.String(),
});
export type RemovedSite = Static<typeof RemovedSite>;

export const LessonSnapshot = Type.Object({
  lessonSessionId: Type.Integer(),
  courseId: Type.Integer(),
  courseName: Type.String(),
  startedAt: Type.String(),
  /** Set when this live session is a teaching-research meeting (协同教研) about a lesson, not a lesson. */
  researchSessionId: Type.Union([Type.Integer(), Type.Null()]),
  /** The meeting's title (null for a lesson). */
  researchTitle: Type.Union([Type.String(), Type.Null()]),
  locked: Type.Boolean(),
  chatEnabled: Type.Boolean(),
  /**
   * The participants shown to me: every site for the lead teacher and observers; for any other site, itself,
   * the lead teacher and whoever has been on stage (not the other classrooms and students of the lesson).
   */
  participants: Type.Array(ParticipantView),
  /** Producers this participant may consume (the server decides who sees whom). */
  producers: Type.Array(ProducerView),
  chat: Type.Array(ChatMessage),
  polls: Type.Array(PollView),
  /** Sites removed from this lesson (lead teacher only; empty for everyone else). */
  removed: Type.Array(RemovedSite),
  /**
   * The lead teacher muted my microphone and I have not unmuted it since: join with the mic off. The
   * server keeps this per account for the whole lesson, so a reload does not lift the teacher's mute.
   */
  mutedByTeacher: Type.Boolean(),
  /** The whiteboard: pages, the page shown, all ink, the pen holder (a late joiner gets it intact). */
  board: BoardView,
  /** The lesson's recording: whether it records now, since when (every site shows the indicator). */
  recording: RecordingStateView,
  /** How many observe (听课) and whether they may chat: observers are never in `participants`. */
  observing: ObservingView,
  /** Whether the lesson is broadcast (直播) and, for the lead teacher and observers, how many watch it. */
  broadcast: BroadcastView,
});
export type LessonSnapshot = Static<typeof LessonSnapshot>;
