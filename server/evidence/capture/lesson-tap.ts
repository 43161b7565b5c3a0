import type { EventEmitter } from 'node:events';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { LessonMediaEvents } from '../../../media/index.js';
import type { ParticipantKind } from '../../../shared/lesson/model.js';
import type { SITE_KINDS } from '../../db/schema/evidence.js';
import type { LeaveReason, LiveLesson } from '../../lessons/live-lesson.js';
import type { LessonParticipant } from '../../lessons/participant.js';
import type { LessonMediaPort } from '../../lessons/media-port.js';
import type { EvidenceOp, MediaStateKind } from './ops.js';
import type { ParticipationDetail, ParticipationKind } from '../../lessons/features/feature.js';

type SiteKind = (typeof SITE_KINDS)[number];

/** The media events of a lesson (LessonMedia emits them). */
export type MediaEventSource = Pick<EventEmitter<LessonMediaEvents>, 'on'>;

/** What the recorder needs of a running lesson (RunningLesson has it; tests fake it). */
export interface RecordableLesson {
  readonly lesson: LiveLesson;
  readonly media: Pick<LessonMediaPort, 'stats'>;
  watchMedia(watcher: (media: MediaEventSource) => void): void;
}

/**
 * The site an evidence row is about. An assistant teacher joins from her receiving classroom, so her
 * attendance counts for that classroom's site (the headcount she enters belongs to it too).
 */
export const SITE_KIND_OF: Record<ParticipantKind, SiteKind> = {
  lead_teacher: 'host',
  receiving_classroom: 'receiving_classroom',
  assistant_teacher: 'receiving_classroom',
  student: 'student',
  observer: 'observer',
  // A teacher in a teaching-research meeting is no site of a lesson; her attendance is kept by her user id.
  research_member: 'observer',
  // A broadcast (直播) viewer is counted as a live viewer of the lesson, never as one of its sites.
  viewer: 'viewer',
};

/** Media states that follow the participant's own flags (speaking follows the active-speaker events). */
const FLAG_STATES: ReadonlyArray<[MediaStateKind, (p: LessonParticipant) => boolean]> = [
  ['camera_on', (p) => p.media.camera],
  ['mic_on', (p) => p.media.mic],
  ['screen_sharing', (p) => p.media.screen],
  ['on_stage', (p) => p.onStage],
];

interface SiteState {
  readonly participant: LessonParticipant;
  /** When the link dropped, while she is "reconnecting": if she never comes back, she left then. */
  disconnectedAt: Date | null;
  readonly openStates: Set<MediaStateKind>;
  /** consumerId → latest score (0–10) of the streams this site receives. */
  readonly consumerScores: Map<string, number>;
}

/**
 * Turns one live lesson's events into evidence writes: attendance intervals (a reconnect within the grace
 * period continues the interval; a site that never comes back left when its link dropped), media-state
 * intervals, participation events and periodic quality samples. Listeners never throw into the lesson:
 * a failure is logged and the lesson goes on.
 */
export class LessonTap {
  readonly lessonSessionId: number;
  readonly #running: RecordableLesson;
  readonly #write: (op: EvidenceOp) => void;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #sites = new Map<string, SiteState>();
  /** The last headcount entered per receiving classroom: a site that re-joins keeps it. */
  readonly #headcounts = new Map<number, number>();
  #speaker: string | null = null;
  #sampling = false;
  #finished = false;
  /** The lesson went on on another node (released): everything after is that node's to record. */
  #abandoned = false;

