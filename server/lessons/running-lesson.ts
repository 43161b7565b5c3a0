import type { MediaSource, ProducerView } from '../../shared/lesson/model.js';
import type { LessonEventName, LessonEventPayload } from '../../shared/lesson/protocol.js';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { ApiError } from '../core/errors.js';
import type { LessonEndReason } from '../db/schema/teaching.js';
import { LiveLesson } from './live-lesson.js';
import { followsEverySite, mayConsume, spatialLayerCap, type LessonParticipant } from './participant.js';
import type { LessonMediaFactory, LessonMediaPort } from './media-port.js';
import { assertRtpParameters, type RtpCapabilities } from '../../media/index.js';
import { MAX_CONSUMERS_PER_PARTICIPANT } from './quotas.js';
import { ChannelAudience, type AudiencePart, type LessonAudience } from './audience.js';
import { ConsumerOffers, type ConsumerOffer } from './consumer-offers.js';
import { ParticipantChangeBatch, participantChangesWindowMs } from './participant-changes.js';
import type { OutboundLessonEvent } from './features/feature.js';
import { mediaLost, sameTransports, type ResumedMedia } from './kept-media.js';
import { DEFAULT_RECOVERY, rebuildLessonMedia, type MediaRecoveryOptions } from './media-recovery.js';

/** The way to one site's browser (a socket, in the gateway). */
export interface SiteChannel {
  emit<K extends LessonEventName>(event: K, payload: LessonEventPayload<K>): void;
  /** Closes the site's connection for good: the page does not reconnect (ended, removed, replaced). */
  disconnect(): void;
  /** Closes the connection as a network failure would: the page reconnects and joins again (elsewhere). */
  drop(): void;
}

interface ProducerRecord extends ProducerView {}

export interface RunningLessonOptions {
  /** What to do when the worker under the lesson dies (default: rebuild within 30 s, then nothing). */
  recovery?: MediaRecoveryOptions;
  /** Consumers one participant may hold (default MAX_CONSUMERS_PER_PARTICIPANT). */
  maxConsumersPerParticipant?: number;
  /** Where lesson-wide events go (the gateway's Socket.IO room; default: each attached channel in turn). */
  audience?: LessonAudience;
}

/**
 * A live lesson with its media: keeps LiveLesson's decisions and the SFU in step. It tells each site what
 * it may consume, closes what it may no longer see, and rebuilds the media on another worker when a
 * worker dies. One per live lesson; the registry owns it.
 */
export class RunningLesson {
  readonly lesson: LiveLesson;
  #media: LessonMediaPort;
  readonly #factory: LessonMediaFactory;
  readonly #log: Logger;
  readonly #channels = new Map<string, SiteChannel>();
  readonly #rtpCapabilities = new Map<string, RtpCapabilities>();
  readonly #producers = new Map<string, ProducerRecord>();
  readonly #consumers: ConsumerOffers;
  readonly #mediaWatchers: Array<(media: LessonMediaPort) => void> = [];
  readonly #recovery: MediaRecoveryOptions;
  /** Every attached channel, for lesson-wide events: one send per event, not one per site. */
  readonly #audience: LessonAudience;
  /** Joins, changes and leaves gathered into one `participants:changed` per burst. */
  readonly #changes: ParticipantChangeBatch;

  private constructor(lesson: LiveLesson, media: LessonMediaPort, factory: LessonMediaFactory, log: Logger, options: RunningLessonOptions) {
    this.lesson = lesson;
    this.#consumers = new ConsumerOffers(options.maxConsumersPerParticipant ?? MAX_CONSUMERS_PER_PARTICIPANT);
    this.#media = media;
    this.#factory = factory;
    this.#log = log;
    this.#recovery = options.recovery ?? DEFAULT_RECOVERY;
    this.#audience = options.audience ?? new ChannelAudience();
    this.#changes = new ParticipantChangeBatch(
      {
        followers: (changes) => this.#audience.emit('participants:changed', changes, 'followers'),
        sites: (changes) => this.#audience.emit('participants:changed', changes, 'sites'),
        own: (participant, changes) => this.#channels.get(participant.id)?.emit('participants:changed', changes),
      },
      () => participantChangesWindowMs(this.#channels.size),
    );
    this.#wireLesson();
    this.#wireMedia(media);
  }

