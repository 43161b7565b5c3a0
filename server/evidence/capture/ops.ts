import type { attendanceIntervals, LEAVE_REASONS, MEDIA_STATE_KINDS, mediaStateIntervals, participationEvents, qualitySamples } from '../../db/schema/evidence.js';

export type LeaveReason = (typeof LEAVE_REASONS)[number];
export type MediaStateKind = (typeof MEDIA_STATE_KINDS)[number];

/**
 * One write the recorder has decided on, waiting in the buffer. Opens are inserts; closes and heartbeats
 * find the open row by (lesson session, participant[, kind]) — a participant has at most one open
 * attendance interval, and one open interval per media-state kind — so no row id has to travel back.
 * Ops are applied in the order they were made.
 */
export type EvidenceOp =
  | { op: 'attendance-open'; row: typeof attendanceIntervals.$inferInsert }
  | { op: 'attendance-close'; lessonSessionId: number; participantId: string; leftAt: Date; reason: LeaveReason }
  | { op: 'attendance-headcount'; lessonSessionId: number; participantId: string; headcount: number }
  /** The sites still connected were seen alive at `at` (a crash closes their intervals there). */
  | { op: 'attendance-heartbeat'; lessonSessionId: number; participantIds: string[]; at: Date }
  | { op: 'media-open'; row: typeof mediaStateIntervals.$inferInsert }
  | { op: 'media-close'; lessonSessionId: number; participantId: string; kind: MediaStateKind; endedAt: Date }
  | { op: 'participation'; row: typeof participationEvents.$inferInsert }
  | { op: 'quality'; row: typeof qualitySamples.$inferInsert }
  /** Some of the lesson's evidence was lost (the buffer added this itself; it is never dropped). */
  | { op: 'evidence-incomplete'; lessonSessionId: number };

/** Where the buffer's batches go: the evidence repository, or a fake in tests. */
export interface EvidenceSink {
  /** Applies the ops in order, all or nothing. */
  apply(ops: readonly EvidenceOp[]): Promise<void>;
  /** Applies the ops in order, each on its own; resolves to the ops that failed, with their errors. */
  applyEach(ops: readonly EvidenceOp[]): Promise<Array<{ op: EvidenceOp; error: unknown }>>;
}
