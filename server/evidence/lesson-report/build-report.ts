import type {
  AttendanceSpell,
  ClassroomFigures,
  LessonReport,
  LessonReportHeader,
  ParticipantFigures,
  ReportLeaveReason,
  ReportScope,
  TimelineEntry,
} from '../../../shared/api/evidence-lesson.js';
import type { ParticipantKind } from '../../../shared/lesson/model.js';
import { groupBy } from '../../core/lists.js';
import {
  activeMinutes,
  activityScores,
  clipSpan,
  isDelivered,
  summariseQuality,
  toMinutes,
  toShanghaiIso,
  unionByShanghaiDay,
  unionMs,
  type Span,
} from '../metrics.js';
import type { LEAVE_REASONS } from '../../db/schema/evidence.js';
import type { LessonEndReason } from '../../db/schema/teaching.js';
import type { LessonEventPayload } from '../../../shared/lesson/protocol.js';
import type { AttendanceRow, LessonEvidence, MediaStateRow, ReceiverRow, ReportNames, SessionRow } from './repository.js';

/** The wire contract's leave reasons are the evidence table's (checked by the compiler). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const LEAVE_REASONS_IN_STEP: Same<ReportLeaveReason, (typeof LEAVE_REASONS)[number]> = true;
/** …and so are its lesson end reasons, and those `lesson:ended` tells the sites. */
export const END_REASONS_IN_STEP: Same<NonNullable<LessonReportHeader['endReason']>, LessonEndReason> = true;
export const ENDED_REASONS_IN_STEP: Same<NonNullable<LessonEventPayload<'lesson:ended'>['reason']>, LessonEndReason> = true;

export interface ReportInputs {
  session: SessionRow;
  evidence: LessonEvidence;
  receivers: ReceiverRow[];
  names: ReportNames;
}

export interface ReportOptions {
  now: Date;
  deliveredMinMinutes: number;
  /** `own`: only this user's figures (her row, her timeline) and no classroom table. */
  scope: ReportScope;
  viewerUserId: number;
}

/** The lesson's window: from its start to its end, or to now while it is live. */
export function lessonWindow(session: Pick<SessionRow, 'startedAt' | 'endedAt'>, now: Date): Span {
  const start = session.startedAt.getTime();
  return { start, end: Math.max(start, (session.endedAt ?? now).getTime()) };
}

/** The list's and the header's common facts of a session. */
export function lessonFacts(session: SessionRow, now: Date, deliveredMinMinutes: number) {
  const window = lessonWindow(session, now);
  return {
    lessonSessionId: session.id,
    courseId: session.courseId,
    courseName: session.courseName,
    subject: session.subject,
    kind: session.kind,
    grade: session.grade,
    leadTeacherName: session.leadTeacherName,
    hostSchoolName: session.hostSchoolName,
    startedAt: toShanghaiIso(session.startedAt),
    endedAt: session.endedAt ? toShanghaiIso(session.endedAt) : null,
    live: session.endedAt === null,
    durationMinutes: toMinutes(window.end - window.start),
    delivered: isDelivered(window.end - window.start, deliveredMinMinutes),
  };
}

/**
 * The span an attendance interval covers in the lesson. One still open in a lesson that ended (a crash
 * not yet tidied up) ends at its last heartbeat; in a live lesson it runs to now.
 */
function attendanceSpan(row: AttendanceRow, window: Span, lessonEnded: boolean): Span | null {
  const end = row.leftAt ?? (lessonEnded ? row.lastHeartbeatAt : null);
  return clipSpan(row.joinedAt.getTime(), end?.getTime() ?? null, window);
}

/** One site in the report: an account (its stays may be several participants, one per join). */
interface Site {
  key: string;
  userId: number | null;
  rows: AttendanceRow[];
}

