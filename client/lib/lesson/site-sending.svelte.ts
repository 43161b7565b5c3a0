import { ApiError } from '../api.js';
import type { I18n } from '../i18n.svelte.js';
import type { SenderProfile } from './encodings.js';
import type { LocalMedia, LocalSource } from './local-media.svelte.js';
import { MediaSessionClosed, type MediaSession } from './media-session.js';
import type { Notices } from './notices.svelte.js';

/** Runs a lesson request for the UI: a failure becomes a notice (quietly logged for background requests). */
export type LessonTell = (work: Promise<unknown>, quiet?: boolean) => Promise<void>;

/** The `tell` of a page: its failures go to these notices, in this language. */
export function lessonTell(notices: Notices, i18n: I18n): LessonTell {
  return async (work, quiet = false) => {
    try {
      await work;
    } catch (error) {
      if (error instanceof MediaSessionClosed) return;
      if (quiet || (error instanceof ApiError && error.code === 'network')) {
        console.warn('a lesson request failed', error);
        return;
      }
      console.error('a lesson request failed', error);
      notices.push('error', error instanceof ApiError ? error.message : i18n.t('app.unknownError'));
    }
  };
}

export interface SiteSendingOptions {
  /** The lead teacher sends the three-layer camera ('lead'); every other site 'site'. */
  profile: SenderProfile;
  /** The site's media now (null between joins and while it is rebuilt). */
  media: () => MediaSession | null;
  /** Screen sharing is for the lead teacher and for a site on stage. */
  maySendScreen: () => boolean;
  notices: Notices;
  i18n: I18n;
  tell: LessonTell;
}

/**
 * What this site sends — its mic, camera and screen — and the buttons for them. The wish (mic on, camera
 * on) outlives the media: a rejoin or a rebuild sends again what the site wants sent (`publish`), and the
 * teacher's moderation turns the wish off as the server already did.
 */
export class SiteSending {
  readonly local: LocalMedia;
  readonly #options: SiteSendingOptions;
  #micOn = $state(true);
  #cameraOn = $state(true);

  constructor(local: LocalMedia, options: SiteSendingOptions) {
    this.local = local;
    this.#options = options;
  }

  get micOn(): boolean {
    return this.#micOn && this.local.mic !== null;
  }
  get cameraOn(): boolean {
    return this.#cameraOn && this.local.camera !== null;
  }
  get sharingScreen(): boolean {
    return this.local.screen !== null;
  }

  /** Entering the lesson: send as the device check left the choice. */
  adoptChoice(): void {
    this.#micOn = this.local.choice.micOn;
    this.#cameraOn = this.local.choice.cameraOn;
  }

  async setMicOn(on: boolean): Promise<void> {
    this.#micOn = on;
    await this.local.setMicOn(on);
    const media = this.#options.media();
    if (!media) return;
    if (media.producerId('mic')) return this.#options.tell(media.setPaused('mic', !on));
    if (on && this.local.mic) await this.#options.tell(media.produce('mic', this.local.mic, this.#options.profile));
  }

  async setCameraOn(on: boolean): Promise<void> {
    this.#cameraOn = on;
    await this.local.setCameraOn(on);
    const media = this.#options.media();
    if (!media) return;
    if (!on) return this.#options.tell(media.closeProducer('camera'));
    if (this.local.camera) await this.#options.tell(media.produce('camera', this.local.camera, this.#options.profile));
  }

  async startScreen(): Promise<void> {
    const track = await this.local.startScreen();
    const media = this.#options.media();
    if (!track || !media) return;
    await this.#options.tell(media.produce('screen', track, this.#options.profile));
  }

  async stopScreen(): Promise<void> {
    this.local.stopScreen();
    await this.#options.tell(this.#options.media()?.closeProducer('screen') ?? Promise.resolve());
  }

  /** The teacher muted this site just now (the server paused its mic): the button, producer and track follow. */
  muted(): void {
    this.#micOn = false;
    this.#options.media()?.markPaused('mic');
    void this.local.setMicOn(false);
    this.#options.notices.push('warning', this.#options.i18n.t('live.notice.muted'));
  }

  /**
   * Back after a reload or a dropped link to a lesson whose teacher muted this site: come back with the mic
   * off (the server holds it paused anyway; this keeps the button and the local track honest).
   */
  async stillMuted(): Promise<void> {
    if (!this.#micOn) return;
    this.#micOn = false;
    this.#options.media()?.markPaused('mic');
    await this.local.setMicOn(false);
  }

  /** The teacher stopped this site's camera: the server closed the producer already. */
  cameraStopped(): void {
    this.#cameraOn = false;
    this.#options.media()?.forgetProducer('camera');
    void this.local.setCameraOn(false);
    this.#options.notices.push('warning', this.#options.i18n.t('live.notice.cameraStopped'));
  }

  /** A local track ended by itself (the camera unplugged, the screen share stopped from the browser bar). */
  trackEnded(source: LocalSource): void {
    void this.#options.tell(this.#options.media()?.closeProducer(source) ?? Promise.resolve(), true);
    if (source !== 'screen') this.#options.notices.push('warning', this.#options.i18n.t(source === 'camera' ? 'live.notice.cameraLost' : 'live.notice.micLost'));
  }

  /** Sends the mic (paused if it is off), the camera if on, and a screen share that was running. */
  async publish(media: MediaSession): Promise<void> {
    const { mic, camera, screen } = this.local;
    const { profile } = this.#options;
    const tasks: Promise<unknown>[] = [];
    // Kept media (a resumed join) already sends what the server kept.
    const sending = (source: LocalSource) => media.producerId(source) !== null;
    if (mic && media.canSend('audio') && !sending('mic')) {
      tasks.push(
        media.produce('mic', mic, profile).then(async () => {
          if (!this.#micOn) await media.setPaused('mic', true);
        }),
      );
    }
    if (camera && this.#cameraOn && media.canSend('video') && !sending('camera')) tasks.push(media.produce('camera', camera, profile));
    if (screen && this.#options.maySendScreen() && !sending('screen')) tasks.push(media.produce('screen', screen, profile));
    const results = await Promise.allSettled(tasks);
    for (const result of results) {
      if (result.status === 'rejected' && !(result.reason instanceof MediaSessionClosed)) {
        console.error('sending our media failed', result.reason);
        this.#options.notices.push('error', this.#options.i18n.t('live.notice.sendFailed'));
      }
    }
  }
}
