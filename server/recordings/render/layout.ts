import type { RecordingTrackRole, RecordingTrackSource } from '../../../shared/api/recordings.js';

/*
 * The programme of a recording: what a viewer sees and hears at every moment, decided from the tracks alone
 * (no FFmpeg here, so it is tested as a plain function). Every track sits in the programme at
 * `track.startedAt − recording.startedAt` — the recorder stamps a track with the wall instant of its first
 * media — and lasts until the earliest of its recorded end, the end of the media actually in its file (a
 * recorder killed mid-write leaves a shorter file than its row says) and the end of the recording.
 *
 * The picture, 1280×720: the lead teacher's camera fills the frame; while she shares her screen, the share
 * fills it and her camera is an inset in the top-right corner; sites on the stage are tiles in a row along
 * the bottom while their cameras run; black where nothing is. The sound: every audio track mixed.
 */

export const PROGRAMME = { width: 1280, height: 720, fps: 25 } as const;
/** The teacher's camera while a share fills the frame: a quarter of the width, in the top-right corner. */
export const INSET = { width: 320, height: 180, margin: 16 } as const;
/** Stage tiles: 16:9, at most this wide, shrunk so that every tile on the stage fits in one row. */
export const TILE = { maxWidth: 256, gap: 16 } as const;

/** A recorded track as the planner needs it (a row of `recording_tracks` and what probing its file found). */
export interface ProgrammeTrack {
  id: number;
  participantId: string;
  role: RecordingTrackRole;
  source: RecordingTrackSource;
  kind: 'audio' | 'video';
  startedAt: Date;
  /** Null when the recorder never closed the track (killed): the file's own length decides. */
  endedAt: Date | null;
  /** How much media the file really holds (its last packet's end), ms; null when it could not be read. */
  mediaMs: number | null;
}

export interface ProgrammeRecording {
  startedAt: Date;
  endedAt: Date | null;
  durationMs: number | null;
}

/** Where a track is placed, in programme time (ms from the recording's start). */
export interface TrackSpan {
  trackId: number;
  /** Where the track's media time 0 sits in the programme (may be negative: then its start is cut off). */
  offsetMs: number;
  fromMs: number;
  toMs: number;
}

export type PlacementLayer = 'main' | 'inset' | 'tile';

/** One picture in the frame: a track's video scaled to fit w×h (aspect kept, black bars) at x,y. */
export interface Placement {
  trackId: number;
  layer: PlacementLayer;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A stretch of the programme in which the picture's arrangement does not change. */
export interface LayoutSegment {
  fromMs: number;
  toMs: number;
  /** Bottom to top: later ones are drawn over earlier ones. */
  placements: Placement[];
}

export interface ProgrammePlan {
  durationMs: number;
  width: number;
  height: number;
  fps: number;
  /** The video tracks the picture uses, with their spans (each an FFmpeg input). */
  video: TrackSpan[];
  /** Every audio track with media inside the programme (each an FFmpeg input, all mixed). */
  audio: TrackSpan[];
  /** Consecutive, covering [0, durationMs]; a segment with no placements is black. */
  segments: LayoutSegment[];
}

/** The programme's length: the recording's own, else its start–end span, else as long as its tracks run. */
export function programmeDurationMs(recording: ProgrammeRecording, tracks: readonly ProgrammeTrack[]): number {
  if (recording.durationMs !== null && recording.durationMs > 0) return recording.durationMs;
  if (recording.endedAt) return Math.max(0, recording.endedAt.getTime() - recording.startedAt.getTime());
  return Math.max(0, ...tracks.map((track) => spanOf(recording, track, Number.POSITIVE_INFINITY)?.toMs ?? 0));
}

/** Where a track's media lies in the programme, or null when none of it falls inside. */
function spanOf(recording: ProgrammeRecording, track: ProgrammeTrack, durationMs: number): TrackSpan | null {
  const offsetMs = track.startedAt.getTime() - recording.startedAt.getTime();
  const ends = [durationMs];
  if (track.endedAt) ends.push(track.endedAt.getTime() - recording.startedAt.getTime());
  if (track.mediaMs !== null) ends.push(offsetMs + track.mediaMs);
  const fromMs = Math.max(0, offsetMs);
  const toMs = Math.min(...ends);
  return toMs > fromMs ? { trackId: track.id, offsetMs, fromMs, toMs } : null;
}

/**
 * The plan of a recording's programme from its tracks. Tracks with no media inside the programme are left
 * out; a plan with neither video nor audio means the recording has nothing to show (`no_media`).
 */
export function planProgramme(recording: ProgrammeRecording, tracks: readonly ProgrammeTrack[]): ProgrammePlan {
  const durationMs = programmeDurationMs(recording, tracks);
  const spans = new Map<number, TrackSpan>();
  for (const track of tracks) {
    const span = spanOf(recording, track, durationMs);
    if (span) spans.set(track.id, span);
  }
  const placed = tracks.filter((t) => spans.has(t.id));
  const cameras = placed.filter((t) => t.kind === 'video' && t.role === 'teacher' && t.source === 'camera');
  const shares = placed.filter((t) => t.kind === 'video' && t.source === 'screen');
  const stage = placed.filter((t) => t.kind === 'video' && t.role === 'stage' && t.source !== 'screen');
  // Tiles keep the order in which the sites first came on the stage, so a tile does not jump around.
  const stageSites = [...new Set([...stage].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.id - b.id).map((t) => t.participantId))];

