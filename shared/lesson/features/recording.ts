import { Type, type Static } from 'typebox';
import { RECORDING_CUTS, RECORDING_POLICIES } from '../../api/recordings.js';
import { Strict } from '../strict.js';

/*
 * The lesson's recording (录制), live: the lead teacher starts and stops it under the course's
 * `teacher_choice` policy (`always` records from the lesson's start and cannot be stopped; `never` refuses).
 * Every site is told the state and shows the 「录制中」 indicator (spread into ../protocol.ts).
 */

/** The lesson's recording as every site sees it (also in the join snapshot, for a site joining later). */
export const RecordingStateView = Type.Object({
  state: Type.Union([Type.Literal('off'), Type.Literal('recording')]),
  /** When the state began (ISO): the indicator's elapsed time counts from it. */
  since: Type.String(),
  /** The recording being written (while `recording`), or the one just stopped. */
  recordingId: Type.Optional(Type.Integer()),
  /** Why the last recording stopped before anyone asked it to (disk low, worker died …). */
  cut: Type.Optional(Type.Enum(RECORDING_CUTS)),
  /** The course's policy: the lead teacher's button is shown only under `teacher_choice`. */
  policy: Type.Enum(RECORDING_POLICIES),
});
export type RecordingStateView = Static<typeof RecordingStateView>;

export const RECORDING_REQUESTS = {
  /** Lead teacher: start recording (refused under `never`, or with too little disk or no FFmpeg). */
  'recording:start': { payload: Strict({}), data: RecordingStateView },
  /** Lead teacher: stop recording (refused under `always`). */
  'recording:stop': { payload: Strict({}), data: RecordingStateView },
} as const;

export const RECORDING_EVENTS = {
  /** The lesson's recording started or stopped (for every site). */
  'recording:state': RecordingStateView,
} as const;
