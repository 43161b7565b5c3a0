import { describe, expect, it } from 'vitest';
import type { Checklist, ChecklistAttachment, ChecklistItem, ExchangeEntryBody, ExchangeRegister } from '../../../../shared/api/evaluation-checklist.js';
import { ApiError } from '../../../lib/api.js';
import type { ChecklistApi } from './checklist-api.js';
import { EvaluationChecklist, toBase64 } from './checklist.svelte.js';

const ref = { regionId: 1, termId: 2 };
const picked = (name: string, bytes: Uint8Array) => ({ name, size: bytes.length, read: async () => bytes });
const item = (key: string, aspect: 'government' | 'quality', status: ChecklistItem['status'] = 'not_started'): ChecklistItem => ({
  key,
  aspect,
  title: key,
  requirement: '',
  status,
  note: '',
  updatedAt: null,
  attachments: [],
  auto: null,
});
const checklist = (): Checklist => ({
  regionId: 1,
  term: { id: 2, name: '2026 秋季学期', startsOn: '2026-09-01', endsOn: '2027-01-20' },
  items: [item('gov.layout', 'government', 'met'), item('gov.class_size', 'government'), item('quality.workload', 'quality', 'met')],
  maxAttachmentBytes: 16,
});
const register = (entries: number): ExchangeRegister => ({
  regionId: 1,
  term: checklist().term,
  entries: [],
  shares: { exchanged: entries, keyTeachers: 0, eligibleTeachers: 10, exchangedShare: entries / 10, exchangedMet: entries >= 1, keyShare: entries ? 0 : null, keyMet: entries ? false : null },
  online: { kind: 'online_exchange', figures: [], table: { key: 'onlineExchange', title: '', columns: [], rows: [] }, sourcePath: '/reports/usage' },
  schools: [],
  teachers: [],
});

/** The routes as a server would answer them, recording what was sent. */
function fakeApi() {
  const sent: Array<[string, unknown]> = [];
  let entries = 0;
  const api: Pick<ChecklistApi, 'checklist' | 'saveItem' | 'upload' | 'removeAttachment' | 'register' | 'saveEligible' | 'addEntry' | 'updateEntry' | 'removeEntry'> = {
    checklist: async () => checklist(),
    saveItem: async (_ref, key, body) => {
      sent.push(['saveItem', body]);
      return { ...item(key, 'government'), ...body };
    },
    upload: async (_ref, itemKey, body, onProgress) => {
      sent.push(['upload', body]);
      onProgress(0.5);
      if (body.name.endsWith('.docx')) throw new ApiError(415, 'file_type_not_allowed', '文件内容与扩展名不符');
      onProgress(1);
      const attachment: ChecklistAttachment = { id: 9, itemKey, name: body.name, sha256: 'a'.repeat(64), bytes: 3, contentType: 'application/pdf', uploadedAt: '2026-11-29T06:00:00Z' };
      return attachment;
    },
    removeAttachment: async (_ref, id) => {
      sent.push(['removeAttachment', id]);
      return null;
    },
    register: async () => register(entries),
    saveEligible: async (_ref, n) => {
      sent.push(['saveEligible', n]);
      return register(entries);
    },
    addEntry: async (_ref, body: ExchangeEntryBody) => {
      sent.push(['addEntry', body]);
      entries += 1;
      return { id: entries, teacherId: null, teacherName: body.teacherName ?? '', fromSchool: { id: 1, name: '' }, toSchool: { id: 2, name: '' }, fromDate: body.fromDate, toDate: null, keyTeacher: body.keyTeacher, note: '' };
    },
    updateEntry: async () => {
      throw new Error('not used');
    },
    removeEntry: async (_ref, id) => {
      sent.push(['removeEntry', id]);
      entries -= 1;
      return null;
    },
  };
  return { api, sent };
}