  constructor(running: RecordableLesson, write: (op: EvidenceOp) => void, log: Logger, now: () => Date) {
    this.lessonSessionId = running.lesson.lessonSessionId;
    this.#running = running;
    this.#write = write;
    this.#log = log;
    this.#now = now;
    this.#listen(running.lesson);
    running.watchMedia((media) => this.#guard('media-watch', () => this.#listenMedia(media))());
  }

  /** Writes the connected sites' heartbeat: after a crash their intervals close at the last one. */
  heartbeat(): void {
    const participantIds = [...this.#sites.values()].filter((s) => s.disconnectedAt === null).map((s) => s.participant.id);
    if (participantIds.length > 0) this.#write({ op: 'attendance-heartbeat', lessonSessionId: this.lessonSessionId, participantIds, at: this.#at() });
  }

  /** Samples the link quality of every connected site (skipped while the previous sampling still runs). */
  async sampleQuality(): Promise<void> {
    if (this.#sampling || this.#finished) return;
    this.#sampling = true;
    try {
      await Promise.all([...this.#sites.values()].filter((s) => s.disconnectedAt === null).map((site) => this.#sample(site)));
    } finally {
      this.#sampling = false;
    }
  }

  /** The lesson went on on another node: this tap records nothing more, and closes nothing. */
  abandon(): void {
    this.#finished = true;
    this.#abandoned = true;
  }

  /** The lesson ended: anything still open closes now (every site has normally left already). */
  finish(): void {
    if (this.#finished) return;
    const at = this.#at();
    for (const site of [...this.#sites.values()]) this.#leave(site, 'lesson_ended', at);
    this.#finished = true;
  }

  #listen(lesson: LiveLesson): void {
    lesson.on('participant-joined', this.#guard('participant-joined', (p: LessonParticipant, resumed: boolean) => this.#joined(p, resumed)));
    lesson.on('participant-updated', this.#guard('participant-updated', (p: LessonParticipant) => this.#updated(p)));
    lesson.on(
      'participant-left',
      this.#guard('participant-left', (p: LessonParticipant, reason: LeaveReason) => {
        const site = this.#sites.get(p.id);
        // A site whose link had dropped left when it dropped.
        if (site) this.#leave(site, reason, site.disconnectedAt ?? this.#at());
      }),
    );
    // What an in-lesson feature reports: a hand, a stage turn, a chat message (counted, its text never leaves
    // the live lesson), a poll answer (with whether it was right).
    lesson.on(
      'participation',
      this.#guard('participation', (p: LessonParticipant, kind: ParticipationKind, detail: ParticipationDetail | null) => this.#participation(p, kind, detail)),
    );
    lesson.on('headcount', this.#guard('headcount', (p: LessonParticipant, count: number) => this.#headcount(p, count)));
    lesson.on('ended', this.#guard('ended', () => this.finish()));
  }

  #listenMedia(media: MediaEventSource): void {
    // New media (after a worker died) starts with no consumers and no speaker.
    for (const site of this.#sites.values()) site.consumerScores.clear();
    this.#setSpeaker(null, this.#at());
    media.on('active-speaker', this.#guard('active-speaker', ({ participantId }: { participantId: string | null }) => this.#setSpeaker(participantId, this.#at())));
    media.on(
      'consumer-score',
      this.#guard('consumer-score', ({ participantId, consumerId, score }: { participantId: string; consumerId: string; score: number }) =>
        this.#sites.get(participantId)?.consumerScores.set(consumerId, score),
      ),
    );
    media.on(
      'consumer-closed',
      this.#guard('consumer-closed', ({ participantId, consumerId }: { participantId: string; consumerId: string }) =>
        this.#sites.get(participantId)?.consumerScores.delete(consumerId),
      ),
    );
  }

  #joined(participant: LessonParticipant, resumed: boolean): void {
    // A resumed participant continues her open interval.
    if (resumed || this.#sites.has(participant.id) || this.#finished) return;
    const now = this.#at();
    const { identity } = participant;
    const site: SiteState = { participant, disconnectedAt: null, openStates: new Set(), consumerScores: new Map() };
    this.#sites.set(participant.id, site);
    // Back in a lesson re-placed from a node that died: her interval, opened there, goes on.
    if (participant.continued) return this.#updated(participant);
    const headcount = participant.headcount ?? (identity.classroomId === null ? undefined : this.#headcounts.get(identity.classroomId)) ?? null;
    this.#write({
      op: 'attendance-open',
      row: {
        lessonSessionId: this.lessonSessionId,
        participantId: participant.id,
        userId: identity.userId,
        siteKind: SITE_KIND_OF[identity.kind],
        classroomId: identity.classroomId,
        schoolId: identity.schoolId,
        regionId: identity.regionId,
        joinedAt: now,
        headcount,
        lastHeartbeatAt: now,
      },
    });
    this.#syncStates(site, now);
  }

  #updated(participant: LessonParticipant): void {
    const site = this.#sites.get(participant.id);
    if (!site) return;
    const now = this.#at();
    if (participant.connection === 'reconnecting') site.disconnectedAt ??= now;
    else site.disconnectedAt = null;
    this.#syncStates(site, now);
  }

  #leave(site: SiteState, reason: LeaveReason, at: Date): void {
    const { participant } = site;
    if (this.#speaker === participant.id) this.#speaker = null;
    for (const kind of site.openStates) this.#closeState(site, kind, at);
    this.#write({ op: 'attendance-close', lessonSessionId: this.lessonSessionId, participantId: participant.id, leftAt: at, reason });
    this.#sites.delete(participant.id);
  }

  /** Opens and closes camera/mic/screen/stage intervals to match the participant's flags now. */
  #syncStates(site: SiteState, at: Date): void {
    for (const [kind, isOn] of FLAG_STATES) {
      const on = isOn(site.participant);
      if (on && !site.openStates.has(kind)) this.#openState(site, kind, at);
      else if (!on && site.openStates.has(kind)) this.#closeState(site, kind, at);
    }
  }

  #setSpeaker(participantId: string | null, at: Date): void {
    if (participantId === this.#speaker) return;
    const previous = this.#speaker === null ? undefined : this.#sites.get(this.#speaker);
    if (previous?.openStates.has('speaking')) this.#closeState(previous, 'speaking', at);
    const next = participantId === null ? undefined : this.#sites.get(participantId);
    this.#speaker = next ? next.participant.id : null;
    if (next) this.#openState(next, 'speaking', at);
  }

  #openState(site: SiteState, kind: MediaStateKind, at: Date): void {
    const { identity } = site.participant;
    site.openStates.add(kind);
    this.#write({
      op: 'media-open',
      row: {
        lessonSessionId: this.lessonSessionId,
        participantId: site.participant.id,
        userId: identity.userId,
        classroomId: identity.classroomId,
        schoolId: identity.schoolId,
        kind,
        startedAt: at,
      },
    });
  }

  #closeState(site: SiteState, kind: MediaStateKind, at: Date): void {
    site.openStates.delete(kind);
    this.#write({ op: 'media-close', lessonSessionId: this.lessonSessionId, participantId: site.participant.id, kind, endedAt: at });
  }

  #participation(
    participant: LessonParticipant,
    kind: ParticipationKind,
    poll: { pollId: string; correct: boolean | null } | null = null,
  ): void {
    const { identity } = participant;
    this.#write({
      op: 'participation',
      row: {
        lessonSessionId: this.lessonSessionId,
        participantId: participant.id,
        userId: identity.userId,
        classroomId: identity.classroomId,
        schoolId: identity.schoolId,
        regionId: identity.regionId,
        kind,
        occurredAt: this.#at(),
        pollId: poll?.pollId ?? null,
        correct: poll?.correct ?? null,
      },
    });
  }

  #headcount(participant: LessonParticipant, count: number): void {
    if (participant.identity.classroomId !== null) this.#headcounts.set(participant.identity.classroomId, count);
    if (this.#sites.has(participant.id)) {
      this.#write({ op: 'attendance-headcount', lessonSessionId: this.lessonSessionId, participantId: participant.id, headcount: count });
    }
  }

  /**
   * One quality sample of a site from the SFU's view of its transports, from the site's side: what it
   * sent (the SFU received) and what it received (the SFU sent), the mean round trip and loss, and the
   * mean score of the streams it receives.
   */
  async #sample(site: SiteState): Promise<void> {
    const { participant } = site;
    let transports;
    try {
      transports = await this.#running.media.stats(participant.id);
    } catch (error) {
      // A site without transports yet (or whose media just closed) has nothing to measure.
      this.#log.debug({ err: error, participantId: participant.id }, 'no quality sample for this site');
      return;
    }
    if (transports.length === 0 || this.#sites.get(participant.id) !== site || this.#finished) return;
    const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
    const scores = [...site.consumerScores.values()];
    const score = mean(scores);
    this.#write({
      op: 'quality',
      row: {
        lessonSessionId: this.lessonSessionId,
        participantId: participant.id,
        classroomId: participant.identity.classroomId,
        schoolId: participant.identity.schoolId,
        sampledAt: this.#at(),
        rttMs: mean(transports.flatMap((t) => (t.rttMs === undefined ? [] : [t.rttMs]))),
        packetLossPct: mean(transports.flatMap((t) => (t.packetLossPct === undefined ? [] : [t.packetLossPct]))),
        sendBitrate: Math.round(transports.reduce((sum, t) => sum + t.recvBitrate, 0)),
        recvBitrate: Math.round(transports.reduce((sum, t) => sum + t.sendBitrate, 0)),
        consumerScore: score === null ? null : Math.round(score),
      },
    });
  }

  /**
   * The instant of what happens now. Once the lesson has ended, at its end: the sites leaving it and their
   * media closing with it (a speaker going silent as her microphone closes) are stamped with its end.
   */
  #at(): Date {
    return this.#running.lesson.endedAt ?? this.#now();
  }

  #guard<A extends unknown[]>(event: string, listener: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      // Released to another node: what happens to the lesson object here is no evidence.
      if (this.#abandoned) return;
      try {
        listener(...args);
      } catch (error) {
        this.#log.error({ err: error, event, lessonSessionId: this.lessonSessionId }, 'evidence recorder failed on a lesson event');
      }
    };
  }
}
