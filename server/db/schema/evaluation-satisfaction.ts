import { table, id, int, bool, instant, text, json, index, uniqueIndex, NOW_MS } from './columns.js';
import { RESPONDENT_GROUPS, type SurveyQuestion } from '../../../shared/api/evaluation-satisfaction.js';
import { regions, schools } from './organisation.js';
import { terms } from './teaching.js';
import { users } from './people.js';

/**
 * A region's satisfaction survey (满意度调查, 社会认可度) of one term: its questions and the days it is open
 * (Asia/Shanghai calendar days, inclusive). One per region and term.
 */
export const satisfactionSurveys = table(
  'satisfaction_surveys',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    termId: int('term_id').notNull().references(() => terms.id),
    title: text('title').notNull(),
    opensOn: text('opens_on').notNull(),
    closesOn: text('closes_on').notNull(),
    /** The five-level questions, in order; answers are stored in the same order. */
    questions: json('questions').$type<SurveyQuestion[]>().notNull(),
    updatedAt: instant('updated_at').notNull().default(NOW_MS),
    updatedBy: int('updated_by').references(() => users.id),
  },
  (t) => [uniqueIndex('satisfaction_surveys_region_term_uq').on(t.regionId, t.termId)],
);

/**
 * A one-time response code handed to one respondent of a school and group. Only whether it was used is kept —
 * not when, and nothing that points at the response it gave: a response cannot be traced back to its code.
 */
export const satisfactionCodes = table(
  'satisfaction_codes',
  {
    id: id(),
    surveyId: int('survey_id').notNull().references(() => satisfactionSurveys.id, { onDelete: 'cascade' }),
    schoolId: int('school_id').notNull().references(() => schools.id),
    respondentGroup: text('respondent_group', { enum: RESPONDENT_GROUPS }).notNull(),
    code: text('code').notNull(),
    used: bool('used').notNull().default(false),
    createdAt: instant('created_at').notNull().default(NOW_MS),
  },
  (t) => [uniqueIndex('satisfaction_codes_code_uq').on(t.code), index('satisfaction_codes_survey_school_idx').on(t.surveyId, t.schoolId, t.respondentGroup)],
);

/**
 * One anonymous answer sheet: which school and group answered and what — never who, never which code, and
 * only the day it came in (an instant could be matched against the order codes were handed out).
 */
export const satisfactionResponses = table(
  'satisfaction_responses',
  {
    id: id(),
    surveyId: int('survey_id').notNull().references(() => satisfactionSurveys.id, { onDelete: 'cascade' }),
    schoolId: int('school_id').notNull().references(() => schools.id),
    respondentGroup: text('respondent_group', { enum: RESPONDENT_GROUPS }).notNull(),
    /** Levels 1 (很满意) … 5 (很不满意), one per question in the survey's order. */
    answers: json('answers').$type<number[]>().notNull(),
    comment: text('comment'),
    submittedOn: text('submitted_on').notNull(),
  },
  (t) => [index('satisfaction_responses_survey_idx').on(t.surveyId, t.schoolId)],
);
