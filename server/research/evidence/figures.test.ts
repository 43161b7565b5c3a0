import { describe, expect, it } from 'vitest';
import { DEFAULT_RUBRIC } from '../rubrics/default-rubric.js';
import { addInto, emptySums, toFigures, weightedScore } from './figures.js';

describe('名师课堂 figures', () => {
  it('weights each dimension’s level score by its weight (DEFAULT_RUBRIC: 15/20/15/20/20/10)', () => {
    // 优秀 everywhere but 良好 (80) on content (20) and 合格 (60) on remote (20): 100 − 20·20/100 − 40·20/100 = 88.
    expect(weightedScore(DEFAULT_RUBRIC, { goals: 0, content: 1, methods: 0, interaction: 0, remote: 2, effect: 0 })).toBe(88);
    expect(weightedScore(DEFAULT_RUBRIC, {})).toBeNull();
    // A draft rating only some dimensions is scored over those it rated.
    expect(weightedScore(DEFAULT_RUBRIC, { goals: 3 })).toBe(40);
  });

  it('means over every submitted observation summed in, null without one', () => {
    const a = { ...emptySums(), lessonsObserved: 2, scoreSum: 88, scored: 1 };
    const b = { ...emptySums(), observationsReceived: 3, scoreSum: 60 + 70, scored: 2 };
    expect(toFigures(addInto(addInto(emptySums(), a), b))).toEqual({ lessonsObserved: 2, observationsReceived: 3, researchSessionsAttended: 0, scoredObservations: 3, meanScore: 72.7 });
    expect(toFigures(emptySums()).meanScore).toBeNull();
  });
});
