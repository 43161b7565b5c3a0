import { initialDeviceChoice, storeDeviceChoice, storedDeviceChoice, type DeviceChoice } from './device-choice.js';
import { CAMERA_CAPTURE, MIC_CAPTURE, SCREEN_CAPTURE, type SenderProfile } from './encodings.js';

/** Why a camera or microphone could not be used, in the words the page explains it with. */
export type DeviceProblem = 'denied' | 'not_found' | 'in_use' | 'insecure' | 'failed';

export interface DeviceOption {
  deviceId: string;
  label: string;
}

export type LocalSource = 'camera' | 'mic' | 'screen';

function problemOf(error: unknown): DeviceProblem {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'not_found';
  if (name === 'NotReadableError' || name === 'AbortError') return 'in_use';
  return 'failed';
}

/**
 * This site's own camera, microphone and screen: the tracks, the devices to choose from, the choice
 * (remembered for next time) and what went wrong. Used by the device check and then by the lesson, so
 * the browser asks for permission once and the preview keeps running across reconnects.
 */
export class LocalMedia {
  #camera = $state.raw<MediaStreamTrack | null>(null);
  #cameraStream = $state.raw<MediaStream | null>(null);
  #mic = $state.raw<MediaStreamTrack | null>(null);
  #screen = $state.raw<MediaStreamTrack | null>(null);
  #screenStream = $state.raw<MediaStream | null>(null);
  #cameraProblem = $state<DeviceProblem | null>(null);
  #micProblem = $state<DeviceProblem | null>(null);
  #cameras = $state.raw<DeviceOption[]>([]);
  #mics = $state.raw<DeviceOption[]>([]);
  #choice = $state<DeviceChoice>(initialDeviceChoice());
  #busy = $state(false);
  #profile: SenderProfile = 'site';
  #stopped = false;
  readonly #onDeviceChange = () => void this.#listDevices();
  /** Told when a track ends by itself (camera unplugged, "stop sharing" in the browser's bar). */
  onTrackEnded: ((source: LocalSource) => void) | null = null;

  get camera(): MediaStreamTrack | null {
    return this.#camera;
  }
  /** The camera as a stream, for the preview <video>; the same object while the track is the same. */
  get cameraStream(): MediaStream | null {
    return this.#cameraStream;
  }
  get mic(): MediaStreamTrack | null {
    return this.#mic;
  }
  get screen(): MediaStreamTrack | null {
    return this.#screen;
  }
  get screenStream(): MediaStream | null {
    return this.#screenStream;
  }
  get cameraProblem(): DeviceProblem | null {
    return this.#cameraProblem;
  }
  get micProblem(): DeviceProblem | null {
    return this.#micProblem;
  }
  get cameras(): DeviceOption[] {
    return this.#cameras;
  }
  get mics(): DeviceOption[] {
    return this.#mics;
  }
  get choice(): Readonly<DeviceChoice> {
    return this.#choice;
  }
  /** Asking the browser for devices right now. */
  get busy(): boolean {
    return this.#busy;
  }
  /** This browser completed a device check before. */
  get hasStoredChoice(): boolean {
    return storedDeviceChoice() !== null;
  }
  /** Nothing to send: neither camera nor microphone works (the site can still watch and listen). */
  get receiveOnly(): boolean {
    return this.#camera === null && this.#mic === null;
  }

