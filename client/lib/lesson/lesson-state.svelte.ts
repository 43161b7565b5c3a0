import type { LessonSnapshot, MediaSource, ParticipantView, ProducerView, RemovedSite } from '../../../shared/lesson/model.js';
import type { LessonEventPayload } from '../../../shared/lesson/protocol.js';
import type { ReceivedTrack } from './media-session.js';
import { ChatManager } from './features/chat.svelte.js';
import type { FeatureClientHost } from './features/feature-client.js';
import { HandsManager } from './features/hands.svelte.js';
import { RecordingManager } from './features/recording.svelte.js';
import { PollsManager } from './features/polls.svelte.js';
import { ObservingManager } from './features/observing.svelte.js';
import { BroadcastManager } from './features/broadcast.svelte.js';

/** Where the page is: device check, waiting for the teacher, in the lesson, or out of it for a reason. */
export type LessonPhase = 'prejoin' | 'waiting' | 'joining' | 'live' | 'ended' | 'removed' | 'replaced' | 'refused';

/** The link to the server while in the lesson. */
export type LinkState = 'connected' | 'reconnecting';

/** A consumed track with the stream an element plays. */
export interface RemoteMedia extends ReceivedTrack {
  stream: MediaStream;
}

export type MediaAdvice = LessonEventPayload<'media:advice'>['advice'];

interface LessonMeta {
  lessonSessionId: number;
  courseId: number;
  courseName: string;
  startedAt: string;
  researchSessionId: number | null;
  researchTitle: string | null;
}

/**
 * The live lesson as this site knows it: who is in it, what they send and what we receive, the lock, who is
 * speaking, and where this page stands; the in-lesson features (hands, chat, polls) are managers of their own
 * (./features/). Replaced whole from a join snapshot and kept current by the server's events; the lesson
 * session is the only writer.
 */
export class LessonState {
  #phase = $state<LessonPhase>('prejoin');
  #link = $state<LinkState>('connected');
  #refusal = $state<string | null>(null);
  #meta = $state.raw<LessonMeta | null>(null);
  #myId = $state<string | null>(null);
  #participants = $state.raw<ParticipantView[]>([]);
  #producers = $state.raw<ProducerView[]>([]);
  #media = $state.raw<RemoteMedia[]>([]);
  #removed = $state.raw<RemovedSite[]>([]);
  #locked = $state(false);
  #speakerId = $state<string | null>(null);
  #advice = $state<MediaAdvice | null>(null);
  readonly hands: HandsManager;
  readonly chat: ChatManager;
  readonly polls: PollsManager;
  readonly recording: RecordingManager;
  readonly observing: ObservingManager;
  /** Whether the lesson is broadcast (直播), and how many watch it (lead teacher and observers). */
  readonly broadcast = new BroadcastManager();

  constructor(host: FeatureClientHost) {
    this.hands = new HandsManager(host);
    this.chat = new ChatManager(host);
    this.polls = new PollsManager(host, () => this.me?.kind === 'lead_teacher');
    this.recording = new RecordingManager(host, () => this.me?.kind === 'lead_teacher');
    this.observing = new ObservingManager(host);
  }

  get phase(): LessonPhase {
    return this.#phase;
  }
  get link(): LinkState {
    return this.#link;
  }
  /** Why joining was refused (the server's words). */
  get refusal(): string | null {
    return this.#refusal;
  }
  get courseName(): string | null {
    return this.#meta?.courseName ?? null;
  }
  get startedAt(): string | null {
    return this.#meta?.startedAt ?? null;
  }
  /** Set when this live session is a teaching-research meeting (协同教研) rather than a lesson. */
  get researchSessionId(): number | null {
    return this.#meta?.researchSessionId ?? null;
  }
  get researchTitle(): string | null {
    return this.#meta?.researchTitle ?? null;
  }
  /** The session that this page is (or was) in: the lesson report is found by it. */
  get lessonSessionId(): number | null {
    return this.#meta?.lessonSessionId ?? null;
  }
  /** Sites the lead teacher removed (only she is told). */
  get removed(): RemovedSite[] {
    return this.#removed;
  }
  get myId(): string | null {
    return this.#myId;
  }
  get me(): ParticipantView | null {
    return this.#participants.find((p) => p.id === this.#myId) ?? null;
  }
  get participants(): ParticipantView[] {
    return this.#participants;
  }
  get lead(): ParticipantView | null {
    return this.#participants.find((p) => p.kind === 'lead_teacher') ?? null;
  }
  /** Everyone but the lead teacher, in the order they joined. */
  get sites(): ParticipantView[] {
    return this.#participants.filter((p) => p.kind !== 'lead_teacher');
  }
  get onStage(): ParticipantView[] {
    return this.#participants.filter((p) => p.onStage);
  }
  get producers(): ProducerView[] {
    return this.#producers;
  }
  get media(): RemoteMedia[] {
    return this.#media;
  }
  get locked(): boolean {
    return this.#locked;
  }
  get speakerId(): string | null {
    return this.#speakerId;
  }
  get advice(): MediaAdvice | null {
    return this.#advice;
  }

