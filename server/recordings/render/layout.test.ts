import { describe, expect, it } from 'vitest';
import { renderArguments } from './ffmpeg-args.js';
import { planProgramme, type ProgrammeTrack } from './layout.js';

const T0 = new Date('2026-03-02T01:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const recording = { startedAt: T0, endedAt: at(20), durationMs: 20_000 };

let nextId = 1;
function track(participantId: string, role: ProgrammeTrack['role'], source: ProgrammeTrack['source'], from: number, to: number | null, mediaSeconds: number | null = to === null ? null : to - from): ProgrammeTrack {
  return { id: nextId++, participantId, role, source, kind: source === 'mic' ? 'audio' : 'video', startedAt: at(from), endedAt: to === null ? null : at(to), mediaMs: mediaSeconds === null ? null : mediaSeconds * 1000 };
}

/** The segments as [from s, to s, "layer:track" …] — what a viewer would see when. */
const seen = (plan: ReturnType<typeof planProgramme>) => plan.segments.map((s) => [s.fromMs / 1000, s.toMs / 1000, ...s.placements.map((p) => `${p.layer}:${p.trackId}`)]);

describe('planProgramme', () => {
  it("fills the frame with the teacher's camera, and with a share (camera inset) while it runs", () => {
    const camera = track('T', 'teacher', 'camera', 0, 20);
    const mic = track('T', 'teacher', 'mic', 0, 20);
    const share = track('T', 'teacher', 'screen', 4, 8);
    const plan = planProgramme(recording, [camera, mic, share]);
    expect(plan.durationMs).toBe(20_000);
    expect(seen(plan)).toEqual([
      [0, 4, `main:${camera.id}`],
      [4, 8, `main:${share.id}`, `inset:${camera.id}`],
      [8, 20, `main:${camera.id}`],
    ]);
    const inset = plan.segments[1]!.placements[1]!;
    expect(inset.x + inset.w).toBeLessThanOrEqual(1280);
    expect(inset.w).toBeLessThan(1280 / 2);
    expect(plan.audio.map((a) => [a.trackId, a.fromMs, a.toMs])).toEqual([[mic.id, 0, 20_000]]);
  });

  it('puts sites on the stage in a row of tiles along the bottom while their cameras run, in the order they came', () => {
    const camera = track('T', 'teacher', 'camera', 0, 20);
    const a = track('A', 'stage', 'camera', 6, 10);
    const b = track('B', 'stage', 'camera', 8, 12);
    const plan = planProgramme(recording, [camera, b, a]);
    expect(seen(plan)).toEqual([
      [0, 6, `main:${camera.id}`],
      [6, 8, `main:${camera.id}`, `tile:${a.id}`],
      [8, 10, `main:${camera.id}`, `tile:${a.id}`, `tile:${b.id}`],
      [10, 12, `main:${camera.id}`, `tile:${b.id}`],
      [12, 20, `main:${camera.id}`],
    ]);
    const [, tileA, tileB] = plan.segments[2]!.placements;
    expect(tileA!.x).toBeLessThan(tileB!.x);
    expect(tileA!.y + tileA!.h).toBeLessThanOrEqual(720);
    expect(tileA!.y).toBeGreaterThan(720 / 2);
    expect(tileA!.x + tileA!.w).toBeLessThanOrEqual(tileB!.x);
  });

  it('shrinks tiles so that a full stage still fits in one row, on even pixels', () => {
    const tiles = Array.from({ length: 7 }, (_, i) => track(`S${i}`, 'stage', 'camera', 0, 20));
    const [segment] = planProgramme(recording, tiles).segments;
    expect(segment!.placements).toHaveLength(7);
    const last = segment!.placements.at(-1)!;
    expect(last.x + last.w).toBeLessThanOrEqual(1280);
    for (const p of segment!.placements) expect([p.x % 2, p.y % 2, p.w % 2, p.h % 2]).toEqual([0, 0, 0, 0]);
  });

  it('is black where nothing is, and places a late first track at its offset', () => {
    const camera = track('T', 'teacher', 'camera', 5, 15);
    const mic = track('T', 'teacher', 'mic', 5.5, 15);
    const plan = planProgramme(recording, [camera, mic]);
    expect(seen(plan)).toEqual([[0, 5], [5, 15, `main:${camera.id}`], [15, 20]]);
    expect(plan.audio[0]).toMatchObject({ offsetMs: 5_500, fromMs: 5_500, toMs: 15_000 });
  });

  it('ends a truncated track where its file ends, not where its row says (or at the recording end when the row has none)', () => {
    const camera = track('T', 'teacher', 'camera', 0, 20, 9);
    const share = track('T', 'teacher', 'screen', 4, null, 2.5);
    const plan = planProgramme(recording, [camera, share]);
    expect(seen(plan)).toEqual([[0, 4, `main:${camera.id}`], [4, 6.5, `main:${share.id}`, `inset:${camera.id}`], [6.5, 9, `main:${camera.id}`], [9, 20]]);
  });

  it('cuts tracks at the recording end and leaves out tracks with no media inside it', () => {
    const camera = track('T', 'teacher', 'camera', 0, 30);
    const after = track('T', 'teacher', 'mic', 21, 25);
    const empty = track('A', 'stage', 'camera', 3, 3, 0);
    const plan = planProgramme(recording, [camera, after, empty]);
    expect(seen(plan)).toEqual([[0, 20, `main:${camera.id}`]]);
    expect(plan.audio).toEqual([]);
    expect(plan.video.map((v) => v.trackId)).toEqual([camera.id]);
  });

  it('shows the newer of two overlapping camera tracks (a camera re-opened before the old track closed)', () => {
    const old = track('T', 'teacher', 'camera', 0, 12);
    const fresh = track('T', 'teacher', 'camera', 10, 20);
    expect(seen(planProgramme(recording, [old, fresh]))).toEqual([[0, 10, `main:${old.id}`], [10, 20, `main:${fresh.id}`]]);
  });

  it('takes its length from the recording, else from its span, else from its tracks', () => {
    const camera = track('T', 'teacher', 'camera', 0, 14);
    expect(planProgramme({ startedAt: T0, endedAt: at(12), durationMs: null }, [camera]).durationMs).toBe(12_000);
    expect(planProgramme({ startedAt: T0, endedAt: null, durationMs: null }, [camera]).durationMs).toBe(14_000);
  });
});

describe('renderArguments', () => {
  const camera = track('T', 'teacher', 'camera', 0, 20);
  const mic = track('T', 'teacher', 'mic', -1, 20, 21);
  const share = track('T', 'teacher', 'screen', 4, 8);
  const plan = planProgramme(recording, [camera, mic, share]);
  const args = renderArguments(plan, { inputs: new Map([[camera.id, '/r/cam era.mkv'], [mic.id, '/r/mic.mkv'], [share.id, '/r/share.mkv']]), high: '/r/high.mp4', low: '/r/low.mp4' });
  const graph = args[args.indexOf('-filter_complex') + 1]!;

  it('decodes every track once and writes both renditions from one graph', () => {
    expect(args.filter((a) => a === '-i')).toHaveLength(3);
    expect(args).toContain('/r/cam era.mkv');
    expect(args.slice(-1)).toEqual(['/r/low.mp4']);
    expect(args).toContain('/r/high.mp4');
    // The camera is both the main picture and the inset: split from one decode.
    expect(graph).toMatch(/split=2\[v\d+_0\]\[v\d+_1\]/);
  });

  it('reads a track that began before the recording from the recording start', () => {
    expect(args.slice(args.indexOf('/r/mic.mkv') - 3, args.indexOf('/r/mic.mkv'))).toEqual(['-ss', '1.000', '-i']);
  });

  it('mixes audio without lowering it, and caps the low rendition', () => {
    expect(graph).toContain('normalize=0');
    expect(graph).toContain("enable='gte(t,4.000)*lt(t,8.000)'");
    const low = args.slice(args.lastIndexOf('-map') + 2);
    expect(low).toEqual(expect.arrayContaining(['-maxrate', '300000', '-bufsize', '300000', '-ac', '1', '-b:a', '48000']));
    expect(args).toEqual(expect.arrayContaining(['-progress', 'pipe:1', '-movflags', '+faststart']));
  });
});
