import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { LiveLesson, type ResearchMeeting } from './live-lesson.js';
import { ApiError } from '../core/errors.js';
import { RunningLesson } from './running-lesson.js';
import type { LessonsRepository, OpenLessonSession } from './repository.js';
import type { LessonMediaFactory } from './media-port.js';
import type { LessonEndReason } from '../db/schema/teaching.js';
import { LessonActivity, type LessonTimeoutOptions } from './lesson-timeouts.js';
import type { LessonAudienceFactory } from './audience.js';

/**
 * How often a live lesson records that it is alive. With the evidence flushed every second and sites'
 * quality sampled every 5 s, a crash loses at most a few seconds of a lesson (see closeAbandonedSessions).
 */
const HEARTBEAT_MS = 5_000;
/** With several nodes: a lesson another node took over runs here at most this long besides. */
const SHARED_HEARTBEAT_MS = 2_000;
/** Timeouts are checked this often at most (sooner when they are configured shorter, as in tests). */
const TIMEOUT_CHECK_MS = 15_000;

export interface LessonRegistryOptions extends LessonTimeoutOptions {
  reconnectGraceMs: number;
  /** This process's node id (config `nodeId`): recorded on its lesson sessions, whose recovery is its own. */
  nodeId: string;
  /** How long a lesson whose media worker died waits for media on a live worker before it is ended. */
  mediaRebuildMs: number;
  /** Several nodes share the store: a course's one live session is decided by it, not by this registry alone. */
  shared?: boolean;
  /** Where each lesson's lesson-wide events go (the gateway's rooms; default: each site's channel in turn). */
  audienceFor?: LessonAudienceFactory;
}

export interface LiveLessonSummary {
  courseId: number;
  lessonSessionId: number;
  startedAt: string;
  /** Set when the live session is a teaching-research meeting (协同教研), not a lesson. */
  researchSessionId: number | null;
  /** Started as a broadcast (直播): the region's students and classrooms may watch it. */
  broadcast: boolean;
  courseName: string;
}

/** What the registry tells observers of every lesson (the evidence recorder). */
/** The longest a lesson's end waits for work registered with `beforeEnd` (ms). */
export const BEFORE_END_WAIT_MS = 5_000;

export interface LessonRegistryEvents {
  /** A lesson is live; emitted before anyone can join it, so an observer sees every participant. */
  'lesson-started': [running: RunningLesson];
  /** A lesson has ended and its end is recorded (after every participant has left). */
  'lesson-ended': [lessonSessionId: number, endedAt: Date];
  /** Several nodes: the lesson runs here no more, and goes on on another node (nothing of it ended). */
  'lesson-released': [lessonSessionId: number];
}

/**
 * The lessons live in this process, one per course. Starting records a lesson session; a heartbeat keeps
 * its last-seen time so that a crash can be closed at the right moment on the next start. A lesson nobody
 * ends times out (no lead teacher for a while, or long past its timetabled end) and is recorded as
 * `timed_out`, ending at its last real activity rather than at the moment the timeout noticed it.
 */
export class LessonRegistry extends EventEmitter<LessonRegistryEvents> {
  readonly #running = new Map<number, RunningLesson>();
  readonly #starting = new Map<number, Promise<RunningLesson>>();
  readonly #adopting = new Map<number, Promise<RunningLesson | null>>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #timeoutCheck: NodeJS.Timeout;
  /** courseId → what its live lesson did lately. */
  readonly #activity = new Map<number, LessonActivity>();
  /** Lesson sessions an earlier run of this node left open, closed when this registry was made (their roll-ups are stale). */
  readonly recoveredSessionIds: readonly number[];
  #closing: Promise<void> | null = null;
  /** Work that must finish while an ending lesson's media still flows (see beforeEnd). */
  readonly #beforeEnd: Array<(lessonSessionId: number) => Promise<void>> = [];

  /**
   * The registry of node `options.nodeId`, after closing what an earlier run of this node left open — its
   * lesson sessions and their evidence intervals. Other nodes' sessions on the same store are their live
   * lessons and are left alone.
   */
  static async create(repo: LessonsRepository, media: LessonMediaFactory, options: LessonRegistryOptions, log: Logger): Promise<LessonRegistry> {
    const closed = await repo.closeAbandonedSessions(options.nodeId);
    if (closed.length > 0) log.warn({ closed, nodeId: options.nodeId }, 'closed lesson sessions left open by an earlier run');
    const evidence = await repo.closeAbandonedEvidence(options.nodeId);
    if (evidence.attendance + evidence.mediaStates > 0) log.warn(evidence, 'closed attendance and media-state intervals left open by an earlier run');
    return new LessonRegistry(repo, media, options, log, closed);
  }

