import type { ResearchEvidence, ResearchFigures } from '../../../shared/api/research-evidence.js';
import type { RubricBody, RubricScores } from '../../../shared/api/research.js';

/**
 * One observation's weighted score on 0–100: each rated dimension's level score times its weight, over the
 * weights of the dimensions rated (a submitted form rates them all, so that is the rubric's 100). Null when
 * nothing it rated is on the rubric.
 */
export function weightedScore(rubric: RubricBody, scores: RubricScores): number | null {
  let weighted = 0;
  let weights = 0;
  for (const dimension of rubric.dimensions) {
    const level = scores[dimension.key];
    const chosen = level === undefined ? undefined : dimension.levels[level];
    if (!chosen) continue;
    weighted += chosen.score * dimension.weight;
    weights += dimension.weight;
  }
  return weights === 0 ? null : weighted / weights;
}

/** What one teacher's (or one school's) figures are added up from. */
export interface FigureSums {
  lessonsObserved: number;
  observationsReceived: number;
  researchSessionsAttended: number;
  scoreSum: number;
  scored: number;
}

export const emptySums = (): FigureSums => ({ lessonsObserved: 0, observationsReceived: 0, researchSessionsAttended: 0, scoreSum: 0, scored: 0 });

export function addInto(total: FigureSums, part: FigureSums): FigureSums {
  total.lessonsObserved += part.lessonsObserved;
  total.observationsReceived += part.observationsReceived;
  total.researchSessionsAttended += part.researchSessionsAttended;
  total.scoreSum += part.scoreSum;
  total.scored += part.scored;
  return total;
}

/** Sums → figures; the mean score is over every submitted observation summed in (one decimal). */
export function toFigures(sums: FigureSums): ResearchFigures {
  return {
    lessonsObserved: sums.lessonsObserved,
    observationsReceived: sums.observationsReceived,
    researchSessionsAttended: sums.researchSessionsAttended,
    scoredObservations: sums.scored,
    meanScore: sums.scored === 0 ? null : round1(sums.scoreSum / sums.scored),
  };
}

export const round1 = (value: number): number => Math.round(value * 10) / 10;

/**
 * Whether a unit has any 名师课堂 evidence to show: teachers, and some observation or meeting, or a target to
 * be below. Absent otherwise, so reports of places without teaching research stay as they were.
 */
export function hasResearch(research: ResearchEvidence): boolean {
  const t = research.totals;
  return research.teacherCount > 0 && (research.observationTarget !== null || t.lessonsObserved + t.observationsReceived + t.researchSessionsAttended > 0);
}
