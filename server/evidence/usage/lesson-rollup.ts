import type { LessonKind, Subject } from '../../../shared/subjects.js';
import { mondayOf, shanghaiDate } from '../../../shared/time.js';
import type { PARTICIPATION_KINDS, SITE_KINDS } from '../../db/schema/evidence.js';
import type { UsageSiteKind, UsageTeacherPart } from '../../db/schema/rollups.js';
import { clipSpan, unionByShanghaiDay, unionMs, type Span } from '../metrics.js';

/** Whole seconds of a duration in milliseconds (half a second rounds up). */
const toSeconds = (ms: number): number => Math.round(ms / 1000);

type AttendanceSiteKind = (typeof SITE_KINDS)[number];
type ParticipationKind = (typeof PARTICIPATION_KINDS)[number];

/** Where a site sits in the organisation (at the time of the lesson, as far as the evidence says). */
export interface SitePlace {
  regionId: number;
  groupId: number | null;
  schoolId: number;
}

/** Everything one lesson left behind that its roll-up rows are computed from. Instants are epoch ms. */
export interface LessonEvidence {
  lesson: {
    id: number;
    courseId: number;
    startedAt: number;
    startedBy: number;
    endedAt: number | null;
    lastHeartbeatAt: number;
    /** The timetabled lesson this session stands for, already matched (see RollupRepository.matchScheduledLesson). */
    scheduledLessonId: number | null;
  };
  course: { termId: number; subject: Subject; kind: LessonKind; leadTeacherId: number; hostClassroomId: number | null; host: SitePlace };
  receivers: ReadonlyArray<{ classroomId: number; place: SitePlace; expectedStudents: number; assistantTeacherId: number | null }>;
  /** The course's individual students, with their school (null: no student profile) and whether lessons reach them at home. */
  enrolled: ReadonlyArray<{ userId: number; place: SitePlace | null; homeDelivery: boolean }>;
  attendance: ReadonlyArray<{
    participantId: string;
    userId: number | null;
    siteKind: AttendanceSiteKind;
    classroomId: number | null;
    schoolId: number | null;
    joinedAt: number;
    leftAt: number | null;
    lastHeartbeatAt: number;
    headcount: number | null;
  }>;
  participation: ReadonlyArray<{ participantId: string; userId: number | null; classroomId: number | null; kind: ParticipationKind; occurredAt: number }>;
  /** Places of classrooms and schools the evidence names that the course does not list. */
  classroomPlaces: ReadonlyMap<number, SitePlace>;
  schoolPlaces: ReadonlyMap<number, SitePlace>;
  /** Users among the evidence who hold a teacher or assistant-teacher grant. */
  teacherIds: ReadonlySet<number>;
}

export interface SiteDayRow {
  lessonSessionId: number;
  courseId: number;
  termId: number;
  scheduledLessonId: number | null;
  subject: Subject;
  kind: LessonKind;
  day: string;
  week: string;
  lessonStart: boolean;
  siteKind: UsageSiteKind;
  regionId: number;
  groupId: number | null;
  schoolId: number;
  classroomId: number | null;
  lessonSeconds: number;
  siteLessonSeconds: number;
  connectedSeconds: number;
  studentsExpected: number;
  attendanceExpected: number;
  attendancePresent: number;
  homeExpected: number;
  homePresent: number;
  participantsPresent: number;
  participantsActive: number;
  hands: number;
  chatMessages: number;
  pollAnswers: number;
}

export interface LessonTeacherRow {
  lessonSessionId: number;
  courseId: number;
  termId: number;
  subject: Subject;
  kind: LessonKind;
  day: string;
  week: string;
  regionId: number;
  groupId: number | null;
  schoolId: number;
  classroomId: number | null;
  userId: number;
  part: UsageTeacherPart;
}

export interface LessonRollup {
  siteDays: SiteDayRow[];
  teachers: LessonTeacherRow[];
}

/** Acts that count as taking part (lowering a hand or being sent back from the stage do not; writing on the board with the pen does). */
const TAKING_PART: ReadonlySet<ParticipationKind> = new Set(['hand_raised', 'chat_message', 'poll_answer', 'stage_invited', 'board_pen_turn']);

interface DayCounts {
  hands: number;
  chatMessages: number;
  pollAnswers: number;
}

interface Site {
  kind: UsageSiteKind;
  place: SitePlace;
  classroomId: number | null;
  spans: Span[];
  participants: Set<string>;
  active: Set<string>;
  headcount: number | null;
  expectedStudents: number;
  /** Student sites: enrolled students of this school, those at home, and the students who joined. */
  enrolled: Set<number>;
  enrolledHome: Set<number>;
  joined: Set<number>;
  events: Map<string, DayCounts>;
}

const newSite = (kind: UsageSiteKind, place: SitePlace, classroomId: number | null, expectedStudents = 0): Site => ({
  kind,
  place,
  classroomId,
  spans: [],
  participants: new Set(),
  active: new Set(),
  headcount: null,
  expectedStudents,
  enrolled: new Set(),
  enrolledHome: new Set(),
  joined: new Set(),
  events: new Map(),
});

