import { Type, type Static } from 'typebox';
import { RowId } from './common.js';

/*
 * Satisfaction surveys (满意度调查) for the 社会认可度 part of the county self-evaluation: a region's
 * questionnaire per term, answered anonymously through one-time codes handed out per school and respondent
 * group, and the results read against the requirement (≥ 85 % satisfied).
 */

/** Who answers: students, parents, teachers and others (community, the people's congress deputies, …). */
export const RESPONDENT_GROUPS = ['student', 'parent', 'teacher', 'other'] as const;
export type RespondentGroup = (typeof RESPONDENT_GROUPS)[number];

/**
 * The five levels of every question, 1 = 很满意 … 5 = 很不满意. "Satisfied" is the top three (很满意、满意、
 * 基本满意), as county 满意度 surveys commonly count it; SATISFIED_MAX_LEVEL is the one place that says so.
 */
export const SATISFACTION_LEVELS = [1, 2, 3, 4, 5] as const;
export const SATISFIED_MAX_LEVEL = 3;
/** The requirement of the evaluation (社会认可度 ≥ 85 %), as a fraction. */
export const SATISFACTION_REQUIRED = 0.85;

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const SurveyQuestion = Type.Object(
  {
    /** Stable within the survey (answers are stored by position; the key names a chart's bar and a sheet's column). */
    key: Type.String({ pattern: '^[a-z0-9_]{1,32}$' }),
    text: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  },
  { additionalProperties: false },
);
export type SurveyQuestion = Static<typeof SurveyQuestion>;

/** Creates or changes a region's survey of a term. The questions can change only before it opens. */
export const SurveyBody = Type.Object(
  {
    regionId: RowId,
    termId: RowId,
    title: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    opensOn: Day,
    closesOn: Day,
    questions: Type.Array(SurveyQuestion, { minItems: 1, maxItems: 30 }),
  },
  { additionalProperties: false },
);
export type SurveyBody = Static<typeof SurveyBody>;

export const SurveyQuery = Type.Object({ regionId: RowId, termId: RowId }, { additionalProperties: false });
export type SurveyQuery = Static<typeof SurveyQuery>;

export const SURVEY_STATES = ['not_open', 'open', 'closed'] as const;
export type SurveyState = (typeof SURVEY_STATES)[number];

/** Codes issued and used for one school and group. */
export const CodeCount = Type.Object({ schoolId: Type.Integer(), respondentGroup: Type.Enum(RESPONDENT_GROUPS), issued: Type.Integer(), used: Type.Integer() });
export type CodeCount = Static<typeof CodeCount>;

export const Survey = Type.Object({
  id: Type.Integer(),
  regionId: Type.Integer(),
  termId: Type.Integer(),
  title: Type.String(),
  opensOn: Day,
  closesOn: Day,
  state: Type.Enum(SURVEY_STATES),
  /** Whether the questions can still change (before it opens, with no response yet). */
  editable: Type.Boolean(),
  questions: Type.Array(SurveyQuestion),
  schools: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
  codes: Type.Array(CodeCount),
  responses: Type.Integer(),
});
export type Survey = Static<typeof Survey>;

/** The region's survey of the term, or null with the default questionnaire to start from. */
export const SurveyView = Type.Object({ survey: Type.Union([Survey, Type.Null()]), defaultQuestions: Type.Array(SurveyQuestion), defaultTitle: Type.String() });
export type SurveyView = Static<typeof SurveyView>;

/** Issues this many more one-time codes to a school's respondent group (e.g. a class's parents). */
export const CodeIssueBody = Type.Object(
  { schoolId: RowId, respondentGroup: Type.Enum(RESPONDENT_GROUPS), count: Type.Integer({ minimum: 1, maximum: 2000 }) },
  { additionalProperties: false },
);
export type CodeIssueBody = Static<typeof CodeIssueBody>;

export const CODE_FORMATS = ['json', 'csv', 'xlsx'] as const;
export const CodeListQuery = Type.Object(
  { schoolId: Type.Optional(RowId), respondentGroup: Type.Optional(Type.Enum(RESPONDENT_GROUPS)), unusedOnly: Type.Optional(Type.Boolean()), format: Type.Optional(Type.Enum(CODE_FORMATS)) },
  { additionalProperties: false },
);
export type CodeListQuery = Static<typeof CodeListQuery>;