/** Assembles the per-lesson report from what was recorded. Pure: the caller loads, this computes. */
export function buildLessonReport(inputs: ReportInputs, options: ReportOptions): LessonReport {
  const { session, evidence, receivers, names } = inputs;
  const window = lessonWindow(session, options.now);
  const ended = session.endedAt !== null;
  const siteKey = (userId: number | null, participantId: string) => (userId === null ? `p:${participantId}` : `u:${userId}`);

  const sites = [...groupBy(evidence.attendance, (row) => siteKey(row.userId, row.participantId)).entries()].map(
    ([key, rows]): Site => ({ key, userId: rows[0]!.userId, rows }),
  );
  const mediaBySite = groupBy(evidence.mediaStates, (row) => siteKey(row.userId, row.participantId));
  const eventsBySite = groupBy(evidence.participation, (row) => siteKey(row.userId, row.participantId));
  const pollsInLesson = new Set(evidence.participation.flatMap((e) => (e.kind === 'poll_answer' && e.pollId ? [e.pollId] : []))).size;

  const stateMs = (rows: readonly MediaStateRow[], kind: MediaStateRow['kind']) =>
    unionMs(rows.filter((r) => r.kind === kind).flatMap((r) => clipSpan(r.startedAt.getTime(), r.endedAt?.getTime() ?? null, window) ?? []));

  /**
   * Who a site is: its account's name, else the classroom it joined from (a classroom recorded without its
   * device account, as imported or seeded evidence is, is still that classroom), else "—".
   */
  const nameOf = (userId: number | null, classroomId: number | null): string =>
    (userId === null ? undefined : names.users.get(userId)) ?? (classroomId === null ? undefined : names.classrooms.get(classroomId)?.name) ?? '—';

  const figures = sites.map((site) => {
    const first = site.rows[0]!;
    const media = mediaBySite.get(site.key) ?? [];
    const events = eventsBySite.get(site.key) ?? [];
    const countOf = (kind: (typeof events)[number]['kind']) => events.filter((e) => e.kind === kind).length;
    const kind = participantKind(first, receivers);
    const classroom = first.classroomId === null ? undefined : names.classrooms.get(first.classroomId);
    const talkMs = stateMs(media, 'speaking');
    const row: Omit<ParticipantFigures, 'activityScore'> = {
      userId: site.userId,
      displayName: nameOf(site.userId, first.classroomId),
      kind,
      schoolName: (first.schoolId === null ? undefined : names.schools.get(first.schoolId)) ?? classroom?.schoolName ?? null,
      classroomName: classroom?.name ?? null,
      onlineMinutes: toMinutes(unionMs(site.rows.flatMap((r) => attendanceSpan(r, window, ended) ?? []))),
      talkMinutes: toMinutes(talkMs),
      webcamMinutes: toMinutes(stateMs(media, 'camera_on')),
      onStageMinutes: toMinutes(stateMs(media, 'on_stage')),
      screenShareMinutes: toMinutes(stateMs(media, 'screen_sharing')),
      messages: countOf('chat_message'),
      handRaises: countOf('hand_raised'),
      stageInvitations: countOf('stage_invited'),
      pollAnswers: countOf('poll_answer'),
      boardPenTurns: countOf('board_pen_turn'),
      pollCorrect: events.filter((e) => e.kind === 'poll_answer' && e.correct === true).length,
      spells: site.rows.map(spell),
    };
    // The score counts the minutes with such an act, not the acts (a flood adds nothing; see metrics.ts).
    const minutesOf = (kind: (typeof events)[number]['kind']) =>
      activeMinutes(events.flatMap((e) => (e.kind === kind ? [e.occurredAt.getTime()] : [])), window.start);
    const activity = { messages: minutesOf('chat_message'), handRaises: minutesOf('hand_raised'), stageInvitations: minutesOf('stage_invited') };
    return { row, talkMs, activity };
  });
  const scores = activityScores(
    figures.map(({ row, talkMs, activity }) => ({
      scored: row.kind !== 'lead_teacher' && row.kind !== 'observer' && row.kind !== 'research_member' && row.kind !== 'viewer',
      talkMs,
      ...activity,
      pollAnswers: row.pollAnswers,
    })),
    pollsInLesson,
  );
  const own = options.scope === 'own';
  // Broadcast viewers are a count and their minutes; one called on stage took part and is a row of her own.
  const viewers = figures.filter(({ row }) => row.kind === 'viewer');
  const liveViewers = { count: viewers.length, minutes: toMinutes(viewers.reduce((ms, { row }) => ms + row.onlineMinutes * 60_000, 0)) };
  const participants = figures
    .map(({ row }, i): ParticipantFigures => ({ ...row, activityScore: scores[i] ?? null }))
    .filter((p) => p.kind !== 'viewer' || p.stageInvitations > 0)
    .filter((p) => !own || p.userId === options.viewerUserId)
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.displayName.localeCompare(b.displayName, 'zh-CN'));

  const header: LessonReportHeader = {
    ...lessonFacts(session, options.now, options.deliveredMinMinutes),
    endReason: session.endReason,
    evidenceIncomplete: session.evidenceIncomplete,
    deliveredMinMinutes: options.deliveredMinMinutes,
    minutesByDay: unionByShanghaiDay([window]).map((d) => ({ date: d.date, weekStart: d.weekStart, minutes: toMinutes(d.ms) })),
    pollsInLesson,
    liveViewers: own ? { count: 0, minutes: 0 } : liveViewers,
  };
  const timeline = buildTimeline(inputs, nameOf).filter((e) => !own || e.userId === options.viewerUserId);
  return {
    header,
    scope: options.scope,
    participants,
    classrooms: own ? [] : classroomFigures(inputs, window, ended),
    timeline,
    generatedAt: toShanghaiIso(options.now),
  };
}

