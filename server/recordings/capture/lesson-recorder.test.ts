/**
 * The recorder of a live lesson, all real: the registry starts a lesson on a real media worker, FFmpeg
 * sends a camera and a microphone as RTP into it, the recorder's FFmpeg writes the tracks into a directory
 * store, and the rows go to the test store (SQLite, or PostgreSQL with TONGKE_TEST_STORE=postgresql).
 */
import type { ChildProcess } from 'node:child_process';
import type dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaWorkerPool, type LessonMedia } from '../../../media/index.js';
import { plainSender, recordingLogger, vp8Parameters, opusParameters } from '../../../media/testing/lesson.js';
import { LOOPBACK } from '../../../media/testing/rtp.js';
import { createOrganisationFixture, type OrganisationFixture } from '../../../test/support/fixtures.js';
import { courses, recordings } from '../../db/schema/index.js';
import { identity } from '../../lessons/features/testing.js';
import { BEFORE_END_WAIT_MS, LessonRegistry } from '../../lessons/registry.js';
import { LessonsRepository } from '../../lessons/repository.js';
import type { RunningLesson } from '../../lessons/running-lesson.js';
import { DirectoryRecordingStore } from '../storage.js';
import { LessonRecordings } from './lesson-recordings.js';
import { CaptureRepository } from './repository.js';
import { FFMPEG, ffmpegSender, probe } from './testing.js';

const NODE = 'capture-test';
const log = pino({ level: 'silent' });

