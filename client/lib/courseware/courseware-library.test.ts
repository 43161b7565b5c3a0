import { describe, expect, it } from 'vitest';
import { MAX_COURSEWARE_BYTES, type CoursewareView } from '../../../shared/api/courseware.js';
import { ApiError } from '../api.js';
import type { CoursewareApi } from './courseware-api.js';
import { CoursewareLibrary, type Schedule } from './courseware-library.svelte.js';

const view = (id: number, overrides: Partial<CoursewareView> = {}): CoursewareView => ({
  id,
  courseId: 7,
  title: `课件${id}`,
  fileName: `课件${id}.pdf`,
  sourceKind: 'pdf',
  sizeBytes: 1000,
  status: 'ready',
  progress: 100,
  pageCount: 3,
  error: null,
  uploadedBy: '王老师',
  createdAt: '2026-11-29T06:00:00Z',
  ...overrides,
});
/** A picked file: a Blob with a name (and, for the size check, a pretended size). */
const file = (name: string, size = 10) => Object.assign(Object.defineProperty(new Blob([new Uint8Array(10)]), 'size', { value: size }), { name });

/** The routes as a server would answer them, with a conversion that advances each time it is asked about. */
function fakeServer() {
  const calls: string[] = [];
  const asked = new Map<number, number>();
  let nextId = 10;
  const api: Pick<CoursewareApi, 'list' | 'upload' | 'view' | 'rename' | 'remove'> = {
    list: async () => ({ items: [view(1)] }),
    upload: async (_courseId, _file, name, onProgress) => {
      calls.push(`upload ${name}`);
      onProgress(0.4);
      onProgress(1);
      if (name.startsWith('坏')) throw new ApiError(422, 'broken_file', `文件“${name}”已损坏`);
      const office = name.endsWith('.pptx');
      return view(++nextId, { fileName: name, title: name, sourceKind: office ? 'pptx' : 'pdf', status: office ? 'converting' : 'ready', progress: office ? 0 : 100, pageCount: office ? null : 3 });
    },
    view: async (id) => {
      const n = (asked.get(id) ?? 0) + 1;
      asked.set(id, n);
      calls.push(`view ${id}`);
      return n < 2 ? view(id, { sourceKind: 'pptx', status: 'converting', progress: 40, pageCount: null }) : view(id, { sourceKind: 'pptx', pageCount: 2 });
    },
    rename: async (id, title) => view(id, { title }),
    remove: async (id) => {
      calls.push(`remove ${id}`);
      return null;
    },
  };
  return { api, calls };
}

/** A schedule the test runs by hand. */
function manualSchedule() {
  const pending: Array<() => void> = [];
  const schedule: Schedule = (run) => {
    pending.push(run);
    return () => pending.splice(pending.indexOf(run), 1);
  };
  return { schedule, pending };
}

describe('CoursewareLibrary', () => {
  it('shows an uploaded PPTX converting, asks about it every second until it is ready, then stops asking', async () => {
    const server = fakeServer();
    const clock = manualSchedule();
    const library = new CoursewareLibrary(server.api, clock.schedule);
    await library.load(7);
    const uploading = library.upload(file('春晓.pptx'));
    expect(library.uploads.map((u) => u.name)).toEqual(['春晓.pptx']);
    const uploaded = await uploading;
    expect(uploaded?.status).toBe('converting');
    expect(library.uploads).toEqual([]);
    expect(library.items.map((i) => [i.id, i.status])).toEqual([[11, 'converting'], [1, 'ready']]);
    expect(library.polling).toBe(true);
    expect(clock.pending).toHaveLength(1);

    await library.refreshConverting();
    expect(library.items[0]).toMatchObject({ status: 'converting', progress: 40 });
    expect(library.polling).toBe(true);
    await library.refreshConverting();
    expect(library.items[0]).toMatchObject({ status: 'ready', pageCount: 2 });
    expect(library.polling).toBe(false);
    expect(server.calls).toEqual(['upload 春晓.pptx', 'view 11', 'view 11']);
  });

  it('reports upload progress while the file is sent', async () => {
    const seen: number[] = [];
    const { api } = fakeServer();
    const library = new CoursewareLibrary({ ...api, upload: async (c, f, n, onProgress) => api.upload(c, f, n, (x) => (onProgress(x), seen.push(library.uploads[0]?.fraction ?? -1))) }, manualSchedule().schedule);
    await library.load(7);
    await library.upload(file('第一课.pdf'));
    expect(seen).toEqual([0.4, 1]);
  });

  it('refuses a file of another kind or over the limit before sending it, and shows the server refusing a broken one', async () => {
    const server = fakeServer();
    const library = new CoursewareLibrary(server.api, manualSchedule().schedule);
    await library.load(7);
    expect(await library.upload(file('照片.png'))).toBeNull();
    expect(library.problem).toEqual({ kind: 'wrong_type', name: '照片.png' });
    expect(await library.upload(file('大.pdf', MAX_COURSEWARE_BYTES + 1))).toBeNull();
    expect(library.problem).toEqual({ kind: 'too_large', name: '大.pdf' });
    expect(await library.upload(file('坏的.pdf'))).toBeNull();
    expect(library.problem).toEqual({ kind: 'api', message: '文件“坏的.pdf”已损坏' });
    expect(server.calls).toEqual(['upload 坏的.pdf']);
    expect(library.items.map((i) => i.id)).toEqual([1]);
  });

  it('renames and removes with the server', async () => {
    const server = fakeServer();
    const library = new CoursewareLibrary(server.api, manualSchedule().schedule);
    await library.load(7);
    expect(await library.rename(1, '第一课 春天')).toBe(true);
    expect(library.items[0]?.title).toBe('第一课 春天');
    await library.remove(1);
    expect(library.items).toEqual([]);
    expect(server.calls).toEqual(['remove 1']);
  });

  it('stops asking when the page is left', async () => {
    const server = fakeServer();
    const clock = manualSchedule();
    const library = new CoursewareLibrary({ ...server.api, list: async () => ({ items: [view(3, { status: 'converting', progress: 10 })] }) }, clock.schedule);
    await library.load(7);
    expect(clock.pending).toHaveLength(1);
    library.close();
    expect(clock.pending).toHaveLength(0);
    expect(library.polling).toBe(false);
  });
});
