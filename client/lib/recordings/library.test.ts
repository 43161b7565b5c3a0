import { describe, expect, it } from 'vitest';
import type { RecordingQuery, RecordingView } from '../../../shared/api/recordings.js';
import { ApiError } from '../api.js';
import { RecordingLibrary } from './library.svelte.js';

const view = (id: number, overrides: Partial<RecordingView> = {}): RecordingView => ({
  id,
  lessonId: 9,
  courseId: 7,
  title: `录像${id}`,
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
  endedAt: null,
  durationSeconds: 1800,
  visibility: null,
  publishedAt: null,
  renditions: [],
  canManage: true,
  ...overrides,
});

function fakeServer(total = 30) {
  const asked: RecordingQuery[] = [];
  return {
    asked,
    api: {
      list: async (query: RecordingQuery) => {
        asked.push(query);
        const page = query.page ?? 1;
        const ids = Array.from({ length: total }, (_, i) => i + 1).slice((page - 1) * 24, page * 24);
        return { items: ids.map((id) => view(id)), total, page, pageSize: 24 };
      },
      update: async (id: number, change: { title?: string; visibility?: RecordingView['visibility'] }) => {
        if (change.visibility === 'everyone' && id === 3) throw new ApiError(409, 'conflict', '录像还没有生成');
        return view(id, { ...(change.title ? { title: change.title } : {}), ...(change.visibility !== undefined ? { visibility: change.visibility } : {}) });
      },
      remove: async () => null,
    },
  };
}

describe('RecordingLibrary', () => {
  it('asks with the filters, leaving empty ones out, and starts new filters at the first page', async () => {
    const server = fakeServer();
    const library = new RecordingLibrary(server.api);
    await library.goTo(2);
    expect(library.page).toBe(1); // nothing loaded yet: one page
    await library.load();
    await library.goTo(2);
    expect(library.items.map((r) => r.id)).toEqual([25, 26, 27, 28, 29, 30]);
    await library.filter({ subject: 'music', q: '', schoolId: undefined });
    expect(server.asked.at(-1)).toEqual({ subject: 'music', page: 1 });
    expect(library.pages).toBe(2);
  });

  it("lists the teacher's own recordings with `mine`, and shows a change as the server answered it", async () => {
    const server = fakeServer(5);
    const mine = new RecordingLibrary(server.api, true);
    await mine.load();
    expect(server.asked.at(-1)).toEqual({ page: 1, mine: true });
    expect(await mine.change(2, { visibility: 'region' })).toBe(true);
    expect(mine.items.find((r) => r.id === 2)?.visibility).toBe('region');
    expect(await mine.change(3, { visibility: 'everyone' })).toBe(false);
    expect(mine.error).toBe('录像还没有生成');
    expect(mine.items.find((r) => r.id === 3)?.visibility).toBeNull();
  });
});
