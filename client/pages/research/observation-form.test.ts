import { describe, expect, it } from 'vitest';
import type { ObservationForm, ObservationFormBody } from '../../../shared/api/research-review.js';
import { ApiError } from '../../lib/api.js';
import { ObservationFormState } from './observation-form.svelte.js';

const LEVELS = [
  { label: '优秀', score: 100 },
  { label: '合格', score: 60 },
];
const blank: ObservationForm = {
  lessonSessionId: 5,
  observationId: null,
  rubric: {
    id: null,
    regionId: 1,
    createdAt: null,
    versions: 0,
    body: { name: '表', dimensions: [{ key: 'a', name: '甲', description: '', weight: 75, levels: LEVELS }, { key: 'b', name: '乙', description: '', weight: 25, levels: LEVELS }] },
  },
  scores: {},
  comment: null,
  submittedAt: null,
  editableUntil: '2026-12-13T10:00:00+08:00',
  closed: false,
  weightedTotal: null,
};

function fakeApi(answer: (body: ObservationFormBody, submit: boolean) => ObservationForm) {
  const sent: Array<{ body: ObservationFormBody; submit: boolean }> = [];
  return {
    sent,
    api: {
      form: async () => blank,
      saveForm: async (_: number, body: ObservationFormBody) => (sent.push({ body, submit: false }), answer(body, false)),
      submitForm: async (_: number, body: ObservationFormBody) => (sent.push({ body, submit: true }), answer(body, true)),
    },
  };
}

describe('the observation form state', () => {
  it('shows the weighted total of what she has chosen so far, and may submit only when all is rated', async () => {
    const { api } = fakeApi((body) => ({ ...blank, scores: body.scores }));
    const state = new ObservationFormState(api, 5, '出错了');
    await state.load();
    expect(state.total).toBeNull();
    state.rate('b', 1);
    expect(state.total).toBe(60);
    expect(state.complete).toBe(false);
    state.rate('a', 0);
    // 0.75·100 + 0.25·60
    expect(state.total).toBe(90);
    expect(state.complete).toBe(true);
  });

  it('sends her ratings and trimmed comment, and keeps them when the server refuses', async () => {
    const { api, sent } = fakeApi((body, submit) => {
      if (submit) throw new ApiError(409, 'review_closed', '评课已结束');
      return { ...blank, scores: body.scores, comment: body.comment ?? null };
    });
    const state = new ObservationFormState(api, 5, '出错了');
    await state.load();
    state.rate('a', 1);
    state.comment = '  远端关注不够 ';
    await state.saveDraft();
    expect(sent[0]).toEqual({ body: { scores: { a: 1 }, comment: '远端关注不够' }, submit: false });
    expect(state.saved).toBe('draft');
    state.rate('b', 0);
    await state.submit();
    expect(state.error).toBe('评课已结束');
    expect(state.scores).toEqual({ a: 1, b: 0 });
    expect(state.saved).toBeNull();
  });

  it('changes nothing once the review is closed', async () => {
    const state = new ObservationFormState({ ...fakeApi(() => blank).api, form: async () => ({ ...blank, closed: true }) }, 5, '出错了');
    await state.load();
    state.rate('a', 0);
    expect(state.scores).toEqual({});
  });
});