export const SurveyCode = Type.Object({ code: Type.String(), url: Type.String(), schoolId: Type.Integer(), schoolName: Type.String(), respondentGroup: Type.Enum(RESPONDENT_GROUPS), used: Type.Boolean() });
export type SurveyCode = Static<typeof SurveyCode>;
export const SurveyCodeList = Type.Object({ codes: Type.Array(SurveyCode) });
export type SurveyCodeList = Static<typeof SurveyCodeList>;

/** Satisfaction of a set of responses: satisfied answers (levels 1–3) over all answers. */
export const SatisfactionFigures = Type.Object({
  issued: Type.Integer(),
  responses: Type.Integer(),
  /** responses / codes issued; null when no code was issued. */
  responseRate: Type.Union([Type.Number(), Type.Null()]),
  answers: Type.Integer(),
  satisfiedAnswers: Type.Integer(),
  /** satisfiedAnswers / answers; null without answers. */
  satisfaction: Type.Union([Type.Number(), Type.Null()]),
});
export type SatisfactionFigures = Static<typeof SatisfactionFigures>;

export const SatisfactionResults = Type.Object({
  surveyId: Type.Integer(),
  title: Type.String(),
  regionName: Type.String(),
  termName: Type.String(),
  required: Type.Number(),
  overall: SatisfactionFigures,
  /** Whether the overall satisfaction meets ≥ 85 %; null without answers. */
  meets: Type.Union([Type.Boolean(), Type.Null()]),
  byGroup: Type.Array(Type.Object({ respondentGroup: Type.Enum(RESPONDENT_GROUPS), figures: SatisfactionFigures })),
  bySchool: Type.Array(Type.Object({ schoolId: Type.Integer(), schoolName: Type.String(), figures: SatisfactionFigures, meets: Type.Union([Type.Boolean(), Type.Null()]) })),
  bySchoolGroup: Type.Array(Type.Object({ schoolId: Type.Integer(), schoolName: Type.String(), respondentGroup: Type.Enum(RESPONDENT_GROUPS), figures: SatisfactionFigures })),
  /** Per question: how many answers gave each level (index 0 = 很满意 … 4 = 很不满意). */
  questions: Type.Array(Type.Object({ key: Type.String(), text: Type.String(), levels: Type.Array(Type.Integer()), satisfaction: Type.Union([Type.Number(), Type.Null()]) })),
  comments: Type.Integer(),
});
export type SatisfactionResults = Static<typeof SatisfactionResults>;

export const RESULT_TABLES = ['schools', 'groups', 'questions'] as const;
export const ResultsQuery = Type.Object(
  { format: Type.Optional(Type.Enum(CODE_FORMATS)), table: Type.Optional(Type.Enum(RESULT_TABLES)) },
  { additionalProperties: false },
);
export type ResultsQuery = Static<typeof ResultsQuery>;

// ---- The public answer page (no sign-in) ----

export const SurveyCodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9]+$' }) });
export type SurveyCodeParams = Static<typeof SurveyCodeParams>;

/** What a code opens: the questionnaire, or why not (unknown, used, not open yet, closed). */
export const PublicSurvey = Type.Object({
  status: Type.Union([Type.Literal('open'), Type.Literal('used'), Type.Literal('unknown'), Type.Literal('not_open'), Type.Literal('closed')]),
  title: Type.Union([Type.String(), Type.Null()]),
  schoolName: Type.Union([Type.String(), Type.Null()]),
  respondentGroup: Type.Union([Type.Enum(RESPONDENT_GROUPS), Type.Null()]),
  opensOn: Type.Union([Day, Type.Null()]),
  closesOn: Type.Union([Day, Type.Null()]),
  questions: Type.Array(SurveyQuestion),
});
export type PublicSurvey = Static<typeof PublicSurvey>;

export const SurveyAnswerBody = Type.Object(
  {
    /** One level (1 很满意 … 5 很不满意) per question, in order. */
    answers: Type.Array(Type.Integer({ minimum: 1, maximum: 5 }), { minItems: 1, maxItems: 30 }),
    comment: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type SurveyAnswerBody = Static<typeof SurveyAnswerBody>;

/** Why an answer was refused (in the error's details, so that the page can say it plainly). */
export type SurveyRefusal = 'unknown' | 'used' | 'not_open' | 'closed' | 'answers';
