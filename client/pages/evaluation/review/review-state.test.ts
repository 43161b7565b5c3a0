import { describe, expect, it } from 'vitest';
import type { ReviewComment, SubmissionDetail } from '../../../../shared/api/evaluation-review.js';
import { ApiError } from '../../../lib/api.js';
import { commentsByItem, conflictMessageKey, decisionReady, itemId, submitLabelKey } from './review-state.svelte.js';

const comment = (id: number, version: number, sectionKey: ReviewComment['sectionKey'], itemKey: string | null): ReviewComment => ({
  id,
  version,
  sectionKey,
  itemKey,
  body: `意见${id}`,
  author: { id: 9, name: '复核员' },
  createdAt: '2026-11-29T06:00:00.000Z',
});

const detail = (state: SubmissionDetail['submission']['state']): SubmissionDetail => ({
  submission: { id: 1, region: { id: 1, name: '青山县' }, term: { id: 1, name: '第一学期' }, state, version: 1, revision: 1, updatedAt: '2026-11-29T06:00:00.000Z' },
  versions: [],
  history: [],
  comments: [],
  canReview: false,
  canResubmit: false,
});

describe('the review page state', () => {
  it('groups a version’s comments under the item they are about, leaving other versions out', () => {
    const byItem = commentsByItem([comment(1, 1, 'usage', 'schools'), comment(2, 1, null, null), comment(3, 2, 'usage', 'schools'), comment(4, 1, 'usage', 'schools'), comment(5, 1, 'usage', null)], 1);
    expect([...byItem.keys()]).toEqual(['usage/schools', '/', 'usage/']);
    expect(byItem.get(itemId({ sectionKey: 'usage', itemKey: 'schools' }))!.map((c) => c.id)).toEqual([1, 4]);
    expect(byItem.get('/')!.map((c) => c.id)).toEqual([2]);
  });

  it('tells apart why a step was refused with 409', () => {
    expect(conflictMessageKey(new ApiError(409, 'conflict', 'x', { reason: 'already_submitted' }))).toBe('alreadySubmitted');
    expect(conflictMessageKey(new ApiError(409, 'conflict', 'x', { reason: 'state_changed' }))).toBe('stateChanged');
    expect(conflictMessageKey(new ApiError(409, 'conflict', 'x', { reason: 'not_waiting' }))).toBe('notWaiting');
    expect(conflictMessageKey(new ApiError(409, 'conflict', 'x', { reason: 'no_city' }))).toBe('noCity');
    expect(conflictMessageKey(new ApiError(403, 'forbidden', 'x'))).toBeNull();
  });

  it('offers a resubmission only after a return, and a return only with a reason', () => {
    expect(submitLabelKey(null)).toBe('submit');
    expect(submitLabelKey(detail('returned_by_city'))).toBe('resubmit');
    expect(submitLabelKey(detail('returned_by_province'))).toBe('resubmit');
    expect(submitLabelKey(detail('submitted_to_city'))).toBe('submit');
    expect(decisionReady('return', '  ')).toBe(false);
    expect(decisionReady('return', '请核实')).toBe(true);
    expect(decisionReady('approve', '')).toBe(true);
  });
});
