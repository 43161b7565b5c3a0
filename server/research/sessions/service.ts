import { ApiError } from '../../core/errors.js';
import type { Access } from '../../core/access.js';
import type { Places } from '../../organisation/places.js';
import type { OrgPlace } from '../../policy/policy.js';
import type { ResearchMeeting } from '../../lessons/live-lesson.js';
import {
  RESEARCH_START_EARLY_MS,
  type ChangeResearchSession,
  type ResearchAttendance,
  type ResearchSessionStarted,
  type ResearchSessionView,
  type ScheduleResearchSession,
} from '../../../shared/api/research-sessions.js';
import { mayMeetAbout } from './membership.js';
import type { ResearchSessionRow, ResearchSessionsRepository } from './repository.js';

/** Starts the course's live session as the meeting (the lesson registry's start); resolves to its lesson session. */
export type MeetingStarter = (courseId: number, convenerId: number, meeting: ResearchMeeting) => Promise<number>;

/** How far ahead the home page lists upcoming sessions, and how many at most. */
const UPCOMING_DAYS = 30;
const UPCOMING_LIMIT = 20;

/**
 * Teaching-research sessions (协同教研): scheduling about an observed lesson (its lead teacher, or whoever may
 * observe the course), changing and cancelling (the convener), starting (the convener, from 15 minutes
 * before the time until its planned end), the home page's upcoming list and a session's attendance.
 */
