import { EventEmitter } from 'node:events';
import type { LessonSnapshot, MediaSource, ProducerView, QualityLevel, RemovedSite } from '../../shared/lesson/model.js';
import { ApiError } from '../core/errors.js';
import { LessonParticipant, shownTo, type ParticipantIdentity } from './participant.js';
import type { FeatureHost, OutboundLessonEvent, ParticipationDetail, ParticipationKind } from './features/feature.js';
import { createLessonFeatures, featureList, featureSnapshot, type LessonFeatures } from './features/index.js';

export type LeaveReason = 'left' | 'removed' | 'connection_lost' | 'lesson_ended';

/** What a live lesson tells the gateway (to broadcast) and the evidence recorder (to record). */
export interface LiveLessonEvents {
  'participant-joined': [participant: LessonParticipant, resumed: boolean];
  'participant-updated': [participant: LessonParticipant];
  'participant-left': [participant: LessonParticipant, reason: LeaveReason];
  /** Someone went on or off stage: who may consume whose media has changed. */
  'stage-changed': [participant: LessonParticipant];
  /** A feature sends an event to the lesson's sites (RunningLesson delivers it). */
  outbound: [message: OutboundLessonEvent];
  /** A participant took part, as a feature reports it (the evidence recorder records it). */
  participation: [participant: LessonParticipant, kind: ParticipationKind, detail: ParticipationDetail | null];
  /** A receiving classroom (or its assistant teacher) told how many students are in the room. */
  headcount: [participant: LessonParticipant, count: number];
  locked: [locked: boolean];
  /** The list of removed sites changed (a removal, or the teacher let one in again). */
  'removed-changed': [removed: RemovedSite[]];
  ended: [endedAt: Date];
}

export interface LiveLessonOptions {
  lessonSessionId: number;
  courseId: number;
  courseName: string;
  startedAt: Date;
  /** How long a dropped participant stays "reconnecting" before she has left. */
  reconnectGraceMs: number;
  /** Set when this live session is a teaching-research meeting (协同教研), not a lesson. */
  research?: ResearchMeeting | null;
  /** The lead teacher started it as a broadcast (直播): receive-only viewers may join it. */
  broadcast?: boolean;
  /**
   * The sites that were in the lesson when the node that ran it died (it has been re-placed here): each
   * account coming back within the reconnect grace is the same participant again.
   */
  returning?: ReadonlyArray<{ participantId: string; userId: number }>;
}

/** The teaching-research session a live session holds (research_sessions row). */
export interface ResearchMeeting {
  researchSessionId: number;
  title: string;
  /** Who convened it: she chairs it (joins as the lead teacher). */
  convenerId: number;
}

/**
 * The core of one live lesson — who is in it, their media flags, the lock, removals — hosting the in-lesson
 * features (hands, stage, chat, polls … in ./features/). It knows nothing of sockets or media: it decides and
 * emits; RunningLesson delivers to the sites and the media layer follows.
 */
export class LiveLesson extends EventEmitter<LiveLessonEvents> {
  readonly #participants = new Map<string, LessonParticipant>();
  /** Accounts the lead teacher removed (by user id): refused for the rest of the lesson unless readmitted. */
  readonly #removed = new Map<number, RemovedSite>();
  /**
   * Accounts whose microphone the lead teacher muted and that have not unmuted it themselves since. Kept
   * per account, not per participant, so that a reload or a rejoin after the grace period stays muted.
   */
  readonly #mutedByTeacher = new Set<number>();
  #locked = false;
  #ended = false;
  #endedAt: Date | null = null;
  /** The in-lesson features (./features/index.ts), each with its own state and rules. */
  readonly features: LessonFeatures;

  /** userId → the participant id she had before the lesson was re-placed here, until she is back. */
  readonly #returning: Map<number, string>;

