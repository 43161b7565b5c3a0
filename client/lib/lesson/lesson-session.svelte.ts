import type { LessonRequestData } from '../../../shared/lesson/protocol.js';
import type { ProducerView } from '../../../shared/lesson/model.js';
import { ApiError } from '../api.js';
import type { I18n, MessageKey } from '../i18n.svelte.js';
import { LessonConnection, type LinkLoss } from './connection.js';
import { wireLessonEvents } from './lesson-events.js';
import { BoardSession } from './features/board/board-session.svelte.js';
import { CoursewareDocuments } from '../courseware/documents.js';
import { LessonActions } from './lesson-actions.js';
import { LessonState } from './lesson-state.svelte.js';
import { LocalMedia } from './local-media.svelte.js';
import { startLesson } from './lesson-start.js';
import { MediaSession, MediaSessionClosed, loadDevice, type LoadedDevice } from './media-session.js';
import { Notices, type NoticeKind } from './notices.svelte.js';
import { QualityReporter } from './quality-probe.js';
import { RelayFallback, type ConnectWatch } from './relay-fallback.js';
import { lessonTell, SiteSending, type LessonTell } from './site-sending.svelte.js';
import type { TileSize } from './tile-reporter.js';

/** Waiting for the teacher: ask again this often. */
const WAIT_RETRY_MS = 5_000;

export interface LessonSessionOptions {
  courseId: number;
  /** The lead teacher starts the lesson and sends the three-layer camera. */
  isLead: boolean;
  /** The timetabled lesson the lead teacher starts (its session then counts for that slot), if any. */
  scheduledLessonId?: number;
  i18n: I18n;
}

/**
 * One site's presence in a live lesson: joins (starting it, for the lead teacher), keeps the media in step
 * with the server, and comes back by itself. A dropped link shows "reconnecting" while the media keeps
 * playing (the server keeps it for the grace period); when Socket.IO is connected again the site joins
 * again as the same participant offering its transports, and goes on with the same media when the server
 * kept it, catching up from the snapshot. It builds fresh media only when the server says its media is gone
 * (or ICE failed here), and after a media rebuild.
 */
export class LessonSession {
  readonly state: LessonState;
  readonly local = new LocalMedia();
  readonly notices = new Notices();
  /** What this site sends (mic, camera, screen) and the buttons for them. */
  readonly sending: SiteSending;
  readonly actions: LessonActions;
  /** The whiteboard and the courseware on it (its own state, requests and pen). */
  readonly board: BoardSession;
  /** Courseware documents, each fetched once for this page. */
  readonly documents = new CoursewareDocuments();
  readonly courseId: number;
  readonly isLead: boolean;
  readonly #scheduledLessonId: number | undefined;
  readonly #i18n: I18n;
  readonly #connection: LessonConnection;
  readonly #quality = new QualityReporter();
  #device: LoadedDevice | null = null;
  #media: MediaSession | null = null;
  /** The Device #media was made on: a new router (another Device) cannot resume it. */
  #mediaDevice: LoadedDevice | null = null;
  #iceServers: RTCIceServer[] = [];
  /** Whether this browser joins through the TURN relay, and the move there when direct media cannot connect. */
  readonly #relay = RelayFallback.inPage();
  #connectWatch: ConnectWatch | null = null;
  /** Producers being consumed right now (by id), so a snapshot and an event do not consume twice. */
  #consuming = new Set<string>();
  /** Bumped by every (re)join and every link loss: work of an older round stops at its next await. */
  #round = 0;
  #opened = false;
  #wantStart = false;
  #retryTimer = 0;
  #audioOnly = $state(false);
  /** Lead teacher: start the lesson as a broadcast (直播) to viewers of the region (chosen before joining). */
  broadcast = $state(false);
  readonly #tell: LessonTell;

