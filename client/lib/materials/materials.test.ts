import { describe, expect, it } from 'vitest';
import type { LessonMaterials, MaterialFigures, MyMaterials } from '../../../shared/api/materials.js';
import { ApiError } from '../api.js';
import { LessonMaterialsManager, MyMaterialsManager, type MaterialsHttp } from './materials.svelte.js';

const figures = (id: number, title: string): MaterialFigures => ({
  material: { id, scheduledLessonId: 5, kind: 'link', title, coursewareId: null, note: '', shown: 'both', beforeHours: 24, position: id, visibleFrom: '2026-11-29T01:00:00.000Z', visibleUntil: null },
  delivered: 0,
  opened: 0,
  sites: [],
});

/** A stand-in for the server: answers by method and path, and records what was sent. */
function server(routes: Record<string, (body: unknown) => unknown>) {
  const sent: Array<[string, unknown]> = [];
  const answer = async <T>(key: string, body?: unknown): Promise<T> => {
    sent.push([key, body]);
    const route = routes[key];
    if (!route) throw new Error(`unexpected ${key}`);
    return route(body) as T;
  };
  const http: MaterialsHttp = {
    get: (path) => answer(`GET ${path}`),
    post: (path, body) => answer(`POST ${path}`, body),
    put: (path, body) => answer(`PUT ${path}`, body),
    delete: (path) => answer(`DELETE ${path}`),
  };
  return { http, sent };
}

describe('the lead teacher’s materials of a lesson', () => {
  it('moves a material down by sending the whole new order, and shows the server’s answer', async () => {
    let order = [1, 2, 3];
    const titles: Record<number, string> = { 1: '课件', 2: '练习', 3: '录像' };
    const list = (): LessonMaterials => ({ scheduledLessonId: 5, items: order.map((id) => figures(id, titles[id]!)) });
    const { http, sent } = server({
      'GET /api/scheduled-lessons/5/materials': list,
      'PUT /api/scheduled-lessons/5/materials/order': (body) => {
        order = (body as { ids: number[] }).ids;
        return list();
      },
    });
    const manager = new LessonMaterialsManager(http, 5);
    await manager.load();
    expect(await manager.move(1, 1)).toBe(true);
    expect(sent.at(-1)).toEqual(['PUT /api/scheduled-lessons/5/materials/order', { ids: [2, 1, 3] }]);
    expect(manager.items.map((i) => i.material.title)).toEqual(['练习', '课件', '录像']);
    // Nothing above the first: no request at all.
    expect(await manager.move(2, -1)).toBe(false);
    expect(sent).toHaveLength(2);
  });

  it('keeps the list and shows the server’s words when an attachment is refused', async () => {
    const { http } = server({
      'GET /api/scheduled-lessons/5/materials': () => ({ scheduledLessonId: 5, items: [figures(1, '课件')] }),
      'POST /api/scheduled-lessons/5/materials': () => {
        throw new ApiError(400, 'bad_request', '提交的内容不完整或格式不对，请检查后重试。');
      },
    });
    const manager = new LessonMaterialsManager(http, 5);
    await manager.load();
    expect(await manager.attach({ kind: 'link', title: '坏链接', url: 'ftp://x', shown: 'both' })).toBe(false);
    expect(manager.error).toBe('提交的内容不完整或格式不对，请检查后重试。');
    expect(manager.items.map((i) => i.material.title)).toEqual(['课件']);
    expect(manager.busy).toBe(false);
  });
});

describe('a site’s materials on its home', () => {
  it('asks the server to record an opening before answering where to go, and reloads when refused', async () => {
    let visible = true;
    const mine = (): MyMaterials => ({
      lessons: visible ? [{ scheduledLessonId: 5, courseId: 1, courseName: '三年级音乐', startsAt: '2026-11-30T01:00:00.000Z', endsAt: '2026-11-30T01:40:00.000Z', items: [figures(1, '录像').material] }] : [],
    });
    const { http, sent } = server({
      'GET /api/me/materials': mine,
      'POST /api/materials/1/open': () => {
        if (!visible) throw new ApiError(404, 'not_found', '找不到要找的内容，可能已被删除。');
        return { href: 'https://video.example.cn/song', recorded: true };
      },
    });
    const manager = new MyMaterialsManager(http);
    await manager.load();
    expect(await manager.open(1)).toBe('https://video.example.cn/song');
    expect(sent.map(([key]) => key)).toEqual(['GET /api/me/materials', 'POST /api/materials/1/open']);
    visible = false;
    expect(await manager.open(1)).toBeNull();
    expect(manager.error).toBe('找不到要找的内容，可能已被删除。');
    expect(manager.lessons).toEqual([]);
  });
});