/** One person or device in the lesson: the account when known (a reconnect may bring a new participant id). */
const identity = (userId: number | null, participantId: string): string => (userId !== null ? `u:${userId}` : `p:${participantId}`);

/**
 * The roll-up rows of one lesson: for the host, every receiving classroom (also those that never joined —
 * their students count as absent) and the individual students of each school, one row per Shanghai day
 * the site was connected on (always including the day the lesson started), plus the teachers who taught,
 * assisted or took part. Pure: the same evidence always gives the same rows.
 */
export function computeLessonRollup(evidence: LessonEvidence): LessonRollup {
  const { lesson, course } = evidence;
  const bounds: Span = { start: lesson.startedAt, end: Math.max(lesson.startedAt, lesson.endedAt ?? lesson.lastHeartbeatAt) };
  const startDay = shanghaiDate(new Date(lesson.startedAt));

  const sites = new Map<string, Site>([['host', newSite('host', course.host, course.hostClassroomId)]]);
  for (const r of evidence.receivers) {
    if (r.classroomId !== course.hostClassroomId) sites.set(`c:${r.classroomId}`, newSite('receiving_classroom', r.place, r.classroomId, r.expectedStudents));
  }
  const enrolledPlace = new Map<number, SitePlace | null>();
  for (const student of evidence.enrolled) {
    enrolledPlace.set(student.userId, student.place);
    if (!student.place) continue;
    const site = siteFor(sites, `s:${student.place.schoolId}`, () => newSite('student', student.place!, null));
    site.enrolled.add(student.userId);
    if (student.homeDelivery) site.enrolledHome.add(student.userId);
  }

  const siteOfParticipant = new Map<string, Site>();
  for (const a of evidence.attendance) {
    const site = attendanceSite(evidence, sites, a, enrolledPlace);
    if (!site) continue;
    const span = clipSpan(a.joinedAt, a.leftAt ?? a.lastHeartbeatAt, bounds);
    if (span) site.spans.push(span);
    site.participants.add(identity(a.userId, a.participantId));
    if (a.headcount !== null) site.headcount = Math.max(site.headcount ?? 0, a.headcount);
    if (site.kind === 'student' && a.userId !== null) site.joined.add(a.userId);
    siteOfParticipant.set(a.participantId, site);
  }

  for (const p of evidence.participation) {
    const site = siteOfParticipant.get(p.participantId) ?? (p.classroomId !== null ? sites.get(`c:${p.classroomId}`) : undefined);
    if (!site) continue;
    const day = shanghaiDate(new Date(p.occurredAt));
    const counts = site.events.get(day) ?? { hands: 0, chatMessages: 0, pollAnswers: 0 };
    if (p.kind === 'hand_raised') counts.hands++;
    else if (p.kind === 'chat_message') counts.chatMessages++;
    else if (p.kind === 'poll_answer') counts.pollAnswers++;
    site.events.set(day, counts);
    if (TAKING_PART.has(p.kind)) site.active.add(identity(p.userId, p.participantId));
  }

  const lessonSeconds = toSeconds(bounds.end - bounds.start);
  const common = {
    lessonSessionId: lesson.id,
    courseId: lesson.courseId,
    termId: course.termId,
    subject: course.subject,
    kind: course.kind,
  };
  const siteDays: SiteDayRow[] = [];
  const connectedSites = new Set<Site>();
  for (const site of sites.values()) {
    const byDay = new Map(unionByShanghaiDay(site.spans).map((share) => [share.date, share.ms]));
    const siteLessonSeconds = toSeconds(unionMs(site.spans));
    if (siteLessonSeconds > 0) connectedSites.add(site);
    const days = [...new Set([startDay, ...byDay.keys(), ...site.events.keys()])].sort();
    for (const day of days) {
      const isStart = day === startDay;
      const counts = site.events.get(day);
      siteDays.push({
        ...common,
        scheduledLessonId: lesson.scheduledLessonId,
        day,
        week: mondayOf(day),
        lessonStart: isStart,
        siteKind: site.kind,
        regionId: site.place.regionId,
        groupId: site.place.groupId,
        schoolId: site.place.schoolId,
        classroomId: site.classroomId,
        lessonSeconds,
        siteLessonSeconds,
        connectedSeconds: toSeconds(byDay.get(day) ?? 0),
        ...(isStart ? startDayFigures(site, siteLessonSeconds > 0) : EMPTY_START_FIGURES),
        hands: counts?.hands ?? 0,
        chatMessages: counts?.chatMessages ?? 0,
        pollAnswers: counts?.pollAnswers ?? 0,
      });
    }
  }

  return { siteDays, teachers: lessonTeachers(evidence, sites, connectedSites, { ...common, day: startDay, week: mondayOf(startDay) }) };
}

