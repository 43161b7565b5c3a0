import type { RenderJob } from '../../server/recordings/render/repository.js';
import type { RecordingStore } from '../../server/recordings/storage.js';

/** One recording of the bench's lesson in progress, by either recorder: its FFmpeg children and the files they write. */
export interface RecordingRun {
  /** Matroska files; `offsetsMs[i]` is where file i's time 0 sits relative to file 0's (one file: [0]). */
  readonly files: string[];
  readonly offsetsMs: () => number[];
  /** CPU seconds of the recorder's own processes so far. */
  cpuSeconds(): number;
  /** What the recorder said (FFmpeg's last stderr lines), for a run that failed. */
  diagnostics(): string;
  /** Stops and finalises the files; the recorder's CPU seconds in all. */
  stop(): Promise<number>;
  /** Tongke's: where its tracks are and the render job its rows would make (once stopped). */
  readonly render?: { store: RecordingStore; job: () => RenderJob };
}