describe('EvaluationChecklist', () => {
  it('groups the items by aspect with how many are met', async () => {
    const state = new EvaluationChecklist(fakeApi().api);
    await state.load(ref, 'checklist');
    expect(state.groups.map((g) => [g.aspect, g.items.length, g.met])).toEqual([
      ['government', 2, 1],
      ['quality', 1, 1],
    ]);
  });

  it('saves a status and note and shows the saved item', async () => {
    const { api, sent } = fakeApi();
    const state = new EvaluationChecklist(api);
    await state.load(ref, 'checklist');
    expect(await state.saveItem('gov.class_size', { status: 'met', note: '最大班额 44 人' })).toBe(true);
    expect(sent).toEqual([['saveItem', { status: 'met', note: '最大班额 44 人' }]]);
    expect(state.groups[0]!.met).toBe(2);
  });

  it('refuses an oversized file or an unaccepted name before sending anything', async () => {
    const { api, sent } = fakeApi();
    const state = new EvaluationChecklist(api);
    await state.load(ref, 'checklist');
    expect(await state.upload('gov.layout', picked('扫描件.pdf', new Uint8Array(17)))).toBe(false);
    expect(state.problem).toEqual({ kind: 'too_large', name: '扫描件.pdf' });
    expect(await state.upload('gov.layout', picked('安装包.exe', new Uint8Array(3)))).toBe(false);
    expect(state.problem).toEqual({ kind: 'wrong_type', name: '安装包.exe' });
    expect(sent).toEqual([]);
  });

  it('sends a file as base64, reports its progress while it goes, and lists it after', async () => {
    const { api, sent } = fakeApi();
    const state = new EvaluationChecklist(api);
    await state.load(ref, 'checklist');
    const seen: Array<number | null> = [];
    const original = api.upload;
    api.upload = async (r, key, body, onProgress) => original(r, key, body, (f) => {
      onProgress(f);
      seen.push(state.uploadProgress(key));
    });
    expect(await state.upload('gov.layout', picked('方案.pdf', Uint8Array.from([0x25, 0x50, 0x44])))).toBe(true);
    expect(sent).toEqual([['upload', { name: '方案.pdf', data: 'JVBE' }]]);
    expect(seen).toEqual([0.5, 1]);
    expect(state.uploadProgress('gov.layout')).toBeNull();
    expect(state.checklist?.items[0]?.attachments.map((a) => a.name)).toEqual(['方案.pdf']);
    expect(await state.removeAttachment(9)).toBe(true);
    expect(state.checklist?.items[0]?.attachments).toEqual([]);
  });

  it("keeps the server's refusal of a file as the problem, and nothing listed", async () => {
    const state = new EvaluationChecklist(fakeApi().api);
    await state.load(ref, 'checklist');
    expect(await state.upload('gov.layout', picked('报告.docx', new Uint8Array(3)))).toBe(false);
    expect(state.problem).toEqual({ kind: 'api', message: '文件内容与扩展名不符' });
    expect(state.checklist?.items[0]?.attachments).toEqual([]);
    expect(state.uploadProgress('gov.layout')).toBeNull();
  });

  it('reloads the register and its shares after a rotation is added or removed', async () => {
    const state = new EvaluationChecklist(fakeApi().api);
    await state.load(ref, 'exchange');
    expect(state.register?.shares.exchanged).toBe(0);
    await state.saveEntry({ teacherName: '赵老师', fromSchoolId: 1, toSchoolId: 2, fromDate: '2026-09-01', keyTeacher: false });
    expect(state.register?.shares).toMatchObject({ exchanged: 1, exchangedShare: 0.1, exchangedMet: true });
    await state.removeEntry(1);
    expect(state.register?.shares.exchanged).toBe(0);
  });
});

describe('toBase64', () => {
  it('encodes more bytes than one call of fromCharCode takes', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    const decoded = Uint8Array.from(atob(toBase64(bytes)), (c) => c.charCodeAt(0));
    expect(decoded).toEqual(bytes);
    expect(toBase64(Uint8Array.from([0x25, 0x50, 0x44, 0x46]))).toBe('JVBERg==');
  });
});