export class ResearchSessionsService {
  constructor(
    private readonly repo: ResearchSessionsRepository,
    private readonly places: Places,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async ofLesson(lessonSessionId: number, access: Access): Promise<ResearchSessionView[]> {
    const lesson = await this.repo.observedLesson(lessonSessionId);
    if (!lesson) throw new ApiError('not_found');
    await this.#authorize(lesson.courseId, access);
    return (await this.repo.ofLesson(lessonSessionId)).map((row) => this.#view(row, access));
  }

  async schedule(lessonSessionId: number, body: ScheduleResearchSession, access: Access): Promise<ResearchSessionView> {
    const lesson = await this.repo.observedLesson(lessonSessionId);
    if (!lesson) throw new ApiError('not_found');
    await this.#authorize(lesson.courseId, access);
    const scheduledAt = instant(body.scheduledAt);
    if (scheduledAt.getTime() < this.now().getTime() - RESEARCH_START_EARLY_MS) throw new ApiError('bad_request');
    const id = await this.repo.insert({ lessonSessionId, title: body.title.trim(), convenerId: access.principal.userId, scheduledAt, durationMinutes: body.durationMinutes });
    return this.#view((await this.repo.find(id))!, access);
  }

  async change(id: number, body: ChangeResearchSession, access: Access): Promise<ResearchSessionView> {
    const row = await this.#convened(id, access);
    if (row.status !== 'scheduled') throw new ApiError('conflict');
    await this.repo.change(id, {
      ...(body.title !== undefined && { title: body.title.trim() }),
      ...(body.scheduledAt !== undefined && { scheduledAt: instant(body.scheduledAt) }),
      ...(body.durationMinutes !== undefined && { durationMinutes: body.durationMinutes }),
    });
    return this.#view((await this.repo.find(id))!, access);
  }

  /** Cancels a session that has not run (one that is live is ended from the meeting itself). */
  async cancel(id: number, access: Access): Promise<void> {
    const row = await this.#convened(id, access);
    if (row.status === 'cancelled') return;
    if (row.status !== 'scheduled') throw new ApiError('conflict');
    await this.repo.change(id, { status: 'cancelled' });
  }

  /**
   * The convener starts the meeting: the observed lesson's course goes live as this meeting. A second start
   * while it runs gives the same meeting.
   * @throws {ApiError} `conflict` outside its time or once cancelled; `lesson_running` during a lesson.
   */
  async start(id: number, access: Access, startMeeting: MeetingStarter): Promise<ResearchSessionStarted> {
    const row = await this.#convened(id, access);
    if (row.status === 'cancelled' || !startable(row, this.now())) throw new ApiError('conflict');
    const lessonSessionId = await startMeeting(row.courseId, row.convenerId, { researchSessionId: row.id, title: row.title, convenerId: row.convenerId });
    if (row.status !== 'live') await this.repo.change(id, { status: 'live' });
    return { courseId: row.courseId, lessonSessionId };
  }

  /** Sessions the caller may join that are live or still to come (the next 30 days), soonest first. */
  async upcoming(access: Access): Promise<ResearchSessionView[]> {
    const now = this.now();
    const rows = await this.repo.upcoming(now, new Date(now.getTime() + UPCOMING_DAYS * 86_400_000), UPCOMING_LIMIT * 5);
    if (rows.length === 0) return [];
    const index = await this.places.index();
    const facts = new Map((await this.places.courses([...new Set(rows.map((r) => r.courseId))], index)).map((c) => [c.id, c]));
    const mine = access.principal.grants.flatMap((g) => index.ofScope(g) ?? []);
    return rows
      .filter((r) => {
        const course = facts.get(r.courseId);
        return course !== undefined && mayMeetAbout(access.principal, course, mine);
      })
      .slice(0, UPCOMING_LIMIT)
      .map((row) => this.#view(row, access));
  }

  /** Who attended the session's meetings and for how long (from the attendance intervals of its live sessions). */
  async attendance(id: number, access: Access): Promise<ResearchAttendance> {
    const row = await this.repo.find(id);
    if (!row) throw new ApiError('not_found');
    await this.#authorize(row.courseId, access);
    const meetings = await this.repo.meetings(id);
    const now = this.now().getTime();
    const members = new Map<number, { userId: number; displayName: string; ms: number }>();
    for (const interval of await this.repo.attendance(id)) {
      const member = members.get(interval.userId) ?? { userId: interval.userId, displayName: interval.displayName, ms: 0 };
      member.ms += Math.max(0, (interval.leftAt?.getTime() ?? now) - interval.joinedAt.getTime());
      members.set(interval.userId, member);
    }
    return {
      meetings: meetings.map((m) => ({ lessonSessionId: m.lessonSessionId, startedAt: m.startedAt.toISOString(), endedAt: m.endedAt?.toISOString() ?? null })),
      members: [...members.values()].map((m) => ({ userId: m.userId, displayName: m.displayName, minutes: Math.round(m.ms / 60_000) })),
    };
  }

  async #authorize(courseId: number, access: Access): Promise<void> {
    const facts = await this.places.course(courseId);
    const places: OrgPlace[] = await this.places.placesOf(access.principal.grants);
    if (!mayMeetAbout(access.principal, facts, places)) throw new ApiError('forbidden');
  }

  /** The session, when the caller convened it (anyone else: `forbidden`, or `not_found` when she may not even see it). */
  async #convened(id: number, access: Access): Promise<ResearchSessionRow> {
    const row = await this.repo.find(id);
    if (!row) throw new ApiError('not_found');
    if (row.convenerId !== access.principal.userId) {
      await this.#authorize(row.courseId, access);
      throw new ApiError('forbidden');
    }
    return row;
  }

  #view(row: ResearchSessionRow, access: Access): ResearchSessionView {
    const mine = row.convenerId === access.principal.userId;
    const joinable = row.status === 'live' || (mine && row.status === 'scheduled' && startable(row, this.now()));
    return {
      id: row.id,
      lessonSessionId: row.lessonSessionId,
      courseId: row.courseId,
      courseName: row.courseName,
      lessonStartedAt: row.lessonStartedAt.toISOString(),
      title: row.title,
      convenerId: row.convenerId,
      convenerName: row.convenerName,
      scheduledAt: row.scheduledAt.toISOString(),
      durationMinutes: row.durationMinutes,
      status: row.status,
      mine,
      joinable,
    };
  }
}

/** From 15 minutes before its time until its planned end. */
function startable(row: ResearchSessionRow, now: Date): boolean {
  const at = row.scheduledAt.getTime();
  return now.getTime() >= at - RESEARCH_START_EARLY_MS && now.getTime() < at + row.durationMinutes * 60_000;
}

function instant(iso: string): Date {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw new ApiError('bad_request');
  return at;
}