  /** Opens the chosen camera and microphone (as the choice says) and lists the devices. */
  async start(profile: SenderProfile): Promise<void> {
    this.#profile = profile;
    this.#stopped = false;
    navigator.mediaDevices?.addEventListener('devicechange', this.#onDeviceChange);
    await this.#open(this.#choice.cameraOn, true);
    if (this.#mic) this.#mic.enabled = this.#choice.micOn;
    await this.#listDevices();
  }

  async chooseCamera(deviceId: string): Promise<void> {
    this.#choice.cameraId = deviceId;
    if (this.#choice.cameraOn) await this.#open(true, false);
  }

  async chooseMic(deviceId: string): Promise<void> {
    this.#choice.micId = deviceId;
    await this.#open(false, true);
    if (this.#mic) this.#mic.enabled = this.#choice.micOn;
  }

  /** Camera on (opens it) or off (releases it, so its light goes out). */
  async setCameraOn(on: boolean): Promise<void> {
    this.#choice.cameraOn = on;
    if (on && !this.#camera) await this.#open(true, false);
    if (!on) this.#setCamera(null);
  }

  /** Mic on or off; the track stays open so that unmuting never asks again. */
  async setMicOn(on: boolean): Promise<void> {
    this.#choice.micOn = on;
    if (on && !this.#mic) await this.#open(false, true);
    if (this.#mic) this.#mic.enabled = on;
  }

  /** Remembers the choice for the next lesson on this browser. */
  remember(): void {
    storeDeviceChoice({ ...this.#choice });
  }

  /** Asks the browser for a screen (or window) to share; null when the user cancelled. */
  async startScreen(): Promise<MediaStreamTrack | null> {
    if (!navigator.mediaDevices?.getDisplayMedia) return null;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: SCREEN_CAPTURE, audio: false });
    } catch (error) {
      if (problemOf(error) !== 'denied') console.warn('screen capture failed', error);
      return null;
    }
    const track = stream.getVideoTracks()[0] ?? null;
    if (!track) return null;
    // Slides and text: keep them sharp and drop frames rather than detail.
    track.contentHint = 'detail';
    track.addEventListener('ended', () => {
      if (this.#screen !== track) return;
      this.stopScreen();
      this.onTrackEnded?.('screen');
    });
    this.stopScreen();
    this.#screen = track;
    this.#screenStream = new MediaStream([track]);
    return track;
  }

  stopScreen(): void {
    this.#screen?.stop();
    this.#screen = null;
    this.#screenStream = null;
  }

  /** Releases every device; safe to call twice. */
  stop(): void {
    this.#stopped = true;
    navigator.mediaDevices?.removeEventListener('devicechange', this.#onDeviceChange);
    this.#setCamera(null);
    this.#setMic(null);
    this.stopScreen();
  }

  async #open(video: boolean, audio: boolean): Promise<void> {
    if (!video && !audio) return;
    if (!navigator.mediaDevices?.getUserMedia) {
      // Browsers offer cameras only to pages served over HTTPS (or from localhost).
      if (video) this.#cameraProblem = 'insecure';
      if (audio) this.#micProblem = 'insecure';
      return;
    }
    const deviceId = (id: string | null) => (id ? { deviceId: { ideal: id } } : {});
    const constraints: MediaStreamConstraints = {
      video: video ? { ...CAMERA_CAPTURE[this.#profile], ...deviceId(this.#choice.cameraId) } : false,
      audio: audio ? { ...MIC_CAPTURE, ...deviceId(this.#choice.micId) } : false,
    };
    this.#busy = true;
    try {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      if (this.#stopped) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      if (video) this.#setCamera(stream.getVideoTracks()[0] ?? null);
      if (audio) this.#setMic(stream.getAudioTracks()[0] ?? null);
      if (video) this.#cameraProblem = this.#camera ? null : 'not_found';
      if (audio) this.#micProblem = this.#mic ? null : 'not_found';
    } catch (error) {
      const problem = problemOf(error);
      if (video && audio && problem !== 'denied') {
        // One missing or busy device must not cost the other: try each on its own.
        this.#busy = false;
        await this.#open(true, false);
        await this.#open(false, true);
        return;
      }
      if (problem === 'failed') console.warn('opening a camera or microphone failed', error);
      if (video) this.#cameraProblem = problem;
      if (audio) this.#micProblem = problem;
    } finally {
      this.#busy = false;
    }
  }

  #setCamera(track: MediaStreamTrack | null): void {
    if (this.#camera && this.#camera !== track) this.#camera.stop();
    this.#camera = track;
    this.#cameraStream = track ? new MediaStream([track]) : null;
    if (track) this.#watch(track, 'camera');
  }

  #setMic(track: MediaStreamTrack | null): void {
    if (this.#mic && this.#mic !== track) this.#mic.stop();
    this.#mic = track;
    if (track) this.#watch(track, 'mic');
  }

  #watch(track: MediaStreamTrack, source: 'camera' | 'mic'): void {
    track.addEventListener('ended', () => {
      if ((source === 'camera' ? this.#camera : this.#mic) !== track) return;
      if (source === 'camera') this.#setCamera(null);
      else this.#setMic(null);
      this.onTrackEnded?.(source);
    });
  }

  async #listDevices(): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    try {
      const devices = await navigator.mediaDevices.enumerateDevices();
      const options = (kind: MediaDeviceKind, fallback: string) =>
        devices
          .filter((d) => d.kind === kind && d.deviceId !== '')
          .map((d, index) => ({ deviceId: d.deviceId, label: d.label || `${fallback} ${index + 1}` }));
      this.#cameras = options('videoinput', 'Camera');
      this.#mics = options('audioinput', 'Microphone');
      // The device actually in use is the one to show as chosen.
      const inUse = (track: MediaStreamTrack | null) => track?.getSettings().deviceId ?? null;
      this.#choice.cameraId = inUse(this.#camera) ?? this.#choice.cameraId;
      this.#choice.micId = inUse(this.#mic) ?? this.#choice.micId;
    } catch (error) {
      console.warn('listing cameras and microphones failed', error);
    }
  }
}
