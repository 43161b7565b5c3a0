import type { LessonEventSink } from './events.js';
import type { MediaLogger } from './logger.js';
import type { LessonProducer } from './participant-media.js';
import type { ActiveSpeakerObserver, Router } from './types.js';

/** How often (ms) mediasoup re-evaluates who dominates; its default, quick enough for a speaker highlight. */
const SPEAKER_INTERVAL_MS = 300;

/**
 * Who is speaking in a lesson: mediasoup's ActiveSpeakerObserver (dominant speaker identification over the
 * RFC 6464 audio levels every browser puts on its Opus packets) over all microphones, reported as
 * 'active-speaker' when it changes — and as null when the speaker's microphone is muted or goes away,
 * which mediasoup itself does not report.
 */
export class ActiveSpeaker {
  readonly #observer: ActiveSpeakerObserver;
  readonly #sink: LessonEventSink;
  readonly #logger: MediaLogger;
  readonly #microphones = new Map<string, LessonProducer>();
  #speaker: string | null = null;
  #stopped = false;

  /** Creates the router's observer; a lesson makes it before it makes itself. */
  static createObserver(router: Router): Promise<ActiveSpeakerObserver> {
    return router.createActiveSpeakerObserver({ interval: SPEAKER_INTERVAL_MS });
  }

  constructor(observer: ActiveSpeakerObserver, sink: LessonEventSink, logger: MediaLogger) {
    this.#observer = observer;
    this.#sink = sink;
    this.#logger = logger;
    observer.on('dominantspeaker', ({ producer }) => {
      const microphone = this.#microphones.get(producer.id);
      if (microphone) this.#set(microphone.appData.participantId);
    });
  }

  /** The participant speaking now, or null. */
  get speaker(): string | null {
    return this.#speaker;
  }

  /** Watches a new microphone until it closes. */
  addMicrophone(producer: LessonProducer): void {
    const { participantId } = producer.appData;
    this.#microphones.set(producer.id, producer);
    producer.observer.once('close', () => {
      this.#microphones.delete(producer.id);
      if (this.#speaker === participantId) this.#set(null);
    });
    producer.observer.on('pause', () => {
      if (this.#speaker === participantId) this.#set(null);
    });
    this.#observer.addProducer({ producerId: producer.id }).catch((error: unknown) => {
      // A microphone (or lesson) closed while the request was in flight needs no observing.
      if (producer.closed || this.#observer.closed) return;
      this.#logger.warn({ participantId, producerId: producer.id, err: error }, 'microphone not added to the active-speaker observer');
    });
  }

  /** No more events: the lesson is closing, and its microphones closing with it are no news. */
  stop(): void {
    this.#stopped = true;
  }

  #set(participantId: string | null): void {
    if (this.#stopped || participantId === this.#speaker) return;
    this.#speaker = participantId;
    this.#sink.emit('active-speaker', { participantId });
  }
}