  static async create(lesson: LiveLesson, factory: LessonMediaFactory, log: Logger, options: RunningLessonOptions = {}): Promise<RunningLesson> {
    const media = await factory.createLessonMedia({ lessonId: String(lesson.lessonSessionId) });
    return new RunningLesson(lesson, media, factory, log, options);
  }

  get media(): LessonMediaPort {
    return this.#media;
  }

  /**
   * Calls `watcher` with the lesson's media now and again with each replacement after a worker died, so
   * that an observer (the evidence recorder) keeps hearing the media events of the lesson.
   */
  watchMedia(watcher: (media: LessonMediaPort) => void): void {
    this.#mediaWatchers.push(watcher);
    watcher(this.#media);
  }

  /**
   * Binds a site's channel (replacing an older one of the same participant, which is disconnected). Her
   * media is kept when she offers the very transports the server still holds for her (back from a dropped
   * signalling link: see kept-media.ts), and that is the answer; otherwise it starts afresh (null).
   */
  attach(participant: LessonParticipant, channel: SiteChannel, rtpCapabilities: RtpCapabilities, resumeMedia?: readonly string[]): ResumedMedia | null {
    const previous = this.#channels.get(participant.id);
    this.#channels.set(participant.id, channel);
    this.#audience.add(channel, followsEverySite(participant) ? 'followers' : 'sites');
    this.#rtpCapabilities.set(participant.id, rtpCapabilities);
    const transportIds = this.#media.transportIds(participant.id);
    const kept = sameTransports(transportIds, resumeMedia);
    if (!kept) this.#closeMediaOf(participant.id);
    if (previous && previous !== channel) {
      this.#audience.remove(previous);
      previous.disconnect();
    }
    if (!kept) return null;
    const producerIds = [...this.#producers.values()].filter((p) => p.participantId === participant.id).map((p) => p.id);
    return { transportIds, producerIds, consumerIds: [...(this.#consumers.of(participant.id)?.keys() ?? [])] };
  }

  /**
   * The channel went away (socket closed): the participant waits out the grace period, and her media keeps
   * flowing meanwhile unless `keepMedia` is false (she went to another lesson).
   */
  detach(participantId: string, channel: SiteChannel, { keepMedia = true }: { keepMedia?: boolean } = {}): void {
    if (this.#channels.get(participantId) !== channel) return;
    this.#channels.delete(participantId);
    this.#audience.remove(channel);
    if (!keepMedia) this.#closeMediaOf(participantId);
    this.lesson.disconnected(participantId);
  }

  /** Producers this participant may consume now. */
  visibleProducers(viewer: LessonParticipant): ProducerView[] {
    return [...this.#producers.values()].filter((p) => {
      const owner = this.#participantOrNull(p.participantId);
      return owner !== null && mayConsume(viewer, owner);
    });
  }

  async produce(participant: LessonParticipant, options: { transportId: string; kind: 'audio' | 'video'; source: MediaSource; rtpParameters: unknown }): Promise<string> {
    const expectedKind = options.source === 'mic' ? 'audio' : 'video';
    if (options.kind !== expectedKind) throw new ApiError('bad_request');
    const { rtpParameters } = options;
    assertRtpParameters(rtpParameters);
    const existing = this.#producerOf(participant.id, options.source);
    if (existing) this.closeProducer(participant, existing.id);
    const producerId = await this.#media.produce(participant.id, { ...options, rtpParameters });
    // A site the teacher muted (before a reload or a dropped link) comes back muted until it unmutes itself.
    const heldMuted = options.source === 'mic' && this.lesson.isMutedByTeacher(participant);
    if (heldMuted) await this.#media.pauseProducer(participant.id, producerId);
    const record: ProducerRecord = { id: producerId, participantId: participant.id, kind: options.kind, source: options.source, paused: heldMuted };
    this.#producers.set(producerId, record);
    this.lesson.setMedia(participant.id, options.source, !heldMuted);
    if (heldMuted) this.#toSite(participant.id, 'moderation:applied', { action: 'muted' });
    // Per site: only those who may consume it are offered it.
    for (const viewer of this.lesson.participants) {
      if (mayConsume(viewer, participant)) this.#toSite(viewer.id, 'producer:new', record);
    }
    return producerId;
  }

  ownProducer(participant: LessonParticipant, producerId: string): ProducerRecord {
    const record = this.#producers.get(producerId);
    if (!record || record.participantId !== participant.id) throw new ApiError('not_found');
    return record;
  }

  async setProducerPaused(participant: LessonParticipant, producerId: string, paused: boolean): Promise<void> {
    const record = this.ownProducer(participant, producerId);
    if (paused) await this.#media.pauseProducer(participant.id, producerId);
    else await this.#media.resumeProducer(participant.id, producerId);
    record.paused = paused;
    if (record.source === 'mic' && !paused) this.lesson.unmutedBySelf(participant.id);
    this.lesson.setMedia(participant.id, record.source, !paused);
    this.#broadcastTo(record.participantId, 'producer:paused', { producerId, paused });
  }

  closeProducer(participant: LessonParticipant, producerId: string): void {
    this.ownProducer(participant, producerId);
    this.#media.closeProducer(participant.id, producerId);
    this.#forgetProducer(producerId);
  }

  /**
   * Consumes a producer for a viewer. Consuming one she already consumes gives the same consumer again (a
   * client retrying after a lost ack), and a viewer holds at most MAX_CONSUMERS_PER_PARTICIPANT.
   * @throws {ApiError} `too_many_streams` beyond the cap.
   */
  async consume(viewer: LessonParticipant, producerId: string): Promise<ConsumerOffer> {
    const record = this.#producers.get(producerId);
    const owner = record ? this.#participantOrNull(record.participantId) : null;
    if (!record || !owner) throw new ApiError('not_found');
    if (!mayConsume(viewer, owner)) throw new ApiError('forbidden');
    return this.#consumers.offer(viewer.id, producerId, async () => {
      const rtpCapabilities = this.#rtpCapabilities.get(viewer.id);
      if (!rtpCapabilities) throw new ApiError('bad_request');
      const consumer = await this.#media.consume(viewer.id, { producerId, rtpCapabilities, maxSpatialLayer: spatialLayerCap(viewer) });
      return { ...consumer, participantId: owner.id, source: record.source };
    });
  }

  ownConsumer(viewer: LessonParticipant, consumerId: string): void {
    if (!this.#consumers.has(viewer.id, consumerId)) throw new ApiError('not_found');
  }

  /**
   * Lead teacher: mute a site's microphone (or everyone's). The site is told and can unmute itself; until
   * it does, the mute holds across its reloads and rejoins (even one in the middle of reconnecting now).
   */
  async mute(target: LessonParticipant): Promise<void> {
    this.lesson.mutedByTeacher(target.id);
    const mic = this.#producerOf(target.id, 'mic');
    if (!mic || mic.paused) return; // already silent: nothing to tell the site
    await this.setProducerPaused(target, mic.id, true);
    this.#toSite(target.id, 'moderation:applied', { action: 'muted' });
  }

  stopCamera(target: LessonParticipant): void {
    const camera = this.#producerOf(target.id, 'camera');
    if (camera) this.closeProducer(target, camera.id);
    this.lesson.setMedia(target.id, 'camera', false);
    this.#toSite(target.id, 'moderation:applied', { action: 'camera_stopped' });
  }

  /** Removes a site; `barred` (a teacher's removal) keeps the account out for the rest of the lesson. */
  remove(target: LessonParticipant, { barred = true }: { barred?: boolean } = {}): void {
    const channel = this.#channels.get(target.id);
    this.#toSite(target.id, 'moderation:applied', { action: 'removed' });
    this.#channels.delete(target.id);
    if (channel) this.#audience.remove(channel);
    this.lesson.leave(target.id, 'removed', barred);
    channel?.disconnect();
  }

  /** Sends an event to every site of the lesson, or to one part of it (after the participant changes gathered so far). */
  broadcast<K extends LessonEventName>(event: K, payload: LessonEventPayload<K>, part?: AudiencePart): void {
    this.#changes.flush();
    this.#audience.emit(event, payload, part);
  }

  channel(participantId: string): SiteChannel | undefined {
    return this.#channels.get(participantId);
  }

  /** Ends the lesson: everyone is told, media closes. */
  end(endedAt: Date, reason: LessonEndReason = 'ended_by_teacher'): void {
    this.broadcast('lesson:ended', { lessonSessionId: this.lesson.lessonSessionId, endedAt: endedAt.toISOString(), reason });
    // Sites are told the lesson ended; that everyone then left is not news to them.
    this.#changes.close();
    this.lesson.end(endedAt);
    this.#media.close();
    for (const channel of this.#channels.values()) {
      this.#audience.remove(channel);
      channel.disconnect();
    }
    this.#channels.clear();
  }

  /**
   * Several nodes: stops running the lesson here without ending it — another node takes it over. The sites'
   * connections drop as in a network failure, so their pages reconnect and join it there; its media closes;
   * nobody leaves it and nothing of it is recorded as ended.
   */
  release(): void {
    this.#changes.close();
    this.lesson.release();
    this.#media.close();
    for (const channel of this.#channels.values()) {
      this.#audience.remove(channel);
      channel.drop();
    }
    this.#channels.clear();
  }

  /** A participant's producer of one source (there is at most one: a new one replaces the old). */
  #producerOf(participantId: string, source: MediaSource): ProducerRecord | undefined {
    return [...this.#producers.values()].find((p) => p.participantId === participantId && p.source === source);
  }

  #participantOrNull(id: string): LessonParticipant | null {
    return this.lesson.find(id) ?? null;
  }

  /**
   * A lesson event for one site. Participant changes gathered so far go first, so that a site never hears
   * of a participant (a producer, a poll answer) before it has heard she joined.
   */
  #toSite<K extends LessonEventName>(participantId: string, event: K, payload: LessonEventPayload<K>): void {
    const channel = this.#channels.get(participantId);
    if (!channel) return;
    this.#changes.flush();
    channel.emit(event, payload);
  }

  /** An event about a producer, per site: only the sites that may consume it (a subset, not a room). */
  #broadcastTo<K extends LessonEventName>(ownerId: string, event: K, payload: LessonEventPayload<K>): void {
    const owner = this.#participantOrNull(ownerId);
    if (!owner) return;
    for (const viewer of this.lesson.participants) if (mayConsume(viewer, owner)) this.#toSite(viewer.id, event, payload);
  }

  #forgetProducer(producerId: string): void {
    const record = this.#producers.get(producerId);
    if (!record) return;
    this.#producers.delete(producerId);
    if (this.#participantOrNull(record.participantId)) this.lesson.setMedia(record.participantId, record.source, false);
    this.broadcast('producer:closed', { producerId });
  }

  #closeMediaOf(participantId: string): void {
    for (const record of [...this.#producers.values()]) if (record.participantId === participantId) this.#forgetProducer(record.id);
    this.#consumers.forget(participantId);
    this.#media.closeParticipant(participantId);
  }

  #wireLesson(): void {
    const { lesson } = this;
    // Observers (听课) are no site: the sites' lists never hear of them (the observing feature counts them).
    lesson.on('participant-joined', (p) => p.kind !== 'observer' && this.#changes.joined(p));
    lesson.on('participant-updated', (p) => p.kind !== 'observer' && this.#changes.updated(p));
    lesson.on('participant-left', (p, reason) => {
      this.#closeMediaOf(p.id);
      const channel = this.#channels.get(p.id);
      this.#channels.delete(p.id);
      if (channel) this.#audience.remove(channel);
      this.#rtpCapabilities.delete(p.id);
      if (p.kind !== 'observer') this.#changes.left(p, reason);
    });
    lesson.on('outbound', (message) => this.#deliver(message));
    lesson.on('locked', (locked) => this.broadcast('lesson:locked', { locked }));
    lesson.on('stage-changed', (staged) => this.#restage(staged));
    // Only the lead teacher manages removals: the other sites are not told who was removed.
    lesson.on('removed-changed', (removed) => {
      for (const viewer of lesson.participants) if (viewer.isLeadTeacher) this.#toSite(viewer.id, 'lesson:removed', { removed });
    });
  }

  /** An event a feature sends: lesson-wide to the room, or to one site. */
  #deliver({ to, event, payload }: OutboundLessonEvent): void {
    // The union of (event, payload) pairs is checked where the feature sends it; here it is passed on as is.
    if (typeof to === 'string') return (this.#toSite.bind(this, to) as (event: LessonEventName, payload: unknown) => void)(event, payload);
    (this.broadcast.bind(this) as (event: LessonEventName, payload: unknown, part?: AudiencePart) => void)(event, payload, to === null ? undefined : to.part);
  }

  /** Someone went on or off stage: offer her producers to the sites that may now see them, close the rest. */
  #restage(staged: LessonParticipant): void {
    // Screen sharing is for the stage: stepping down ends a site's share; a broadcast viewer receives only
    // once she is off it again, so all she sent ends.
    if (!staged.onStage && !staged.isLeadTeacher) {
      for (const record of [...this.#producers.values()]) {
        if (record.participantId === staged.id && (record.source === 'screen' || staged.isViewer)) this.closeProducer(staged, record.id);
      }
    }
    const theirs = [...this.#producers.values()].filter((p) => p.participantId === staged.id);
    this.#changes.flush();
    for (const viewer of this.lesson.participants) {
      if (viewer.id === staged.id) continue;
      const channel = this.#channels.get(viewer.id);
      if (mayConsume(viewer, staged)) {
        for (const record of theirs) channel?.emit('producer:new', record);
        continue;
      }
      const mine = this.#consumers.of(viewer.id);
      for (const [consumerId, { producerId }] of mine ?? []) {
        if (!theirs.some((p) => p.id === producerId)) continue;
        this.#media.closeConsumer(viewer.id, consumerId);
        mine?.delete(consumerId);
        channel?.emit('consumer:closed', { consumerId });
      }
    }
  }

  #wireMedia(media: LessonMediaPort): void {
    media.on('consumer-closed', ({ participantId, consumerId }) => {
      if (!this.#consumers.delete(participantId, consumerId)) return;
      this.#channels.get(participantId)?.emit('consumer:closed', { consumerId });
    });
    media.on('producer-closed', ({ producerId }) => this.#forgetProducer(producerId));
    media.on('consumer-score', ({ participantId, consumerId, score, producerScore }) =>
      this.#channels.get(participantId)?.emit('consumer:score', { consumerId, score, producerScore }),
    );
    media.on('consumer-layers', ({ participantId, consumerId, spatialLayer, temporalLayer }) =>
      this.#channels.get(participantId)?.emit('consumer:layers', { consumerId, spatialLayer, temporalLayer }),
    );
    media.on('advice', ({ participantId, advice }) => {
      const quality = advice === 'recovered' ? 'good' : 'poor';
      if (this.#participantOrNull(participantId)) this.lesson.setQuality(participantId, quality);
      this.#channels.get(participantId)?.emit('media:advice', { advice, quality });
    });
    media.on('transport-state', ({ participantId, transportId, ice, dtls }) => {
      const signallingUp = this.#channels.has(participantId);
      if (!this.#participantOrNull(participantId) || !mediaLost({ ice, dtls }, signallingUp)) return;
      this.#log.info({ participantId, transportId, ice, dtls, signallingUp }, "a site's transport is gone; closing its media");
      this.#closeMediaOf(participantId);
      // A site still connected builds its media afresh (same router: the client keeps its Device).
      if (signallingUp) this.#toSite(participantId, 'media:rebuild', { routerRtpCapabilities: this.#media.rtpCapabilities });
    });
    media.on('active-speaker', ({ participantId }) => this.broadcast('speaker:active', { participantId }));
    media.on('closed', ({ reason }) => {
      if (reason === 'worker-died' && !this.lesson.ended) void this.#rebuildMedia();
    });
  }

  /**
   * The worker under this lesson died: new media on a live worker, and every site rebuilds its transports.
   * If no worker can take it within `rebuildWithinMs` (one worker that cannot be replaced), the lesson is
   * over: a lesson left live without media would count minutes nobody could see or hear.
   */
  async #rebuildMedia(): Promise<void> {
    this.#log.warn({ lessonSessionId: this.lesson.lessonSessionId }, 'media worker died; rebuilding the lesson media');
    for (const record of [...this.#producers.values()]) this.#forgetProducer(record.id);
    this.#consumers.clear();
    const media = await rebuildLessonMedia(this.#factory, this.lesson.lessonSessionId, this.#recovery, () => this.lesson.ended, this.#log);
    if (!media) return;
    this.#media = media;
    this.#wireMedia(media);
    for (const watcher of this.#mediaWatchers) watcher(media);
    this.broadcast('media:rebuild', { routerRtpCapabilities: media.rtpCapabilities });
  }
}