  constructor(readonly options: LiveLessonOptions) {
    super();
    this.#returning = new Map((options.returning ?? []).map((r) => [r.userId, r.participantId]));
    this.features = createLessonFeatures(this.#featureHost());
  }

  get lessonSessionId(): number {
    return this.options.lessonSessionId;
  }
  get courseId(): number {
    return this.options.courseId;
  }
  get ended(): boolean {
    return this.#ended;
  }
  /** When the lesson ended (set before the sites leave, so that their leaving is stamped with it). */
  get endedAt(): Date | null {
    return this.#endedAt;
  }
  /** The teaching-research meeting this live session is, or null for a lesson. */
  get research(): ResearchMeeting | null {
    return this.options.research ?? null;
  }
  get locked(): boolean {
    return this.#locked;
  }
  /** Broadcast (直播): besides its sites, viewers of the host's region may watch it. */
  get broadcast(): boolean {
    return this.options.broadcast ?? false;
  }
  get participants(): LessonParticipant[] {
    return [...this.#participants.values()];
  }

  /** The participant with this id, if she is in the lesson now. */
  find(id: string): LessonParticipant | undefined {
    return this.#participants.get(id);
  }

  /** Whether this participant (this one, not a later one of the same account) is in the lesson now. */
  includes(participant: LessonParticipant): boolean {
    return this.#participants.get(participant.id) === participant;
  }

  participant(id: string): LessonParticipant {
    const participant = this.#participants.get(id);
    if (!participant) throw new ApiError('not_found');
    return participant;
  }

  /**
   * Joins a site. The same account joining again (a reconnect, a reload, a second tab) takes over its
   * existing participant instead of adding a duplicate. A locked lesson admits only the lead teacher and
   * sites already in it.
   */
  join(identity: ParticipantIdentity): { participant: LessonParticipant; resumed: boolean } {
    if (this.#ended) throw new ApiError('not_found');
    if (this.#removed.has(identity.userId)) throw new ApiError('removed_from_lesson');
    const existing = this.participants.find((p) => p.identity.userId === identity.userId);
    if (existing) {
      if (existing.graceTimer) clearTimeout(existing.graceTimer);
      existing.graceTimer = null;
      existing.connection = 'connected';
      this.emit('participant-updated', existing);
      return { participant: existing, resumed: true };
    }
    if (identity.kind === 'viewer' && !this.broadcast) throw new ApiError('not_broadcast');
    if (this.#locked && identity.kind !== 'lead_teacher') throw new ApiError('lesson_locked');
    const participant = new LessonParticipant(identity, this.#returning.get(identity.userId));
    this.#returning.delete(identity.userId);
    // In a teaching-research meeting every member is seen and heard by everyone from the start.
    if (identity.kind === 'research_member') participant.onStage = true;
    this.#participants.set(participant.id, participant);
    this.emit('participant-joined', participant, false);
    for (const feature of featureList(this.features)) feature.participantJoined?.(participant);
    return { participant, resumed: false };
  }

  /** The sites that were in the lesson before it was re-placed and have not come back: they will not now. */
  giveUpReturning(): string[] {
    const gone = [...this.#returning.values()];
    this.#returning.clear();
    return gone;
  }

  /**
   * Several nodes: the lesson goes on on another node. Here it takes no one in and lets no one go: nobody
   * leaves it (their attendance goes on there), no grace period runs out.
   */
  release(): void {
    this.#ended = true;
    for (const participant of this.participants) {
      if (participant.graceTimer) clearTimeout(participant.graceTimer);
      participant.graceTimer = null;
    }
  }

  /** The link dropped: keep the participant as "reconnecting" for the grace period, then she has left. */
  disconnected(participantId: string): void {
    const participant = this.#participants.get(participantId);
    if (!participant || participant.connection === 'reconnecting' || this.#ended) return;
    participant.connection = 'reconnecting';
    participant.graceTimer = setTimeout(() => this.leave(participantId, 'connection_lost'), this.options.reconnectGraceMs);
    participant.graceTimer.unref();
    this.emit('participant-updated', participant);
  }

  leave(participantId: string, reason: LeaveReason, barred = reason === 'removed', now = new Date()): void {
    const participant = this.#participants.get(participantId);
    if (!participant) return;
    if (participant.graceTimer) clearTimeout(participant.graceTimer);
    this.#participants.delete(participantId);
    for (const feature of featureList(this.features)) feature.participantLeft?.(participant, reason);
    this.emit('participant-left', participant, reason);
    // A site the teacher removed stays out for the rest of the lesson, unless she lets it in again.
    if (barred) {
      const { userId, displayName, kind, schoolName } = participant.identity;
      this.#removed.set(userId, { userId, displayName, kind, schoolName, removedAt: now.toISOString() });
      this.emit('removed-changed', this.removed);
    }
  }

  /** Sites removed from this lesson, in the order they were removed. */
  get removed(): RemovedSite[] {
    return [...this.#removed.values()];
  }

  /** Lead teacher: a removed site may join again (a removal by mistake, or the class has settled). */
  readmit(userId: number): void {
    if (!this.#removed.delete(userId)) throw new ApiError('not_found');
    this.emit('removed-changed', this.removed);
  }

  /** The lead teacher muted this participant's microphone: it stays muted across reloads until she unmutes. */
  mutedByTeacher(participantId: string): void {
    this.#mutedByTeacher.add(this.participant(participantId).identity.userId);
  }

  /** The site turned its microphone on itself: the teacher's mute no longer holds it. */
  unmutedBySelf(participantId: string): void {
    this.#mutedByTeacher.delete(this.participant(participantId).identity.userId);
  }

  isMutedByTeacher(participant: LessonParticipant): boolean {
    return this.#mutedByTeacher.has(participant.identity.userId);
  }

  setMedia(participantId: string, source: MediaSource, on: boolean): void {
    const participant = this.participant(participantId);
    if (participant.media[source] === on) return;
    participant.media[source] = on;
    this.emit('participant-updated', participant);
  }

  setQuality(participantId: string, quality: QualityLevel): void {
    const participant = this.participant(participantId);
    if (participant.quality === quality) return;
    participant.quality = quality;
    this.emit('participant-updated', participant);
  }

  setAudioOnly(participantId: string, audioOnly: boolean): void {
    const participant = this.participant(participantId);
    participant.audioOnly = audioOnly;
    this.emit('participant-updated', participant);
  }

  setHeadcount(participantId: string, count: number): void {
    const participant = this.participant(participantId);
    if (participant.kind !== 'receiving_classroom' && participant.kind !== 'assistant_teacher') throw new ApiError('forbidden');
    participant.headcount = count;
    this.emit('headcount', participant, count);
    this.emit('participant-updated', participant);
  }

  setLocked(locked: boolean): void {
    this.#locked = locked;
    this.emit('locked', locked);
  }

  /** Ends the lesson for everyone; safe to call twice. */
  end(now = new Date()): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#endedAt = now;
    for (const participant of this.participants) this.leave(participant.id, 'lesson_ended');
    for (const feature of featureList(this.features)) feature.end?.();
    this.emit('ended', now);
  }

  /** The whole lesson as one participant sees it. */
  snapshotFor(viewer: LessonParticipant, producers: ProducerView[]): LessonSnapshot {
    return {
      lessonSessionId: this.options.lessonSessionId,
      courseId: this.options.courseId,
      courseName: this.options.courseName,
      startedAt: this.options.startedAt.toISOString(),
      researchSessionId: this.research?.researchSessionId ?? null,
      researchTitle: this.research?.title ?? null,
      locked: this.#locked,
      participants: this.participants.filter((p) => shownTo(viewer, p)).map((p) => p.view()),
      producers,
      ...featureSnapshot(this.features, viewer),
      removed: viewer.isLeadTeacher ? this.removed : [],
      mutedByTeacher: this.isMutedByTeacher(viewer),
    };
  }

  /** What the features may use of this lesson: its participants, the way out to the sites, the evidence. */
  #featureHost(): FeatureHost {
    return {
      lesson: this,
      broadcast: (event, payload) => void this.emit('outbound', { to: null, event, payload } as OutboundLessonEvent),
      toFollowers: (event, payload) => void this.emit('outbound', { to: { part: 'followers' }, event, payload } as OutboundLessonEvent),
      toSite: (participantId, event, payload) => void this.emit('outbound', { to: participantId, event, payload } as OutboundLessonEvent),
      participation: (participant, kind, detail = null) => void this.emit('participation', participant, kind, detail),
      participantChanged: (participant) => void this.emit('participant-updated', participant),
      stageChanged: (participant) => void this.emit('stage-changed', participant),
    };
  }
}
