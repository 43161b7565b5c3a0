/**
 * How loud the microphone is right now (0…1), for the device check's meter: an AnalyserNode on the track,
 * read a dozen times a second. A browser keeps a new AudioContext suspended until the user has clicked,
 * so it is resumed on the first click.
 */
export class LevelMeter {
  #level = $state(0);
  #context: AudioContext | null = null;
  #timer = 0;
  readonly #resume = () => void this.#context?.resume();

  get level(): number {
    return this.#level;
  }

  /** Measures this track (or nothing); replaces what was measured before. */
  attach(track: MediaStreamTrack | null): void {
    this.detach();
    if (!track || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.#context = context;
    if (context.state === 'suspended') {
      void context.resume();
      document.addEventListener('pointerdown', this.#resume, { once: true });
    }
    this.#timer = window.setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      // Speech sits around an RMS of 0.02–0.2: scale so that normal talking fills most of the bar.
      const loudness = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      this.#level = Math.max(loudness, this.#level * 0.8);
    }, 80);
  }

  detach(): void {
    window.clearInterval(this.#timer);
    document.removeEventListener('pointerdown', this.#resume);
    if (this.#context) {
      void this.#context.close().catch((error: unknown) => console.warn('closing the level meter audio failed', error));
    }
    this.#context = null;
    this.#level = 0;
  }
}