const KIND_ORDER: readonly ParticipantKind[] = ['lead_teacher', 'receiving_classroom', 'assistant_teacher', 'student', 'observer', 'research_member', 'viewer'];

/** How a site took part: the host is the lead teacher; at a receiving classroom, its assistant teacher or the room itself. */
function participantKind(row: AttendanceRow, receivers: readonly ReceiverRow[]): ParticipantKind {
  switch (row.siteKind) {
    case 'host':
      return 'lead_teacher';
    case 'receiving_classroom': {
      const assisted = receivers.some((r) => r.classroomId === row.classroomId && r.assistantTeacherId !== null && r.assistantTeacherId === row.userId);
      return assisted ? 'assistant_teacher' : 'receiving_classroom';
    }
    default:
      return row.siteKind;
  }
}

function spell(row: AttendanceRow): AttendanceSpell {
  return { joinedAt: toShanghaiIso(row.joinedAt), leftAt: row.leftAt ? toShanghaiIso(row.leftAt) : null, leaveReason: row.leaveReason };
}

function classroomFigures(inputs: ReportInputs, window: Span, ended: boolean): ClassroomFigures[] {
  const { evidence, receivers, names } = inputs;
  const roomRows = groupBy(
    evidence.attendance.filter((r) => r.siteKind === 'receiving_classroom' && r.classroomId !== null),
    (r) => r.classroomId!,
  );
  const roomParticipants = new Map([...roomRows].map(([id, rows]) => [id, new Set(rows.map((r) => r.participantId))]));
  const joinedOnly = [...roomRows.keys()].filter((id) => !receivers.some((r) => r.classroomId === id));
  const rooms = [
    ...receivers.map((r) => ({ classroomId: r.classroomId, classroomName: r.classroomName, schoolName: r.schoolName, expectedStudents: r.expectedStudents as number | null })),
    ...joinedOnly.map((id) => ({ classroomId: id, classroomName: names.classrooms.get(id)?.name ?? '—', schoolName: names.classrooms.get(id)?.schoolName ?? '—', expectedStudents: null })),
  ];
  return rooms.map((room) => {
    const rows = roomRows.get(room.classroomId) ?? [];
    // The highest headcount entered (as the usage roll-ups count it): students arriving late add up.
    const headcounts = rows.flatMap((r) => (r.headcount === null ? [] : [r.headcount]));
    const participants = roomParticipants.get(room.classroomId) ?? new Set<string>();
    return {
      ...room,
      presentStudents: headcounts.length === 0 ? null : Math.max(...headcounts),
      connectedMinutes: toMinutes(unionMs(rows.flatMap((r) => attendanceSpan(r, window, ended) ?? []))),
      quality: summariseQuality(evidence.quality.filter((q) => participants.has(q.participantId))),
    };
  });
}

function buildTimeline(inputs: ReportInputs, nameOf: (userId: number | null, classroomId: number | null) => string): TimelineEntry[] {
  const { evidence } = inputs;
  const entries: Array<TimelineEntry & { ms: number }> = [];
  const entry = (at: Date, kind: TimelineEntry['kind'], place: { userId: number | null; classroomId: number | null }, extra: Partial<Pick<TimelineEntry, 'leaveReason' | 'correct'>> = {}) =>
    entries.push({ ms: at.getTime(), at: toShanghaiIso(at), kind, displayName: nameOf(place.userId, place.classroomId), userId: place.userId, leaveReason: extra.leaveReason ?? null, correct: extra.correct ?? null });
  const classroomOf = new Map(evidence.attendance.map((r) => [r.participantId, r.classroomId]));
  for (const row of evidence.attendance) {
    entry(row.joinedAt, 'joined', row);
    if (row.leftAt) entry(row.leftAt, 'left', row, { leaveReason: row.leaveReason });
  }
  for (const event of evidence.participation) {
    if (event.kind === 'chat_message') continue;
    entry(event.occurredAt, event.kind, { userId: event.userId, classroomId: classroomOf.get(event.participantId) ?? null }, event.kind === 'poll_answer' ? { correct: event.correct } : {});
  }
  // Stable by time: at the same instant, joins come before what the site then did.
  return entries.sort((a, b) => a.ms - b.ms).map(({ ms: _ms, ...rest }) => rest);
}