  constructor(options: LessonSessionOptions) {
    this.courseId = options.courseId;
    this.isLead = options.isLead;
    this.#scheduledLessonId = options.scheduledLessonId;
    this.#i18n = options.i18n;
    this.#tell = lessonTell(this.notices, options.i18n);
    this.sending = new SiteSending(this.local, {
      profile: this.isLead ? 'lead' : 'site',
      media: () => this.#media,
      maySendScreen: () => this.maySendScreen,
      notices: this.notices,
      i18n: options.i18n,
      tell: this.#tell,
    });
    this.#connection = new LessonConnection(
      {
        onConnected: () => this.#onConnected(),
        onLost: (loss) => this.#onLost(loss),
        onConnectError: (message, retrying, explanation) => {
          console.warn('lesson connection attempt failed:', message);
          if (!retrying) this.#finish('refused', message === 'unauthenticated' ? options.i18n.s('error.unauthenticated') : (explanation ?? options.i18n.t('app.networkError')));
        },
      },
      options.i18n.t('live.offline'),
    );
    this.actions = new LessonActions(this.#connection, this.notices);
    const notify = (kind: NoticeKind, key: MessageKey) => this.notices.push(kind, this.#i18n.t(key));
    this.state = new LessonState({ request: this.actions.request, notify });
    this.board = new BoardSession(this.#connection, (message) => this.notices.push('error', message));
    wireLessonEvents(this.#connection, this.state, {
      consume: (producer) => this.#consumeIfReady(producer),
      dropConsumer: (consumerId) => this.#dropConsumer(consumerId),
      rebuild: () => {
        // New media on the server: nothing of ours can be resumed.
        this.#closeMedia();
        void this.#join();
      },
      moderated: (action) => this.#moderated(action),
      ended: (reason) => this.#finish('ended', reason === 'media_failed' ? this.#i18n.t('live.ended.mediaFailed') : reason === 'timed_out' ? this.#i18n.t('live.ended.timedOut') : null),
      leftStage: () => {
        if (this.local.screen) void this.sending.stopScreen();
      },
      notify,
    });
    this.local.onTrackEnded = (source) => this.sending.trackEnded(source);
  }

  get audioOnly(): boolean {
    return this.#audioOnly;
  }
  get micOn(): boolean {
    return this.sending.micOn;
  }
  get cameraOn(): boolean {
    return this.sending.cameraOn;
  }
  get sharingScreen(): boolean {
    return this.sending.sharingScreen;
  }
  /** Screen sharing is for the lead teacher and for a site on stage. */
  get maySendScreen(): boolean {
    return this.isLead || this.state.me?.onStage === true;
  }

  /** Opens the devices the device check shows (the lead teacher's camera at 720p). */
  prepare(): Promise<void> {
    return this.local.start(this.isLead ? 'lead' : 'site');
  }

  /** The big button: remember the devices, start the lesson (lead teacher) and join it. */
  enter(): void {
    this.local.remember();
    this.sending.adoptChoice();
    this.#wantStart = this.isLead;
    this.state.setPhase('joining');
    if (!this.#opened) {
      this.#opened = true;
      this.#connection.open();
    } else if (this.#connection.connected) {
      void this.#join();
    }
  }

  /** Leaving the page: tell the server at once (no reconnect grace), then release everything. */
  async leave(): Promise<void> {
    if (this.state.phase === 'live' && this.#connection.connected) {
      await this.#connection.request('lesson:leave', {}).catch((error: unknown) => console.warn('lesson:leave failed', error));
    }
    this.#teardown();
  }

  // ---- my media ----

  setMicOn = (on: boolean): Promise<void> => this.sending.setMicOn(on);
  setCameraOn = (on: boolean): Promise<void> => this.sending.setCameraOn(on);
  startScreen = (): Promise<void> => this.sending.startScreen();
  stopScreen = (): Promise<void> => this.sending.stopScreen();

  /** Receive audio only (the link cannot carry video), or video again. */
  async setAudioOnly(enabled: boolean): Promise<void> {
    this.#audioOnly = enabled;
    if (enabled) this.state.setAdvice(null);
    await this.#tell(this.#connection.request('media:audio-only', { enabled }));
  }

  /** A <video>/<audio> of this consumer is in the page: the server may start sending. */
  resumeConsumer(consumerId: string): void {
    void this.#tell(this.#media?.resumeConsumer(consumerId) ?? Promise.resolve(), true);
  }

  reportTile(consumerId: string, tile: TileSize): void {
    if (!this.#media?.hasConsumer(consumerId)) return;
    void this.#tell(this.#connection.request('consumer:tile', { consumerId, ...tile }), true);
  }

  // ---- joining ----

  #onConnected(): void {
    const phase = this.state.phase;
    if (phase === 'joining' || phase === 'live' || phase === 'waiting') void this.#join();
  }

  #onLost(loss: LinkLoss): void {
    this.#round++;
    // The media goes on without signalling (the server keeps it for the grace period): only the reports stop.
    this.#quality.stop();
    const phase = this.state.phase;
    if (phase === 'ended' || phase === 'removed' || phase === 'replaced') return;
    if (loss === 'closed_by_server') {
      // Not the end of the lesson and not a removal (those come with their own events first): this
      // account joined again from another window or device, which now has the lesson.
      this.#finish('replaced');
      return;
    }
    if (phase === 'live') this.state.setLink('reconnecting');
  }

