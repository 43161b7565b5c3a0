import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api.js';
import { answerBody, refusalOf, unanswered } from './survey-answer.js';

describe('the survey answer page', () => {
  it('sends nothing until every question has a level, and leaves a blank comment out', () => {
    expect(unanswered([1, null, 3])).toBe(1);
    expect(answerBody([1, null, 3], '好')).toBeNull();
    expect(answerBody([1, 2, 3], '  ')).toEqual({ answers: [1, 2, 3] });
    expect(answerBody([1, 2, 3], ' 希望多开音乐课 ')).toEqual({ answers: [1, 2, 3], comment: '希望多开音乐课' });
  });

  it('reads why an answer was refused from the error details, and nothing from other failures', () => {
    expect(refusalOf(new ApiError(409, 'conflict', '冲突', { reason: 'used' }))).toBe('used');
    expect(refusalOf(new ApiError(410, 'link_expired', '过期', { reason: 'closed' }))).toBe('closed');
    expect(refusalOf(new ApiError(0, 'network', '网络'))).toBeNull();
    expect(refusalOf(new ApiError(409, 'conflict', '冲突', { reason: 'something else' }))).toBeNull();
    expect(refusalOf(new Error('x'))).toBeNull();
  });
});