  participant(id: string): ParticipantView | null {
    return this.#participants.find((p) => p.id === id) ?? null;
  }

  /** The track we receive of someone's camera, mic or screen. */
  mediaOf(participantId: string, source: MediaSource): RemoteMedia | null {
    return this.#media.find((m) => m.participantId === participantId && m.source === source) ?? null;
  }

  producerOf(participantId: string, source: MediaSource): ProducerView | null {
    return this.#producers.find((p) => p.participantId === participantId && p.source === source) ?? null;
  }

  hasProducer(producerId: string): boolean {
    return this.#producers.some((p) => p.id === producerId);
  }

  /** The lead teacher's screen share, or an on-stage site's. */
  get screenShare(): RemoteMedia | null {
    return this.#media.find((m) => m.source === 'screen') ?? null;
  }

  // ---- writes (by the lesson session) ----

  setPhase(phase: LessonPhase, refusal: string | null = null): void {
    this.#phase = phase;
    this.#refusal = refusal;
  }

  setLink(link: LinkState): void {
    this.#link = link;
  }

  applySnapshot(snapshot: LessonSnapshot, myId: string): void {
    const { lessonSessionId, courseId, courseName, startedAt, researchSessionId, researchTitle } = snapshot;
    this.#meta = { lessonSessionId, courseId, courseName, startedAt, researchSessionId, researchTitle };
    this.#myId = myId;
    this.#participants = snapshot.participants;
    this.#producers = snapshot.producers;
    this.#removed = snapshot.removed;
    this.#locked = snapshot.locked;
    this.hands.fromSnapshot(snapshot.participants);
    this.chat.fromSnapshot(snapshot);
    this.polls.fromSnapshot(snapshot);
    this.recording.fromSnapshot(snapshot);
    this.observing.fromSnapshot(snapshot);
    this.broadcast.fromSnapshot(snapshot);
  }

  setRemoved(removed: RemovedSite[]): void {
    this.#removed = removed;
  }

  upsertParticipant(participant: ParticipantView): void {
    const known = this.#participants.some((p) => p.id === participant.id);
    this.#participants = known ? this.#participants.map((p) => (p.id === participant.id ? participant : p)) : [...this.#participants, participant];
  }

  removeParticipant(participantId: string): void {
    this.#participants = this.#participants.filter((p) => p.id !== participantId);
    this.#producers = this.#producers.filter((p) => p.participantId !== participantId);
    if (this.#speakerId === participantId) this.#speakerId = null;
  }

  addProducer(producer: ProducerView): void {
    this.#producers = [...this.#producers.filter((p) => p.id !== producer.id), producer];
  }

  removeProducer(producerId: string): void {
    this.#producers = this.#producers.filter((p) => p.id !== producerId);
  }

  setProducerPaused(producerId: string, paused: boolean): void {
    this.#producers = this.#producers.map((p) => (p.id === producerId ? { ...p, paused } : p));
  }

  addMedia(media: RemoteMedia): void {
    this.#media = [...this.#media.filter((m) => m.consumerId !== media.consumerId), media];
  }

  /** Forgets a received track (and stops it); returns it when there was one. */
  removeMedia(consumerId: string): RemoteMedia | null {
    const gone = this.#media.find((m) => m.consumerId === consumerId) ?? null;
    if (gone) {
      gone.track.stop();
      this.#media = this.#media.filter((m) => m !== gone);
    }
    return gone;
  }

  mediaOfProducer(producerId: string): RemoteMedia[] {
    return this.#media.filter((m) => m.producerId === producerId);
  }

  clearMedia(): void {
    for (const media of this.#media) media.track.stop();
    this.#media = [];
  }

  setLocked(locked: boolean): void {
    this.#locked = locked;
  }

  setSpeaker(participantId: string | null): void {
    this.#speakerId = participantId;
  }

  /**
   * The server's latest word on this site's link. 'recovered' is kept (not cleared) so a site that took the
   * audio-only advice can be told it may turn video on again; otherwise it replaces a 'lowered' note.
   */
  setAdvice(advice: MediaAdvice | null): void {
    this.#advice = advice;
  }
}