  const running = (candidates: readonly ProgrammeTrack[], atMs: number): ProgrammeTrack | undefined =>
    // Two tracks of one kind at once (a camera re-opened before the old track closed): the newer one.
    candidates
      .filter((t) => {
        const span = spans.get(t.id)!;
        return span.fromMs <= atMs && atMs < span.toMs;
      })
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || b.id - a.id)[0];

  const cuts = [...new Set([0, durationMs, ...[...cameras, ...shares, ...stage].flatMap((t) => [spans.get(t.id)!.fromMs, spans.get(t.id)!.toMs])])].sort((a, b) => a - b);
  const segments: LayoutSegment[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const fromMs = cuts[i]!;
    const toMs = cuts[i + 1]!;
    const camera = running(cameras, fromMs);
    const share = running(shares, fromMs);
    const tiles = stageSites.map((site) => running(stage.filter((t) => t.participantId === site), fromMs)).filter((t) => t !== undefined);
    const placements = arrange(camera?.id, share?.id, tiles.map((t) => t.id));
    const last = segments.at(-1);
    if (last && samePlacements(last.placements, placements)) last.toMs = toMs;
    else segments.push({ fromMs, toMs, placements });
  }

  const used = new Set(segments.flatMap((s) => s.placements.map((p) => p.trackId)));
  const byStart = (a: TrackSpan, b: TrackSpan) => a.fromMs - b.fromMs || a.trackId - b.trackId;
  return {
    durationMs,
    ...PROGRAMME,
    video: placed.filter((t) => used.has(t.id)).map((t) => spans.get(t.id)!).sort(byStart),
    audio: placed.filter((t) => t.kind === 'audio').map((t) => spans.get(t.id)!).sort(byStart),
    segments,
  };
}

/** The frame at one moment: the main picture, the teacher's inset while a share runs, then the tiles. */
function arrange(cameraId: number | undefined, shareId: number | undefined, tileIds: readonly number[]): Placement[] {
  const full = { x: 0, y: 0, w: PROGRAMME.width, h: PROGRAMME.height };
  const placements: Placement[] = [];
  if (shareId !== undefined) {
    placements.push({ trackId: shareId, layer: 'main', ...full });
    if (cameraId !== undefined) {
      placements.push({ trackId: cameraId, layer: 'inset', x: PROGRAMME.width - INSET.width - INSET.margin, y: INSET.margin, w: INSET.width, h: INSET.height });
    }
  } else if (cameraId !== undefined) {
    placements.push({ trackId: cameraId, layer: 'main', ...full });
  }
  if (tileIds.length > 0) {
    const n = tileIds.length;
    const w = even(Math.min(TILE.maxWidth, (PROGRAMME.width - (n + 1) * TILE.gap) / n));
    const h = even((w * 9) / 16);
    const rowWidth = n * w + (n - 1) * TILE.gap;
    const left = even((PROGRAMME.width - rowWidth) / 2);
    tileIds.forEach((trackId, i) => placements.push({ trackId, layer: 'tile', x: left + i * (w + TILE.gap), y: PROGRAMME.height - h - TILE.gap, w, h }));
  }
  return placements;
}

/** H.264 in 4:2:0 wants even sizes and positions. */
const even = (value: number): number => 2 * Math.floor(value / 2);

function samePlacements(a: readonly Placement[], b: readonly Placement[]): boolean {
  return a.length === b.length && a.every((p, i) => {
    const q = b[i]!;
    return p.trackId === q.trackId && p.layer === q.layer && p.x === q.x && p.y === q.y && p.w === q.w && p.h === q.h;
  });
}
