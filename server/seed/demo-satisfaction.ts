import type { RespondentGroup } from '../../shared/api/evaluation-satisfaction.js';
import { addDays } from '../../shared/time.js';
import { DEFAULT_QUESTIONS, DEFAULT_SURVEY_TITLE, newSurveyCode } from '../evaluation/satisfaction/questionnaire.js';
import { SatisfactionRepository } from '../evaluation/satisfaction/repository.js';
import type { TongkeDb } from '../db/store.js';
import { DEMO_GROUPS, DEMO_REGION } from './demo-data.js';
import { noise } from './demo-history.js';

/** The school whose public is less satisfied than the county's (the results page should show one). */
export const DEMO_LESS_SATISFIED_SCHOOL = '青山县白沙镇中心小学';


/** Codes a school's group gets: about a class of students and of parents, a staff room of teachers, a few others. */
function codesFor(studentCount: number, group: RespondentGroup): number {
  const small = studentCount < 100;
  if (group === 'student' || group === 'parent') return small ? Math.min(studentCount, 10) : 30;
  return group === 'teacher' ? (small ? 3 : 12) : small ? 2 : 5;
}

/** One level per question: satisfied (1–3) with probability `p`, else 4 or 5. */
function answersOf(p: number, seed: number, questions: number): number[] {
  return Array.from({ length: questions }, (_, q) => {
    const u = noise(seed, q, 1);
    const v = noise(seed, q, 2);
    if (u < p) return v < 0.45 ? 1 : v < 0.85 ? 2 : 3;
    return v < 0.7 ? 4 : 5;
  });
}

/**
 * The demo county's satisfaction survey of its current term, open from two weeks ago to three weeks ahead,
 * with the default questionnaire, codes for every school and group, and about 85 % of them answered — overall
 * well above 85 % satisfied, 白沙镇中心小学 below it. A few codes of each school stay unused, to try the answer
 * page with. Does nothing when the survey exists (safe to seed again).
 */
export async function seedDemoSatisfaction(db: TongkeDb, today: string): Promise<number> {
  const repo = new SatisfactionRepository(db);
  const place = await repo.regionTermOn(DEMO_REGION.code, today);
  if (!place || (await repo.surveyOf(place.regionId, place.termId))) return 0;
  const opensOn = addDays(today, -14) < place.startsOn ? place.startsOn : addDays(today, -14);
  const closesOn = addDays(today, 21) > place.endsOn ? place.endsOn : addDays(today, 21);
  const students = new Map(DEMO_GROUPS.flatMap((g) => g.schools).map((s) => [s.name, s.studentCount]));
  return repo.transaction(async () => {
    const survey = await repo.insertSurvey({ regionId: place.regionId, termId: place.termId, title: DEFAULT_SURVEY_TITLE, opensOn, closesOn, questions: [...DEFAULT_QUESTIONS], updatedBy: null }, new Date());
    const responses: Parameters<SatisfactionRepository['insertResponses']>[0][number][] = [];
    const used: string[] = [];
    for (const school of await repo.schools(place.regionId)) {
      const p = school.name === DEMO_LESS_SATISFIED_SCHOOL ? 0.78 : 0.93;
      for (const group of ['student', 'parent', 'teacher', 'other'] as const) {
        const codes = Array.from({ length: codesFor(students.get(school.name) ?? 100, group) }, newSurveyCode);
        await repo.insertCodes(survey.id, school.id, group, codes);
        // The last code of each group stays unused; of the rest, about nine in ten answered.
        codes.slice(0, -1).forEach((code, i) => {
          const seed = school.id * 10_000 + group.length * 1000 + i;
          if (noise(seed, 7) > 0.9) return;
          used.push(code);
          const day = addDays(opensOn, Math.floor(noise(seed, 8) * 14));
          responses.push({ surveyId: survey.id, schoolId: school.id, respondentGroup: group, answers: answersOf(p, seed, DEFAULT_QUESTIONS.length), comment: null, submittedOn: day > today ? today : day });
        });
      }
    }
    await repo.markUsed(used);
    await repo.insertResponses(responses);
    return responses.length;
  });
}
