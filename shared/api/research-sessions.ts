import { Type, type Static } from 'typebox';
import { Name, RowId } from './common.js';
import { RESEARCH_SESSION_STATUSES } from './research.js';

/*
 * Teaching-research sessions (协同教研): scheduled teacher-only meetings about one observed lesson, held live
 * in the SFU as a live session of that lesson's course. Routes of server/research/sessions/.
 */

/** How long a meeting may be planned for, in minutes. */
export const RESEARCH_SESSION_MINUTES = { min: 15, max: 240 } as const;
/** The convener may start a meeting from this long before its scheduled time (ms). */
export const RESEARCH_START_EARLY_MS = 15 * 60_000;

export const ResearchLessonParams = Type.Object({ lessonId: RowId });
export type ResearchLessonParams = Static<typeof ResearchLessonParams>;

export const ResearchSessionView = Type.Object({
  id: Type.Integer(),
  /** The observed lesson (lesson session) it is about. */
  lessonSessionId: Type.Integer(),
  courseId: Type.Integer(),
  courseName: Type.String(),
  /** When the observed lesson started (ISO). */
  lessonStartedAt: Type.String(),
  title: Type.String(),
  convenerId: Type.Integer(),
  convenerName: Type.String(),
  /** ISO instant. */
  scheduledAt: Type.String(),
  durationMinutes: Type.Integer(),
  status: Type.Enum(RESEARCH_SESSION_STATUSES),
  /** The caller convened it: she may change, cancel and start it. */
  mine: Type.Boolean(),
  /** It may be joined now (it is live), or — for the convener — started now (from 15 min before). */
  joinable: Type.Boolean(),
});
export type ResearchSessionView = Static<typeof ResearchSessionView>;

export const ResearchSessionList = Type.Object({ sessions: Type.Array(ResearchSessionView) });
export type ResearchSessionList = Static<typeof ResearchSessionList>;

const Minutes = Type.Integer({ minimum: RESEARCH_SESSION_MINUTES.min, maximum: RESEARCH_SESSION_MINUTES.max });

export const ScheduleResearchSession = Type.Object(
  {
    title: Name(60),
    /** ISO instant with its offset, e.g. 2026-12-01T15:30:00+08:00. */
    scheduledAt: Type.String({ format: 'date-time' }),
    durationMinutes: Minutes,
  },
  { additionalProperties: false },
);
export type ScheduleResearchSession = Static<typeof ScheduleResearchSession>;

export const ChangeResearchSession = Type.Partial(ScheduleResearchSession, { additionalProperties: false, minProperties: 1 });
export type ChangeResearchSession = Static<typeof ChangeResearchSession>;

export const ResearchSessionStarted = Type.Object({
  /** The course whose lesson page (`/lesson/:courseId`) holds the meeting. */
  courseId: Type.Integer(),
  lessonSessionId: Type.Integer(),
});
export type ResearchSessionStarted = Static<typeof ResearchSessionStarted>;

export const ResearchAttendance = Type.Object({
  /** Each time the meeting ran (a live session). */
  meetings: Type.Array(Type.Object({ lessonSessionId: Type.Integer(), startedAt: Type.String(), endedAt: Type.Union([Type.String(), Type.Null()]) })),
  /** Who attended, and for how many minutes in all (rounded). */
  members: Type.Array(Type.Object({ userId: Type.Integer(), displayName: Type.String(), minutes: Type.Integer() })),
});
export type ResearchAttendance = Static<typeof ResearchAttendance>;