  private constructor(
    private readonly repo: LessonsRepository,
    private readonly media: LessonMediaFactory,
    private readonly options: LessonRegistryOptions,
    private readonly log: Logger,
    recoveredSessionIds: readonly number[],
  ) {
    super();
    this.recoveredSessionIds = recoveredSessionIds;
    // Several nodes: the heartbeat also tells a node that another took one of its lessons over (see #beat).
    this.#heartbeat = setInterval(() => void this.#beat(), options.shared ? SHARED_HEARTBEAT_MS : HEARTBEAT_MS);
    this.#heartbeat.unref();
    const checkEvery = Math.max(50, Math.min(TIMEOUT_CHECK_MS, options.noLeadTeacherMs / 4, options.overrunGraceMs / 4));
    this.#timeoutCheck = setInterval(() => this.#endTimedOut(), checkEvery);
    this.#timeoutCheck.unref();
  }

  live(courseId: number): RunningLesson | undefined {
    return this.#running.get(courseId);
  }

  summaries(): LiveLessonSummary[] {
    return [...this.#running.values()].map((r) => ({
      courseId: r.lesson.courseId,
      lessonSessionId: r.lesson.lessonSessionId,
      startedAt: r.lesson.options.startedAt.toISOString(),
      researchSessionId: r.lesson.research?.researchSessionId ?? null,
      broadcast: r.lesson.broadcast,
      courseName: r.lesson.options.courseName,
    }));
  }

  /**
   * Starts the course's lesson, or returns the one already running (a second click is harmless). With
   * `research`, the live session is that teaching-research meeting (协同教研) on the course instead. One
   * live session per course: a lesson does not start while a meeting runs, nor a meeting during a lesson.
   * @throws {ApiError} `research_session_running` / `lesson_running` when the other kind is live.
   */
  async start(
    courseId: number,
    startedBy: number,
    scheduledLessonId: number | null,
    now = new Date(),
    research: ResearchMeeting | null = null,
    { broadcast = false }: { broadcast?: boolean } = {},
  ): Promise<RunningLesson> {
    const same = (live: RunningLesson) => {
      const meeting = live.lesson.research;
      if (meeting?.researchSessionId === research?.researchSessionId) return live;
      throw new ApiError(meeting ? 'research_session_running' : 'lesson_running');
    };
    const running = this.#running.get(courseId);
    if (running) return same(running);
    const pending = this.#starting.get(courseId);
    if (pending) return same(await pending);
    const starting = (async () => {
      const course = await this.repo.courseForLesson(courseId);
      // Read before the lesson is live: between going live and 'lesson-started' nothing may wait.
      const scheduledEnd = scheduledLessonId === null ? null : await this.repo.scheduledEnd(scheduledLessonId);
      // A teaching-research meeting is for its members: never broadcast.
      const asBroadcast = broadcast && !research;
      const lessonSessionId = await this.#recordStart(courseId, startedBy, scheduledLessonId, now, research?.researchSessionId ?? null, asBroadcast);
      const lesson = new LiveLesson({ lessonSessionId, courseId, courseName: course.name, startedAt: now, reconnectGraceMs: this.options.reconnectGraceMs, research, broadcast: asBroadcast });
      try {
        const runningLesson = await this.#launch(lesson, scheduledEnd);
        this.log.info({ lessonSessionId, courseId, startedBy, researchSessionId: research?.researchSessionId, broadcast: lesson.broadcast }, research ? 'teaching-research meeting started' : 'lesson started');
        this.emit('lesson-started', runningLesson);
        return runningLesson;
      } catch (error) {
        await this.repo.endSession(lessonSessionId, null, 'server_restart', new Date());
        throw error;
      }
    })();
    this.#starting.set(courseId, starting);
    try {
      return await starting;
    } finally {
      this.#starting.delete(courseId);
    }
  }

  /**
   * Several nodes: one live session per course for all of them (the store decides); a lesson another node
   * runs is `lesson_elsewhere`, and the page goes there. One process: the registry alone decides.
   */
  async #recordStart(courseId: number, startedBy: number, scheduledLessonId: number | null, now: Date, researchSessionId: number | null, broadcast: boolean): Promise<number> {
    if (!this.options.shared) return this.repo.startSession(courseId, startedBy, scheduledLessonId, now, this.options.nodeId, researchSessionId, broadcast);
    const started = await this.repo.startSessionAlone(courseId, startedBy, scheduledLessonId, now, this.options.nodeId, researchSessionId, broadcast);
    if ('lessonSessionId' in started) return started.lessonSessionId;
    throw started.runningOn ? new ApiError('lesson_elsewhere', { node: started.runningOn }) : new ApiError('lesson_running');
  }

  /** Gives a recorded live session its media and makes it live here (before anyone can join it). */
  async #launch(lesson: LiveLesson, scheduledEnd: Date | null): Promise<RunningLesson> {
    const { courseId, lessonSessionId } = lesson;
    const runningLesson = await RunningLesson.create(lesson, this.media, this.log.child({ lessonSessionId, courseId }), {
      audience: this.options.audienceFor?.(lessonSessionId),
      recovery: {
        rebuildWithinMs: this.options.mediaRebuildMs,
        onMediaFailed: () => {
          if (this.#running.get(courseId) === runningLesson) this.#endLogged(courseId, null, 'media_failed');
        },
      },
    });
    this.#running.set(courseId, runningLesson);
    this.#activity.set(courseId, new LessonActivity(runningLesson, scheduledEnd, () => new Date()));
    return runningLesson;
  }

  /**
   * Several nodes: runs here a live lesson whose node died (re-placing it). Only the node whose take-over the
   * store accepts runs it. The sites that were in it come back as the same participants with their
   * attendance going on; those not back within the reconnect grace left at their last heartbeat. The media
   * starts anew: the dead node's media-state intervals end at its last sign. A teaching-research meeting is
   * not re-placed: it is closed as a restart would close it. Null when another node took it first.
   */
  adopt(session: OpenLessonSession, now = new Date()): Promise<RunningLesson | null> {
    const live = this.#running.get(session.courseId);
    if (live) return Promise.resolve(live.lesson.lessonSessionId === session.id ? live : null);
    // The re-placing watcher and a site's join may both find it: one take-over, both wait for it.
    const adopting = this.#adopting.get(session.courseId) ?? this.#adopt(session, now).finally(() => this.#adopting.delete(session.courseId));
    this.#adopting.set(session.courseId, adopting);
    return adopting;
  }

  async #adopt(session: OpenLessonSession, now: Date): Promise<RunningLesson | null> {
    const { courseId, id: lessonSessionId } = session;
    if (!(await this.repo.takeOver(lessonSessionId, session.nodeId, this.options.nodeId, now))) return null;
    const log = this.log.child({ lessonSessionId, courseId, from: session.nodeId });
    if (session.researchSessionId !== null) {
      await this.repo.endSession(lessonSessionId, null, 'server_restart', session.lastHeartbeatAt);
      log.warn('teaching-research meeting of a dead node closed');
      return null;
    }
    await this.repo.closeMediaStates(lessonSessionId, session.lastHeartbeatAt);
    const returning = (await this.repo.openAttendance(lessonSessionId)).flatMap((r) => (r.userId === null ? [] : [{ participantId: r.participantId, userId: r.userId }]));
    const course = await this.repo.courseForLesson(courseId);
    const scheduledEnd = session.scheduledLessonId === null ? null : await this.repo.scheduledEnd(session.scheduledLessonId);
    const lesson = new LiveLesson({ lessonSessionId, courseId, courseName: course.name, startedAt: session.startedAt, reconnectGraceMs: this.options.reconnectGraceMs, returning, broadcast: session.broadcast });
    let runningLesson: RunningLesson;
    try {
      runningLesson = await this.#launch(lesson, scheduledEnd);
    } catch (error) {
      await this.repo.endSession(lessonSessionId, null, 'server_restart', session.lastHeartbeatAt);
      throw error;
    }
    log.warn({ returning: returning.length }, 'lesson re-placed here: its node died');
    this.emit('lesson-started', runningLesson);
    const giveUp = setTimeout(() => {
      const gone = lesson.giveUpReturning();
      this.repo.closeAttendanceOf(lessonSessionId, gone).catch((error: unknown) => log.error({ err: error, gone }, 'closing the attendance of sites that did not come back failed'));
    }, this.options.reconnectGraceMs);
    giveUp.unref();
    return runningLesson;
  }

  /**
   * Ends the course's lesson for everyone and records the end. The lesson leaves the registry at once, so a
   * second call (the teacher's end racing a timeout) finds nothing and the end is recorded once.
   */
  async end(courseId: number, endedBy: number | null, reason: LessonEndReason, now = new Date()): Promise<void> {
    const running = this.#running.get(courseId);
    if (!running) return;
    this.#running.delete(courseId);
    this.#activity.delete(courseId);
    await this.#finishBeforeEnd(running.lesson.lessonSessionId);
    running.end(now, reason);
    await this.repo.endSession(running.lesson.lessonSessionId, endedBy, reason, now);
    this.log.info({ lessonSessionId: running.lesson.lessonSessionId, courseId, reason }, 'lesson ended');
    this.emit('lesson-ended', running.lesson.lessonSessionId, now);
  }

  /**
   * Registers work to finish before a lesson's media closes when it ends — a recording finishing its files
   * while packets still flow (FFmpeg only notices a stop between packets). Each waits at most
   * BEFORE_END_WAIT_MS, so a stuck one never holds the end of a lesson.
   */
  beforeEnd(hook: (lessonSessionId: number) => Promise<void>): void {
    this.#beforeEnd.push(hook);
  }

  async #finishBeforeEnd(lessonSessionId: number): Promise<void> {
    await Promise.all(
      this.#beforeEnd.map((hook) => {
        let timer: NodeJS.Timeout | undefined;
        const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, BEFORE_END_WAIT_MS)));
        const work = hook(lessonSessionId).catch((error: unknown) => this.log.error({ err: error, lessonSessionId }, 'work before the end of a lesson failed'));
        return Promise.race([work, waited]).finally(() => clearTimeout(timer));
      }),
    );
  }

  /**
   * Several nodes: lets every lesson here go on on other nodes (a graceful stop, or this node lost its lease):
   * recordings finish their files as at an end, the evidence written so far stays, the sites' connections
   * drop so that their pages reconnect to the node that takes the lesson over. Nothing is recorded as ended.
   */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.#running.keys()].map((courseId) => this.#release(courseId)));
  }

  async #release(courseId: number): Promise<void> {
    const running = this.#running.get(courseId);
    if (!running) return;
    this.#running.delete(courseId);
    this.#activity.delete(courseId);
    const { lessonSessionId } = running.lesson;
    await this.#finishBeforeEnd(lessonSessionId);
    this.emit('lesson-released', lessonSessionId);
    running.release();
    this.log.warn({ lessonSessionId, courseId }, 'lesson released: it goes on on another node');
  }

  /** Graceful shutdown: every live lesson ends now, recorded as a server restart. Resolves when all are recorded (every caller waits for the same). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#heartbeat);
      clearInterval(this.#timeoutCheck);
      await Promise.all([...this.#running.keys()].map((courseId) => this.end(courseId, null, 'server_restart')));
    })();
    return this.#closing;
  }

  /** Ends a lesson from a timer or a media event, where nobody waits for the answer: a failure is logged. */
  #endLogged(courseId: number, endedBy: number | null, reason: LessonEndReason, now = new Date()): void {
    this.end(courseId, endedBy, reason, now).catch((error: unknown) => this.log.error({ err: error, courseId, reason }, 'ending a lesson failed'));
  }

  #endTimedOut(): void {
    for (const [courseId, running] of this.#running) {
      const activity = this.#activity.get(courseId);
      if (!activity?.timedOut(running, this.options)) continue;
      this.log.warn({ lessonSessionId: running.lesson.lessonSessionId, courseId, lastActivityAt: activity.lastActivityAt }, 'lesson timed out');
      this.#endLogged(courseId, null, 'timed_out', activity.lastActivityAt);
    }
  }

  async #beat(): Promise<void> {
    try {
      const running = [...this.#running.values()];
      if (!this.options.shared) return await this.repo.heartbeat(running.map((r) => r.lesson.lessonSessionId), new Date());
      // Several nodes: a lesson another node has taken over (this one was cut off from the others long enough
      // to be counted dead) must not run here as well: the store says whose it is, and this node lets it go.
      const owned = new Set(await this.repo.heartbeatOwned(running.map((r) => r.lesson.lessonSessionId), this.options.nodeId, new Date()));
      for (const r of running) {
        if (owned.has(r.lesson.lessonSessionId) || this.#running.get(r.lesson.courseId) !== r) continue;
        this.log.error({ lessonSessionId: r.lesson.lessonSessionId }, 'another node took this lesson over: letting it go here');
        await this.#release(r.lesson.courseId);
      }
    } catch (error) {
      this.log.error({ err: error }, 'lesson heartbeat failed');
    }
  }
}