async function until<T>(what: string, read: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('LessonRecordings', () => {
  let f: OrganisationFixture;
  let pool: MediaWorkerPool;
  let registry: LessonRegistry;
  let service: LessonRecordings;
  let repo: CaptureRepository;
  let store: DirectoryRecordingStore;
  let dir: string;
  let free: number | null;
  const stopped: number[] = [];
  const sockets: dgram.Socket[] = [];
  const senders: ChildProcess[] = [];

  async function start(options: { policy?: 'always' | 'teacher_choice' | 'never' } = {}) {
    if (options.policy) await f.db.update(courses).set({ recordingPolicy: options.policy }).where(eq(courses.id, f.ids.courseId));
    service = await LessonRecordings.create(registry, { repo, store, ffmpegPath: FFMPEG, minFreeMb: 1, nodeId: NODE, log, onRecordingStopped: (id) => void stopped.push(id), ports: { min: 54600, max: 54699 }, diskCheckMs: 300 });
    const running = await registry.start(f.ids.courseId, f.ids.users.teacher, null);
    await until('the recorder', () => service.recorderOf(running.lesson.lessonSessionId));
    const teacher = running.lesson.join(identity(f.ids.users.teacher, 'lead_teacher')).participant;
    const classroom = running.lesson.join(identity(f.ids.users.classroom_device, 'receiving_classroom')).participant;
    return { running, teacher, classroom, recorder: service.recorderOf(running.lesson.lessonSessionId)! };
  }

  /** A site sends a camera or a microphone from FFmpeg for `seconds`. */
  async function sends(running: RunningLesson, participantId: string, source: 'camera' | 'mic', ssrc: number, seconds = 30) {
    const media = running.media as unknown as LessonMedia;
    const sender = await plainSender(media, participantId, sockets);
    const participant = running.lesson.participant(participantId);
    const kind = source === 'mic' ? 'audio' : 'video';
    const producerId = await running.produce(participant, { transportId: sender.transportId, kind, source, rtpParameters: source === 'mic' ? opusParameters(ssrc) : vp8Parameters([ssrc]) });
    senders.push(ffmpegSender(kind, sender.port, ssrc, source === 'mic' ? 100 : 101, seconds));
    return producerId;
  }

  beforeEach(async () => {
    f = await createOrganisationFixture();
    dir = mkdtempSync(join(tmpdir(), 'tongke-recorder-'));
    free = null;
    const real = new DirectoryRecordingStore(dir);
    // The real directory; its free space can be made to run low.
    store = Object.assign(real, { freeBytes: async () => free ?? DirectoryRecordingStore.prototype.freeBytes.call(real) });
    repo = new CaptureRepository(f.db);
    stopped.length = 0;
    pool = await MediaWorkerPool.create({ workerCount: 1, rtcMinPort: 54500, rtcMaxPort: 54579, listenIp: LOOPBACK, announcedIp: '', webRtcServerPort: 54590, logger: recordingLogger([]) });
    registry = await LessonRegistry.create(new LessonsRepository(f.db), pool, { nodeId: NODE, reconnectGraceMs: 1000, noLeadTeacherMs: 3_600_000, overrunGraceMs: 3_600_000, mediaRebuildMs: 10_000 }, log);
  });

  afterEach(async () => {
    for (const child of senders.splice(0)) child.kill('SIGKILL');
    await service?.close();
    await registry?.close();
    pool?.close();
    for (const socket of sockets.splice(0)) socket.close();
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the lead teacher, and a site only while it is on stage, each span its own track', async () => {
    const { running, teacher, classroom, recorder } = await start();
    await sends(running, teacher.id, 'camera', 0x5000);
    await sends(running, classroom.id, 'mic', 0x5001);
    const view = await running.lesson.features.recording.start(teacher);
    expect(view).toMatchObject({ state: 'recording', policy: 'teacher_choice' });
    await until('the teacher camera track', () => recorder.tracks.length === 1 && recorder.tracks[0]!.plan.role === 'teacher');

    running.lesson.features.stage.invite(classroom.id);
    await until('the stage mic track', () => recorder.tracks.length === 2);
    // Both have sent their first packets (their rows exist) and then some more.
    await until('both tracks flowing', async () => (await repo.tracksOf(recorder.recordingId!)).length === 2, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    running.lesson.features.stage.return(teacher, classroom.id);
    await until('the stage track ending', () => recorder.tracks.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const recordingId = recorder.recordingId!;
    const stoppedView = await running.lesson.features.recording.stop(teacher);
    expect(stoppedView).toMatchObject({ state: 'off', recordingId });
    expect(stopped).toEqual([recordingId]);
    const row = await repo.recording(recordingId);
    expect(row).toMatchObject({ status: 'processing', cut: null, nodeId: NODE, startedBy: f.ids.users.teacher });
    expect(row!.title).toMatch(/ \d{4}-\d{2}-\d{2}$/);
    const tracks = await until('ended track rows', async () => {
      const found = await repo.tracksOf(recordingId);
      return found.length === 2 && found.every((t) => t.endedAt && t.sizeBytes) ? found : null;
    });
    // Rows are written at each track's first packet, in whatever order those came.
    expect(tracks.map((t) => [t.role, t.source, t.kind]).sort()).toEqual([
      ['stage', 'mic', 'audio'],
      ['teacher', 'camera', 'video'],
    ]);
    for (const track of tracks) {
      const { streams, duration } = probe(await store.pathOf(track.fileKey));
      expect(streams.map((s) => s.codec_name)).toEqual([track.kind === 'video' ? 'vp8' : 'opus']);
      const spanned = (track.endedAt!.getTime() - track.startedAt.getTime()) / 1000;
      expect(Math.abs(duration - spanned), `${track.source}: ${duration} s in the file, ${spanned} s recorded`).toBeLessThan(1);
    }
  }, 90_000);

  it('finishes its files at once when the lesson ends while media flows: each file has its index and full length', async () => {
    const { running, teacher, recorder } = await start();
    await sends(running, teacher.id, 'camera', 0x5200);
    await running.lesson.features.recording.start(teacher);
    const recordingId = recorder.recordingId!;
    await until('the first packets', async () => (await repo.tracksOf(recordingId)).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const endAsked = Date.now();
    await registry.end(f.ids.courseId, f.ids.users.teacher, 'ended_by_teacher');
    // The recording stopped before the media closed (not after FFmpeg gave up waiting for packets).
    expect(Date.now() - endAsked).toBeLessThan(BEFORE_END_WAIT_MS);
    expect(await repo.recording(recordingId)).toMatchObject({ status: 'processing', cut: null });
    const [track] = await repo.tracksOf(recordingId);
    const { duration } = probe(await store.pathOf(track!.fileKey));
    const spanned = (track!.endedAt!.getTime() - track!.startedAt.getTime()) / 1000;
    // A file FFmpeg did not finish (killed) has no duration in its header: ffprobe reads 0.
    expect(Math.abs(duration - spanned), `${duration} s in the file, ${spanned} s recorded`).toBeLessThan(1);
  }, 60_000);

  it('keeps a playable partial file when the worker is killed, and records again once the media is rebuilt', async () => {
    const { running, teacher, recorder } = await start();
    await sends(running, teacher.id, 'camera', 0x5100);
    await running.lesson.features.recording.start(teacher);
    const first = recorder.recordingId!;
    await until('the first packets', async () => (await repo.tracksOf(first)).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 3000));

    process.kill(pool.workers[0]!.pid, 'SIGKILL');
    const cutShort = await until('the recording cut short', async () => {
      const row = await repo.recording(first);
      return row?.status === 'processing' ? row : null;
    }, 25_000);
    expect(cutShort.cut).toBe('worker_died');
    expect(stopped).toContain(first);
    const [track] = await until('the track ended', async () => ((await repo.tracksOf(first))[0]?.sizeBytes ? repo.tracksOf(first) : null));
    const { streams, duration } = probe(await store.pathOf(track!.fileKey));
    expect(streams.map((s) => s.codec_name)).toEqual(['vp8']);
    expect(duration).toBeGreaterThan(2);

    // The lesson's media is rebuilt on the replacement worker: a new recording goes on.
    const next = await until('a new recording', () => (recorder.recordingId && recorder.recordingId !== first ? recorder.recordingId : null), 20_000);
    expect(await repo.recording(next)).toMatchObject({ status: 'recording', startedBy: f.ids.users.teacher });
    expect(running.lesson.features.recording.view).toMatchObject({ state: 'recording', recordingId: next });
  }, 90_000);

  it('stops with cut disk_low when the disk runs low, and refuses to start below the threshold', async () => {
    const { running, teacher, recorder } = await start();
    await sends(running, teacher.id, 'mic', 0x5200);
    await running.lesson.features.recording.start(teacher);
    const id = recorder.recordingId!;
    free = 1024;
    await until('the disk_low stop', async () => (await repo.recording(id))?.status === 'processing');
    expect(await repo.recording(id)).toMatchObject({ cut: 'disk_low' });
    expect(running.lesson.features.recording.view).toMatchObject({ state: 'off', cut: 'disk_low' });
    await expect(running.lesson.features.recording.start(teacher)).rejects.toMatchObject({ code: 'recording_disk_low' });
    expect(await f.db.select().from(recordings)).toHaveLength(1);
  }, 30_000);

  it('follows the course policy: always records from the start and cannot be stopped; never refuses; only the lead teacher', async () => {
    const always = await start({ policy: 'always' });
    await until('the automatic recording', () => always.recorder.recordingId);
    expect(always.running.lesson.features.recording.view).toMatchObject({ state: 'recording', policy: 'always' });
    await expect(always.running.lesson.features.recording.stop(always.teacher)).rejects.toMatchObject({ code: 'recording_required' });
    await expect(always.running.lesson.features.recording.start(always.classroom)).rejects.toMatchObject({ code: 'forbidden' });
    await registry.end(f.ids.courseId, f.ids.users.teacher, 'ended_by_teacher');
    const [ended] = await until('the recording ended with the lesson', async () => {
      const rows = await f.db.select().from(recordings);
      return rows[0]?.status === 'processing' ? rows : null;
    });
    expect(ended).toMatchObject({ cut: null, startedBy: null });
    await service.close();

    const never = await start({ policy: 'never' });
    await expect(never.running.lesson.features.recording.start(never.teacher)).rejects.toMatchObject({ code: 'recording_not_allowed' });
    expect(await f.db.select().from(recordings)).toHaveLength(1);
  }, 30_000);

  it("finishes this node's recordings left open by a crash, with their open tracks sized from disk", async () => {
    const lessonSessionId = await new LessonsRepository(f.db).startSession(f.ids.courseId, f.ids.users.teacher, null, new Date(Date.now() - 60_000), NODE);
    const startedAt = new Date(Date.now() - 50_000);
    const id = await repo.createRecording({ lessonSessionId, courseId: f.ids.courseId, title: 'crashed', nodeId: NODE, startedBy: f.ids.users.teacher, startedAt });
    const elsewhere = await repo.createRecording({ lessonSessionId, courseId: f.ids.courseId, title: 'another node', nodeId: 'node-b', startedBy: null, startedAt });
    const fileKey = `lessons/${lessonSessionId}/${id}/tracks/001-t-camera.mkv`;
    const { execFileSync } = await import('node:child_process');
    execFileSync(FFMPEG, ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=2', '-c:v', 'libvpx', '-f', 'matroska', '-y', await store.pathOf(fileKey)]);
    await repo.addTrack({ recordingId: id, participantId: 't', siteName: '王老师', role: 'teacher', source: 'camera', kind: 'video', fileKey, startedAt });

    service = await LessonRecordings.create(registry, { repo, store, ffmpegPath: FFMPEG, minFreeMb: 1, nodeId: NODE, log, onRecordingStopped: (rid) => void stopped.push(rid) });
    expect(stopped).toEqual([id]);
    expect(await repo.recording(id)).toMatchObject({ status: 'processing', cut: 'server_stopped' });
    expect(await repo.recording(elsewhere)).toMatchObject({ status: 'recording' });
    const [track] = await repo.tracksOf(id);
    expect(track!.sizeBytes).toBe(await store.sizeOf(fileKey));
    expect(track!.endedAt!.getTime()).toBeGreaterThan(startedAt.getTime());
  });
});
