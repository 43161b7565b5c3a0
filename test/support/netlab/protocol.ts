/**
 * The messages between a lab link (test process) and its forwarder (a child process, over Node's IPC).
 * Directions are named from the namespace host's point of view: the downlink carries what the site
 * receives (host side → namespace), the uplink what it sends.
 */
import type { DirectionCounters, Impairment } from './impairment.js';

/**
 * Flapping: the whole link goes down for a random `downMs[0]..downMs[1]` once every `everyMs`. The first
 * drop comes after `firstAfterMs` (default: `everyMs` minus the longest drop), so a bounded test can make
 * it come at once.
 */
export interface FlapSchedule {
  everyMs: number;
  downMs: [number, number];
  firstAfterMs?: number;
}

/** A link setting: each direction replaced as a whole (missing fields = no impairment); `flap` null stops flapping. */
export interface LinkSetting {
  downlink?: Partial<Impairment>;
  uplink?: Partial<Impairment>;
  flap?: FlapSchedule | null;
}

export interface LinkCounters {
  downlink: DirectionCounters;
  uplink: DirectionCounters;
  /** Packets a TUN device refused (device not up yet, for instance). */
  writeErrors: number;
}

export type ToForwarder = { type: 'set'; id: number; setting: LinkSetting } | { type: 'counters'; id: number };

export type FromForwarder =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; counters: LinkCounters }
  /** A flapping link went down or came back (ms since the epoch). */
  | { type: 'flap'; down: boolean; at: number };
