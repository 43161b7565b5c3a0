import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { RecordedCodec } from '../../../media/index.js';
import { udpPortTaken, type RtpPortPair } from './ports.js';
import { trackSdp } from './sdp.js';

/** How FFmpeg ended: asked to (stop), or by itself (a crash, a bad stream). */
export interface TrackWriterExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /**
   * Whether `stop()` asked for it. Otherwise it crashed, or its input ended: FFmpeg finishes the file and
   * exits 0 after 10 s without RTP (a producer paused that long).
   */
  readonly expected: boolean;
  /** The last lines FFmpeg wrote to stderr (what went wrong, if anything). */
  readonly stderrTail: string;
}

export interface TrackWriterEvents {
  /** FFmpeg has written its first picture (video) or its first audio: key frame requests may stop. */
  picture: [];
  /** FFmpeg exited; emitted once. */
  exited: [exit: TrackWriterExit];
}

export interface TrackWriterOptions {
  readonly ffmpegPath: string;
  readonly codec: RecordedCodec;
  readonly ports: RtpPortPair;
  /** Where the Matroska file goes (from the recordings store). */
  readonly outputPath: string;
  readonly log: Logger;
  /** After SIGINT, how long FFmpeg has to finalise the file before SIGKILL (default 15 s). */
  readonly stopTimeoutMs?: number;
}

const STDERR_LINES_KEPT = 12;
/** Beyond FFmpeg's own 10 s wait for RTP that no longer comes, after which it finishes the file by itself. */
const STOP_TIMEOUT_MS = 15_000;

/**
 * One FFmpeg writing one recorded producer to Matroska, codec copied: it reads the SDP on stdin, listens
 * on the tap's ports and writes packets as they come. No shell. `stop()` sends SIGINT, on which FFmpeg
 * writes the file's index and exits (see stop); SIGKILL follows a timeout. Progress lines on stdout tell when it has
 * its first picture; stderr is kept short and logged when it ends.
 */
export class TrackWriter extends EventEmitter<TrackWriterEvents> {
  readonly #child: ChildProcess;
  readonly #options: TrackWriterOptions;
  readonly #stderr: string[] = [];
  #stopping = false;
  #exit: TrackWriterExit | null = null;
  #picture = false;
  readonly #exited: Promise<TrackWriterExit>;

  static start(options: TrackWriterOptions): TrackWriter {
    return new TrackWriter(options);
  }

  private constructor(options: TrackWriterOptions) {
    super();
    this.#options = options;
    const args = [
      '-hide_banner',
      '-loglevel', 'warning',
      '-protocol_whitelist', 'pipe,udp,rtp',
      '-f', 'sdp',
      '-i', 'pipe:0',
      '-map', '0',
      '-c', 'copy',
      // Clusters of at most 2 s, each packet handed to the disk as it is written: a killed FFmpeg loses little.
      '-cluster_time_limit', '2000',
      '-flush_packets', '1',
      '-f', 'matroska',
      '-y', options.outputPath,
      '-progress', 'pipe:1',
      '-stats_period', '1',
    ];
    this.#child = spawn(options.ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.#exit) return;
        this.#exit = { code, signal, expected: this.#stopping, stderrTail: this.stderrTail };
        resolve(this.#exit);
        this.emit('exited', this.#exit);
      };
      this.#child.once('error', (error) => {
        this.#stderr.push(error.message);
        finish(null, null);
      });
      this.#child.once('close', finish);
    });
    this.#child.stdin?.on('error', () => undefined); // FFmpeg gone before it read the SDP: 'exited' says so
    this.#child.stdin?.end(trackSdp(options.codec, options.ports));
    this.#child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.#progress(chunk));
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) this.#stderr.push(line.trim());
      this.#stderr.splice(0, Math.max(0, this.#stderr.length - STDERR_LINES_KEPT));
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get hasPicture(): boolean {
    return this.#picture;
  }

  get exit(): TrackWriterExit | null {
    return this.#exit;
  }

  /** FFmpeg's last stderr lines so far. */
  get stderrTail(): string {
    return this.#stderr.join('\n');
  }

  /** Resolves once FFmpeg has bound its RTP port (so nothing sent is lost); rejects if it exits first or times out. */
  async listening(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#exit) throw new Error(`FFmpeg exited before it listened: ${this.#exit.stderrTail}`);
      if (await udpPortTaken(this.#options.ports.rtpPort)) return;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    throw new Error(`FFmpeg did not listen on ${this.#options.ports.rtpPort} within ${timeoutMs} ms`);
  }

  /**
   * Stops FFmpeg so that it finalises the file (SIGINT), killing it after the timeout. Safe to call twice.
   * FFmpeg reads the signal between packets: call this while the tap still sends, and close the tap after.
   * Without packets (a paused producer, a dead worker) FFmpeg's RTP input gives up after 10 s and the file
   * is still finished; a second SIGINT would be quicker but interrupts the writing of the file's index too.
   */
  stop(): Promise<TrackWriterExit> {
    if (!this.#exit && !this.#stopping) {
      this.#stopping = true;
      this.#child.kill('SIGINT');
      const timer = setTimeout(() => {
        this.#options.log.warn({ pid: this.#child.pid, output: this.#options.outputPath }, 'FFmpeg did not finish the track in time; killed');
        this.#child.kill('SIGKILL');
      }, this.#options.stopTimeoutMs ?? STOP_TIMEOUT_MS);
      void this.#exited.then(() => clearTimeout(timer));
    }
    return this.#exited;
  }

  /** Kills FFmpeg at once (it never got a packet: there is no file worth finishing). */
  kill(): Promise<TrackWriterExit> {
    if (!this.#exit) {
      this.#stopping = true;
      this.#child.kill('SIGKILL');
    }
    return this.#exited;
  }

  #progress(chunk: string): void {
    if (this.#picture) return;
    const isVideo = this.#options.codec.mimeType.toLowerCase().startsWith('video/');
    for (const line of chunk.split('\n')) {
      const [key, value] = line.trim().split('=');
      const count = Number(value);
      const written = isVideo ? key === 'frame' && count > 0 : key === 'total_size' && count > 0;
      if (!written) continue;
      this.#picture = true;
      this.emit('picture');
      return;
    }
  }
}
