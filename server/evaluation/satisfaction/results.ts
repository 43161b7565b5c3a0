import {
  RESPONDENT_GROUPS,
  SATISFACTION_LEVELS,
  SATISFACTION_REQUIRED,
  SATISFIED_MAX_LEVEL,
  type RespondentGroup,
  type SatisfactionFigures,
  type SatisfactionResults,
  type SurveyQuestion,
} from '../../../shared/api/evaluation-satisfaction.js';

/** One anonymous answer sheet as the results need it. */
export interface ResultResponse {
  schoolId: number;
  respondentGroup: RespondentGroup;
  answers: readonly number[];
  comment: string | null;
}

export interface ResultInput {
  questions: readonly SurveyQuestion[];
  schools: ReadonlyArray<{ id: number; name: string }>;
  /** Codes issued per school and group (used or not). */
  issued: ReadonlyArray<{ schoolId: number; respondentGroup: RespondentGroup; n: number }>;
  responses: readonly ResultResponse[];
}

const satisfied = (level: number): boolean => level >= 1 && level <= SATISFIED_MAX_LEVEL;

function figures(issued: number, responses: readonly ResultResponse[]): SatisfactionFigures {
  let answers = 0;
  let satisfiedAnswers = 0;
  for (const r of responses) {
    answers += r.answers.length;
    satisfiedAnswers += r.answers.filter(satisfied).length;
  }
  return {
    issued,
    responses: responses.length,
    responseRate: issued > 0 ? responses.length / issued : null,
    answers,
    satisfiedAnswers,
    satisfaction: answers > 0 ? satisfiedAnswers / answers : null,
  };
}

const meets = (f: SatisfactionFigures): boolean | null => (f.satisfaction === null ? null : f.satisfaction >= SATISFACTION_REQUIRED);

/**
 * The survey's results, exactly (unrounded). Satisfaction is the share of answers at the top three levels
 * (很满意、满意、基本满意) over all answers given. Every question must be answered, so that share is also the
 * mean of the respondents' own shares: each respondent weighs the same.
 *
 * Overall, respondents are pooled across schools and groups (not an average of the groups' rates). The
 * evaluation asks what share of the public surveyed is satisfied; pooling answers that, and a school or group
 * with a handful of answers (a teaching point's three teachers, the "others") cannot swing the county figure
 * as an equal-weight average of groups would. The per-group and per-school rates are shown beside it, so a
 * group that is less satisfied is seen.
 */
export function computeResults(input: ResultInput): Omit<SatisfactionResults, 'surveyId' | 'title' | 'regionName' | 'termName'> {
  const issuedOf = (pick: (i: ResultInput['issued'][number]) => boolean) => input.issued.filter(pick).reduce((n, i) => n + i.n, 0);
  const overall = figures(issuedOf(() => true), input.responses);
  const groupsSeen = RESPONDENT_GROUPS.filter((g) => input.issued.some((i) => i.respondentGroup === g) || input.responses.some((r) => r.respondentGroup === g));
  const schoolsSeen = input.schools.filter((s) => input.issued.some((i) => i.schoolId === s.id) || input.responses.some((r) => r.schoolId === s.id));
  return {
    required: SATISFACTION_REQUIRED,
    overall,
    meets: meets(overall),
    byGroup: groupsSeen.map((g) => ({ respondentGroup: g, figures: figures(issuedOf((i) => i.respondentGroup === g), input.responses.filter((r) => r.respondentGroup === g)) })),
    bySchool: schoolsSeen.map((s) => {
      const f = figures(issuedOf((i) => i.schoolId === s.id), input.responses.filter((r) => r.schoolId === s.id));
      return { schoolId: s.id, schoolName: s.name, figures: f, meets: meets(f) };
    }),
    bySchoolGroup: schoolsSeen.flatMap((s) =>
      groupsSeen.flatMap((g) => {
        const issued = issuedOf((i) => i.schoolId === s.id && i.respondentGroup === g);
        const responses = input.responses.filter((r) => r.schoolId === s.id && r.respondentGroup === g);
        return issued > 0 || responses.length > 0 ? [{ schoolId: s.id, schoolName: s.name, respondentGroup: g, figures: figures(issued, responses) }] : [];
      }),
    ),
    questions: input.questions.map((q, index) => {
      const levels = SATISFACTION_LEVELS.map((level) => input.responses.filter((r) => r.answers[index] === level).length);
      const total = levels.reduce((a, b) => a + b, 0);
      const top = levels.slice(0, SATISFIED_MAX_LEVEL).reduce((a, b) => a + b, 0);
      return { key: q.key, text: q.text, levels, satisfaction: total > 0 ? top / total : null };
    }),
    comments: input.responses.filter((r) => r.comment !== null && r.comment.trim() !== '').length,
  };
}