const EMPTY_START_FIGURES = {
  studentsExpected: 0,
  attendanceExpected: 0,
  attendancePresent: 0,
  homeExpected: 0,
  homePresent: 0,
  participantsPresent: 0,
  participantsActive: 0,
};

/** The per-lesson figures of a site, kept on the row of the day the lesson started. */
function startDayFigures(site: Site, connected: boolean): typeof EMPTY_START_FIGURES {
  switch (site.kind) {
    case 'host':
      // The lead teacher's own class is not measured; the host is the lesson, not an audience.
      return EMPTY_START_FIGURES;
    case 'receiving_classroom': {
      const expected = site.expectedStudents;
      // Never connected: the whole class missed the lesson. Connected without a headcount: unknown, left out.
      const known = !connected || site.headcount !== null;
      return {
        ...EMPTY_START_FIGURES,
        studentsExpected: expected,
        attendanceExpected: known ? expected : 0,
        attendancePresent: known && connected ? Math.min(site.headcount ?? 0, expected) : 0,
        participantsPresent: site.participants.size,
        participantsActive: countIn(site.active, site.participants),
      };
    }
    case 'student': {
      const present = [...site.enrolled].filter((id) => site.joined.has(id)).length;
      const homePresent = [...site.enrolledHome].filter((id) => site.joined.has(id)).length;
      return {
        studentsExpected: site.enrolled.size,
        attendanceExpected: site.enrolled.size,
        attendancePresent: present,
        homeExpected: site.enrolledHome.size,
        homePresent,
        participantsPresent: site.participants.size,
        participantsActive: countIn(site.active, site.participants),
      };
    }
  }
}

const countIn = (items: ReadonlySet<string>, within: ReadonlySet<string>): number => [...items].filter((i) => within.has(i)).length;

function siteFor(sites: Map<string, Site>, key: string, make: () => Site): Site {
  let site = sites.get(key);
  if (!site) {
    site = make();
    sites.set(key, site);
  }
  return site;
}

/** The site an attendance interval belongs to; observers (admins watching) are no site. */
function attendanceSite(evidence: LessonEvidence, sites: Map<string, Site>, a: LessonEvidence['attendance'][number], enrolledPlace: ReadonlyMap<number, SitePlace | null>): Site | null {
  const hostClassroomId = evidence.course.hostClassroomId;
  if (a.siteKind === 'host' || (a.siteKind === 'receiving_classroom' && a.classroomId !== null && a.classroomId === hostClassroomId)) return sites.get('host') ?? null;
  if (a.siteKind === 'receiving_classroom' && a.classroomId !== null) {
    const place = evidence.classroomPlaces.get(a.classroomId);
    const key = `c:${a.classroomId}`;
    if (!sites.has(key) && !place) return null;
    return siteFor(sites, key, () => newSite('receiving_classroom', place!, a.classroomId));
  }
  if (a.siteKind === 'student') {
    const place = (a.userId !== null ? enrolledPlace.get(a.userId) : null) ?? (a.schoolId !== null ? evidence.schoolPlaces.get(a.schoolId) : undefined);
    if (!place) return null;
    return siteFor(sites, `s:${place.schoolId}`, () => newSite('student', place, null));
  }
  return null;
}

/**
 * Who taught or took part: the lead teacher (when she started or joined the lesson), the assistant teacher
 * of every receiving classroom that connected, and any other teacher who joined — once per lesson each.
 */
function lessonTeachers(
  evidence: LessonEvidence,
  sites: ReadonlyMap<string, Site>,
  connected: ReadonlySet<Site>,
  common: Omit<LessonTeacherRow, 'regionId' | 'groupId' | 'schoolId' | 'classroomId' | 'userId' | 'part'>,
): LessonTeacherRow[] {
  const { lesson, course } = evidence;
  const rows = new Map<number, LessonTeacherRow>();
  const add = (userId: number, part: UsageTeacherPart, place: SitePlace, classroomId: number | null) => {
    if (!rows.has(userId)) rows.set(userId, { ...common, regionId: place.regionId, groupId: place.groupId, schoolId: place.schoolId, classroomId, userId, part });
  };
  if (lesson.startedBy === course.leadTeacherId || evidence.attendance.some((a) => a.userId === course.leadTeacherId)) {
    add(course.leadTeacherId, 'lead', course.host, course.hostClassroomId);
  }
  for (const r of evidence.receivers) {
    const site = sites.get(`c:${r.classroomId}`);
    if (r.assistantTeacherId !== null && site && connected.has(site)) add(r.assistantTeacherId, 'assistant', r.place, r.classroomId);
  }
  for (const a of evidence.attendance) {
    if (a.userId === null || !evidence.teacherIds.has(a.userId)) continue;
    const place = (a.classroomId !== null ? evidence.classroomPlaces.get(a.classroomId) : undefined) ?? (a.schoolId !== null ? evidence.schoolPlaces.get(a.schoolId) : undefined);
    if (place) add(a.userId, 'participant', place, a.classroomId);
  }
  return [...rows.values()];
}
