import { describe, expect, it } from 'vitest';
import type { RecordingDetail, RecordingView } from '../../../shared/api/recordings.js';
import { ApiError } from '../api.js';
import { RecordingReplay, REPLAY_POLL_MS, type Schedule } from './replay.svelte.js';

const view = (overrides: Partial<RecordingView> = {}): RecordingView => ({
  id: 5,
  lessonId: 9,
  courseId: 7,
  title: '春天的歌',
  courseName: '三年级音乐',
  subject: 'music',
  grade: 3,
  lessonKind: 'delivered',
  schoolId: 1,
  schoolName: '城关第一小学',
  teacherId: 2,
  teacherName: '王老师',
  status: 'ready',
  progress: 100,
  failure: null,
  cut: null,
  startedAt: '2026-09-07T09:05:00+08:00',
  endedAt: '2026-09-07T09:35:00+08:00',
  durationSeconds: 1800,
  visibility: null,
  publishedAt: null,
  renditions: [
    { rendition: 'high', url: '/api/recordings/5/media/high', width: 1280, height: 720, bitrate: 1_500_000, sizeBytes: 1 },
    { rendition: 'low', url: '/api/recordings/5/media/low', width: 640, height: 360, bitrate: 380_000, sizeBytes: 1 },
  ],
  canManage: false,
  ...overrides,
});

/** A server whose recording is made while it is asked about: processing twice, then ready. */
function fakeServer(answers: Array<RecordingDetail | ApiError>) {
  let asked = 0;
  return {
    get asked() {
      return asked;
    },
    api: {
      detail: async () => {
        const answer = answers[Math.min(asked++, answers.length - 1)]!;
        if (answer instanceof ApiError) throw answer;
        return answer;
      },
    },
  };
}
/** A schedule the test runs by hand. */
function manualSchedule() {
  const pending: Array<{ task: () => void; ms: number }> = [];
  const schedule: Schedule = (task, ms) => {
    const entry = { task, ms };
    pending.push(entry);
    return () => pending.splice(pending.indexOf(entry) >>> 0, 1);
  };
  return { schedule, pending, runNext: () => pending.shift()?.task() };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('RecordingReplay', () => {
  it('polls a recording while it is made, then plays the rendition picked for the link', async () => {
    const processing = { recording: view({ status: 'processing', progress: 30, renditions: [] }), chapters: [] };
    const server = fakeServer([processing, { ...processing, recording: { ...processing.recording, progress: 80 } }, { recording: view(), chapters: [] }]);
    const timer = manualSchedule();
    const replay = new RecordingReplay(server.api, { choose: async () => 'low' }, () => undefined, timer.schedule);
    await replay.load(5);
    expect(replay.detail?.recording.progress).toBe(30);
    expect(replay.src).toBeNull();
    expect(timer.pending.map((p) => p.ms)).toEqual([REPLAY_POLL_MS]);
    timer.runNext();
    await settle();
    expect(replay.detail?.recording.progress).toBe(80);
    timer.runNext();
    await settle();
    expect(replay.detail?.recording.status).toBe('ready');
    expect(replay.src).toBe('/api/recordings/5/media/low');
    expect(replay.autoLow).toBe(true);
    expect(timer.pending).toEqual([]);
  });

  it("lets the viewer choose 高清 over the automatic pick, and the speed", async () => {
    const replay = new RecordingReplay(fakeServer([{ recording: view(), chapters: [] }]).api, { choose: async () => 'low' });
    await replay.load(5);
    replay.choose('high');
    expect(replay.src).toBe('/api/recordings/5/media/high');
    expect(replay.autoLow).toBe(false);
    replay.setSpeed(1.5);
    expect(replay.speed).toBe(1.5);
    expect(replay.renditions).toEqual(['high', 'low']);
  });

  it('says why it cannot play, and stops asking once closed', async () => {
    const timer = manualSchedule();
    const refused = new RecordingReplay(fakeServer([new ApiError(403, 'forbidden', '您没有权限')]).api, { choose: async () => 'high' }, () => undefined, timer.schedule);
    await refused.load(5);
    expect(refused.error).toBe('您没有权限');
    expect(timer.pending).toEqual([]);
    const processing = { recording: view({ status: 'processing', renditions: [] }), chapters: [] };
    const polling = new RecordingReplay(fakeServer([processing]).api, { choose: async () => 'high' }, () => undefined, timer.schedule);
    await polling.load(5);
    expect(timer.pending).toHaveLength(1);
    polling.close();
    expect(timer.pending).toHaveLength(0);
  });
});
