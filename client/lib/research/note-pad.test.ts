import { describe, expect, it } from 'vitest';
import type { ObservationNote, ObservationNoteCreate, ObservationView } from '../../../shared/api/research-observations.js';
import { ApiError } from '../api.js';
import { formatLessonTime, liveLessonTime, NotePad, recordingLink, replayLessonTime } from './note-pad.svelte.js';

const observation = (overrides: Partial<ObservationView> = {}): ObservationView => ({
  id: 3,
  lessonSessionId: 9,
  courseId: 7,
  mode: 'live',
  courseName: '三年级音乐',
  schoolName: '城关第一小学',
  leadTeacher: { id: 2, name: '王老师' },
  lessonStartedAt: '2026-09-07T09:00:00+08:00',
  lessonEndedAt: null,
  recordings: [{ id: 5, title: '录像', offsetMs: 60_000, durationMs: 30 * 60_000, ready: true }],
  submitted: false,
  reviewClosed: false,
  notes: [],
  ...overrides,
});

/** The notes routes over an in-memory list, as the server answers them. */
function fakeApi(view: ObservationView) {
  const sent: ObservationNoteCreate[] = [];
  let next = 100;
  const note = (n: ObservationNoteCreate): ObservationNote => ({ id: next++, ...n, createdAt: '', updatedAt: '' });
  return {
    sent,
    api: {
      open: async () => view,
      addNote: async (_id: number, n: ObservationNoteCreate) => {
        sent.push(n);
        return note(n);
      },
      updateNote: async (_id: number, noteId: number, text: string) => ({ id: noteId, atMs: 0, mode: 'live' as const, text, createdAt: '', updatedAt: '' }),
      removeNote: async () => null,
    },
  };
}

describe('lesson time', () => {
  it('stamps a live note with the time since the lesson started', () => {
    expect(liveLessonTime('2026-09-07T09:00:00+08:00', Date.parse('2026-09-07T09:12:34.5+08:00'))).toBe(754_500);
    // A clock slightly behind the server's start never stamps before the lesson.
    expect(liveLessonTime('2026-09-07T09:00:00+08:00', Date.parse('2026-09-07T08:59:59+08:00'))).toBe(0);
  });

  it('stamps a replay note with the recording’s offset in the lesson plus the playback position', () => {
    expect(replayLessonTime(90_000, 125.25)).toBe(215_250);
    expect(replayLessonTime(0, 0)).toBe(0);
  });

  it('shows lesson time as mm:ss, with hours past an hour', () => {
    expect(formatLessonTime(754_500)).toBe('12:34');
    expect(formatLessonTime(5_000)).toBe('00:05');
    expect(formatLessonTime(3_725_000)).toBe('1:02:05');
  });

  it('links a moment to the ready recording covering it, at the seconds into that recording', () => {
    const recordings = observation().recordings;
    expect(recordingLink(recordings, 61_000 + 30_000)).toBe('/recordings/5?t=31');
    expect(recordingLink(recordings, 59_000)).toBeNull();
    expect(recordingLink(recordings, 60_000 + 30 * 60_000 + 1)).toBeNull();
    expect(recordingLink([{ ...recordings[0]!, ready: false }], 90_000)).toBeNull();
    // The review's recordings say nothing of `ready`: a finished one links, one still recording (no length) does not.
    expect(recordingLink([{ id: 9, offsetMs: 60_000, durationMs: 600_000 }, { id: 10, offsetMs: 700_000, durationMs: null }], 754_000)).toBeNull();
    expect(recordingLink([{ id: 9, offsetMs: 60_000, durationMs: 600_000 }], 90_500)).toBe('/recordings/9?t=30');
  });
});

describe('the note pad', () => {
  it('stamps each note with the clock’s lesson time when written and keeps them in lesson-time order', async () => {
    const { api, sent } = fakeApi(observation());
    let now = Date.parse('2026-09-07T09:10:00+08:00');
    const pad = new NotePad(api, 'live', () => liveLessonTime('2026-09-07T09:00:00+08:00', now));
    await pad.open(9);
    expect(await pad.add('  导入用歌曲  ')).toBe(true);
    now = Date.parse('2026-09-07T09:02:00+08:00');
    await pad.add('更早的时刻');
    expect(sent).toEqual([
      { atMs: 600_000, text: '导入用歌曲', mode: 'live' },
      { atMs: 120_000, text: '更早的时刻', mode: 'live' },
    ]);
    expect(pad.notes.map((n) => n.atMs)).toEqual([120_000, 600_000]);
    expect(pad.linkOf(pad.notes[1]!)).toBe('/recordings/5?t=540');
  });

  it('stamps a replay note from the playback position', async () => {
    const { api, sent } = fakeApi(observation({ mode: 'replay' }));
    let position = 42;
    const pad = new NotePad(api, 'replay', () => replayLessonTime(60_000, position));
    await pad.open(9);
    await pad.add('板书清楚');
    position = 300.4;
    await pad.add('提问');
    expect(sent.map((n) => [n.atMs, n.mode])).toEqual([
      [102_000, 'replay'],
      [360_400, 'replay'],
    ]);
  });

  it('writes nothing without text, without a clock, or once the review closed', async () => {
    const { api, sent } = fakeApi(observation({ reviewClosed: true }));
    const closed = new NotePad(api, 'live', () => 1000);
    await closed.open(9);
    expect(closed.writable).toBe(false);
    expect(await closed.add('关了')).toBe(false);
    const open = new NotePad(fakeApi(observation()).api, 'live', () => null);
    await open.open(9);
    expect(await open.add('没有时钟')).toBe(false);
    expect(await open.add('   ')).toBe(false);
    expect(sent).toEqual([]);
  });

  it('edits and removes her notes, and shows the server’s refusal', async () => {
    const { api } = fakeApi(observation({ notes: [{ id: 1, atMs: 5000, mode: 'live', text: '旧', createdAt: '', updatedAt: '' }] }));
    const pad = new NotePad({ ...api, addNote: async () => Promise.reject(new ApiError(400, 'bad_request', '时间不在这节课内')) }, 'live', () => 1000);
    await pad.open(9);
    await pad.edit(1, '新');
    expect(pad.notes.map((n) => n.text)).toEqual(['新']);
    expect(await pad.add('被拒绝')).toBe(false);
    expect(pad.error).toBe('时间不在这节课内');
    await pad.remove(1);
    expect(pad.notes).toEqual([]);
  });
});