  /** Joins, or joins again after a reconnect or a media rebuild, and builds the media from the snapshot. */
  async #join(): Promise<void> {
    const round = ++this.#round;
    window.clearTimeout(this.#retryTimer);
    const wasLive = this.state.phase === 'live';
    try {
      if (this.#wantStart) {
        await startLesson(this.#connection, this.courseId, this.#scheduledLessonId, this.broadcast);
        this.#wantStart = false;
      }
      // The router's capabilities first: only a Device loaded with them can say what this browser decodes.
      // A media rebuild between the two requests changes them: then once more with the new router.
      for (let attempt = 1; ; attempt++) {
        const { routerRtpCapabilities } = await this.#connection.request('lesson:capabilities', { courseId: this.courseId });
        if (round !== this.#round) return;
        if (this.#device?.routerKey !== JSON.stringify(routerRtpCapabilities)) this.#device = await loadDevice(routerRtpCapabilities);
        if (round !== this.#round) return;
        const device = this.#device;
        // Events sent while the server makes our receiving side are newer than the ack's snapshot.
        const release = this.#connection.holdEvents();
        try {
          const transportIds = this.#media && this.#mediaDevice === device ? this.#media.resumableTransportIds() : null;
          const resumeMedia = transportIds ? { transportIds } : undefined;
          const joined = await this.#connection.request('lesson:join', { courseId: this.courseId, rtpCapabilities: device.device.recvRtpCapabilities, receive: true, ...(resumeMedia && { resumeMedia }) });
          if (round !== this.#round) return;
          if (joined.resumedMedia && this.#media) return await this.#resumeMedia(round, this.#media, joined, joined.resumedMedia, release);
          if (JSON.stringify(joined.routerRtpCapabilities) === device.routerKey || attempt >= 3) return await this.#startMedia(round, device, joined, release);
        } finally {
          release();
        }
      }
    } catch (error) {
      if (error instanceof MediaSessionClosed || round !== this.#round) return;
      this.#joinFailed(error, wasLive);
    }
  }

  async #startMedia(round: number, device: LoadedDevice, joined: LessonRequestData<'lesson:join'>, releaseEvents: () => void): Promise<void> {
    this.#closeMedia();
    this.#iceServers = joined.iceServers.map((server) => ({ ...server }));
    await this.#applyJoin(joined, releaseEvents);
    const icePolicy = this.#relay.policyFor(this.#iceServers);
    const watch = this.#relay.watch(icePolicy, this.#iceServers, () => {
      if (media !== this.#media) return;
      console.warn(`media did not connect directly; joining again through the TURN relay`);
      // Fresh transports under the relay policy: media kept for a resume would keep the direct one.
      this.#closeMedia();
      void this.#join();
    });
    const media = new MediaSession(device.device, this.#connection, this.#iceServers, icePolicy, {
      onConsumerGone: (consumerId) => this.state.removeMedia(consumerId),
      onTransportState: (direction, state) => {
        watch.observe(direction, state);
        if (state === 'failed') console.warn(`the ${direction} transport failed; restarting ICE`);
      },
    });
    this.#media = media;
    this.#connectWatch = watch;
    this.#mediaDevice = device;
    this.#consuming = new Set();
    await media.openReceiving(joined.receiving?.transport);
    if (round !== this.#round) return;
    // The join made a consumer of each producer it listed; one announced since is asked for (consumer:create).
    const made = new Map(joined.receiving?.consumers.map((consumer) => [consumer.producerId, consumer]));
    const consumed = this.state.producers.map((producer) => this.#consume(media, producer, made.get(producer.id)));
    await Promise.all([...consumed, this.sending.publish(media)]);
    if (round !== this.#round) return;
    if (this.#audioOnly) await this.#tell(this.#connection.request('media:audio-only', { enabled: true }));
    this.#startQualityReports(media);
  }

  /**
   * The server kept our media through the dropped link: go on with it. What closed meanwhile closes here,
   * what appeared meanwhile (in the snapshot) is consumed, and what we should send but the server lost is sent.
   */
  async #resumeMedia(round: number, media: MediaSession, joined: LessonRequestData<'lesson:join'>, kept: { producerIds: string[]; consumerIds: string[] }, releaseEvents: () => void): Promise<void> {
    const gone = media.reconcile(kept);
    for (const consumerId of gone.consumerIds) this.state.removeMedia(consumerId);
    await this.#applyJoin(joined, releaseEvents);
    for (const received of this.state.media) if (!this.state.hasProducer(received.producerId)) this.#dropConsumer(received.consumerId);
    // Only a teacher's "stop camera" or leaving the stage closes a site's producer: do as those events would have.
    if (gone.sources.includes('camera')) this.#moderated('camera_stopped');
    if (gone.sources.includes('screen')) this.local.stopScreen();
    media.restartIceIfDown();
    this.#consuming = new Set();
    await Promise.all([...this.state.producers.map((producer) => this.#consume(media, producer)), this.sending.publish(media)]);
    if (round !== this.#round) return;
    this.#startQualityReports(media);
  }

  /** The join's snapshot becomes the lesson state, then the events held meanwhile apply; live again. */
  async #applyJoin(joined: LessonRequestData<'lesson:join'>, releaseEvents: () => void): Promise<void> {
    this.state.applySnapshot(joined.snapshot, joined.participantId);
    this.board.apply(joined.snapshot.board);
    releaseEvents();
    if (joined.snapshot.mutedByTeacher) await this.sending.stillMuted();
    this.state.setPhase('live');
    this.state.setLink('connected');
  }

  #startQualityReports(media: MediaSession): void {
    this.#quality.start({
      stats: () => media.stats(),
      report: (sample) => (media === this.#media && this.#connection.connected ? this.#connection.request('quality:report', sample) : Promise.resolve()),
    });
  }

  #joinFailed(error: unknown, wasLive: boolean): void {
    if (!(error instanceof ApiError)) {
      console.error('joining the lesson failed', error);
      this.#finish('refused', this.#i18n.t('app.unknownError'));
      return;
    }
    if (error.code === 'network') return; // the link dropped meanwhile; the next connection joins again
    if (error.code === 'lesson_not_live') {
      // Back from a dropped link to a lesson that has ended meanwhile; or the teacher has not started yet.
      if (wasLive) return this.#finish('ended');
      this.state.setPhase('waiting');
      this.#retryTimer = window.setTimeout(() => void this.#join(), WAIT_RETRY_MS);
      return;
    }
    this.#finish('refused', error.message);
  }

  #consumeIfReady(producer: ProducerView): void {
    const media = this.#media;
    // Before the recv transport exists, the join consumes everything in the state once it is ready.
    if (media && media.receiving && this.state.phase === 'live') void this.#consume(media, producer);
  }

  async #consume(media: MediaSession, producer: ProducerView, made?: LessonRequestData<'consumer:create'>): Promise<void> {
    if (this.#consuming.has(producer.id) || this.state.mediaOfProducer(producer.id).length > 0) return;
    const consuming = this.#consuming;
    consuming.add(producer.id);
    try {
      const received = await (made ? media.receive(made) : media.consume(producer.id));
      if (media !== this.#media || !this.state.hasProducer(producer.id)) {
        media.closeConsumer(received.consumerId);
        return;
      }
      this.state.addMedia({ ...received, stream: new MediaStream([received.track]) });
    } catch (error) {
      if (error instanceof MediaSessionClosed) return;
      // The producer went away (or out of sight) before its consumer was made: nothing to show.
      if (error instanceof ApiError && (error.code === 'not_found' || error.code === 'forbidden' || error.code === 'network')) return;
      console.error(`consuming ${producer.source} of ${producer.participantId} failed`, error);
    } finally {
      consuming.delete(producer.id);
    }
  }

  #dropConsumer(consumerId: string): void {
    this.#media?.closeConsumer(consumerId);
    this.state.removeMedia(consumerId);
  }

  #moderated(action: 'muted' | 'camera_stopped' | 'removed'): void {
    if (action === 'muted') this.sending.muted();
    else if (action === 'camera_stopped') this.sending.cameraStopped();
    else this.#finish('removed');
  }

  #closeMedia(): void {
    this.#quality.stop();
    this.#connectWatch?.stop();
    this.#connectWatch = null;
    this.#media?.close();
    this.#media = null;
    this.#mediaDevice = null;
    this.state.clearMedia();
  }

  /** Out of the lesson for good (ended, removed, replaced, refused): release the link and the devices. */
  #finish(phase: 'ended' | 'removed' | 'replaced' | 'refused', refusal: string | null = null): void {
    this.state.setPhase(phase, refusal);
    this.#teardown();
  }

  #teardown(): void {
    this.#round++;
    window.clearTimeout(this.#retryTimer);
    this.#closeMedia();
    this.#connection.close();
    this.#opened = false;
    this.local.stop();
  }
}
