import { shanghaiDate } from '../../../shared/time.js';
import type {
  CodeIssueBody,
  CodeListQuery,
  PublicSurvey,
  SatisfactionResults,
  Survey,
  SurveyAnswerBody,
  SurveyBody,
  SurveyCode,
  SurveyRefusal,
  SurveyState,
  SurveyView,
} from '../../../shared/api/evaluation-satisfaction.js';
import { ApiError, notFound } from '../../core/errors.js';
import { invalidField } from '../../core/constraints.js';
import { DEFAULT_QUESTIONS, DEFAULT_SURVEY_TITLE, newSurveyCode } from './questionnaire.js';
import type { SatisfactionRepository, SurveyRow } from './repository.js';
import { computeResults } from './results.js';

/** Whether a survey takes answers on a Shanghai calendar day (its first and last days included). */
export function surveyState(survey: Pick<SurveyRow, 'opensOn' | 'closesOn'>, today: string): SurveyState {
  if (today < survey.opensOn) return 'not_open';
  return today > survey.closesOn ? 'closed' : 'open';
}

/** A refused answer: the page says why in plain words (`details.reason`). */
const refused = (reason: SurveyRefusal): ApiError => {
  const code = reason === 'unknown' ? 'link_invalid' : reason === 'used' ? 'conflict' : reason === 'answers' ? 'bad_request' : 'link_expired';
  return new ApiError(code, {}, { reason });
};

/**
 * A region's satisfaction survey of a term (社会认可度): its questionnaire, the one-time codes handed out per
 * school and respondent group, the anonymous answers and the results. Callers have checked the caller may
 * read or manage the region; `schoolInRegion` checks are made here, where a school id arrives in a body.
 */
export class SatisfactionService {
  constructor(private readonly repo: SatisfactionRepository) {}

  /** The survey, or 404; its region is what a route authorizes. */
  async survey(id: number): Promise<SurveyRow> {
    const row = await this.repo.survey(id);
    if (!row) throw notFound();
    return row;
  }

  async view(regionId: number, termId: number, now = new Date()): Promise<SurveyView> {
    await this.#termOf(regionId, termId);
    const row = await this.repo.surveyOf(regionId, termId);
    return { survey: row ? await this.#survey(row, now) : null, defaultQuestions: [...DEFAULT_QUESTIONS], defaultTitle: DEFAULT_SURVEY_TITLE };
  }

  /** Creates the survey, or changes it: the questions only while it has not opened and nobody has answered. */
  async save(body: SurveyBody, userId: number, now = new Date()): Promise<Survey> {
    await this.#termOf(body.regionId, body.termId);
    if (body.closesOn < body.opensOn) throw invalidField('/closesOn', 'closes before it opens');
    const keys = new Set(body.questions.map((q) => q.key));
    if (keys.size !== body.questions.length) throw invalidField('/questions', 'two questions have the same key');
    const values = { title: body.title.trim(), opensOn: body.opensOn, closesOn: body.closesOn, questions: body.questions.map((q) => ({ key: q.key, text: q.text.trim() })), updatedBy: userId };
    const id = await this.repo.transaction(async () => {
      const existing = await this.repo.surveyOf(body.regionId, body.termId);
      if (!existing) return (await this.repo.insertSurvey({ regionId: body.regionId, termId: body.termId, ...values }, now)).id;
      const changesQuestions = JSON.stringify(existing.questions) !== JSON.stringify(values.questions);
      // Answers are stored by question position: once anyone could answer, the questions are what they answered.
      if (changesQuestions && !(await this.#editable(existing, now))) throw new ApiError('conflict', {}, { reason: 'survey_opened' });
      await this.repo.updateSurvey(existing.id, values, now);
      return existing.id;
    });
    return this.#survey(await this.survey(id), now);
  }

  /** Issues `count` new one-time codes to a school of the survey's region and a respondent group. */
  async issueCodes(survey: SurveyRow, body: CodeIssueBody): Promise<Survey> {
    const schools = await this.repo.schools(survey.regionId);
    if (!schools.some((s) => s.id === body.schoolId)) throw new ApiError('out_of_reach');
    const codes = Array.from({ length: body.count }, newSurveyCode);
    await this.repo.transaction(() => this.repo.insertCodes(survey.id, body.schoolId, body.respondentGroup, codes));
    return this.#survey(survey, new Date());
  }

  async codes(survey: SurveyRow, query: CodeListQuery, publicUrl: string): Promise<SurveyCode[]> {
    const rows = await this.repo.codes(survey.id, query);
    return rows.map((r) => ({ ...r, url: surveyUrl(publicUrl, r.code) }));
  }

  async results(survey: SurveyRow): Promise<SatisfactionResults> {
    const [regionName, term, schools, counts, responses] = await Promise.all([
      this.repo.regionName(survey.regionId),
      this.repo.term(survey.termId),
      this.repo.schools(survey.regionId),
      this.repo.codeCounts(survey.id),
      this.repo.responses(survey.id),
    ]);
    return {
      surveyId: survey.id,
      title: survey.title,
      regionName: regionName ?? '',
      termName: term?.name ?? '',
      ...computeResults({ questions: survey.questions, schools, issued: counts, responses }),
    };
  }

  /** The results of the region's survey of the term, or null when it has none (the file's section says so). */
  async resultsFor(regionId: number, termId: number): Promise<SatisfactionResults | null> {
    const row = await this.repo.surveyOf(regionId, termId);
    return row ? this.results(row) : null;
  }

  // ---- The public answer page ----

  /** What a code opens, for the answer page: never more than the questionnaire, its school and group. */
  async open(code: string, now = new Date()): Promise<PublicSurvey> {
    const target = await this.repo.codeTarget(code.toUpperCase());
    const none = { title: null, schoolName: null, respondentGroup: null, opensOn: null, closesOn: null, questions: [] };
    if (!target) return { status: 'unknown', ...none };
    const { survey } = target;
    const state = surveyState(survey, shanghaiDate(now));
    const status = target.used ? 'used' : state;
    return {
      status,
      title: survey.title,
      schoolName: target.schoolName,
      respondentGroup: target.respondentGroup,
      opensOn: survey.opensOn,
      closesOn: survey.closesOn,
      questions: status === 'open' ? survey.questions : [],
    };
  }

  /**
   * Takes one answer sheet for a code. In one transaction: the code is marked used by a conditional update (a
   * second use, even at the same moment, changes nothing and is refused) and the answers are stored in a row of
   * their own that names the school and group but not the code — and codes keep no time of use — so that no
   * one, the county included, can tell which code gave which answers. A refused answer stores nothing.
   */
  async answer(code: string, body: SurveyAnswerBody, now = new Date()): Promise<void> {
    const normalised = code.toUpperCase();
    const today = shanghaiDate(now);
    await this.repo.transaction(async () => {
      const target = await this.repo.codeTarget(normalised);
      if (!target) throw refused('unknown');
      const state = surveyState(target.survey, today);
      if (state !== 'open') throw refused(state);
      if (body.answers.length !== target.survey.questions.length) throw refused('answers');
      if (!(await this.repo.useCode(normalised))) throw refused('used');
      const comment = body.comment?.trim() ? body.comment.trim() : null;
      await this.repo.insertResponse({ surveyId: target.survey.id, schoolId: target.schoolId, respondentGroup: target.respondentGroup, answers: [...body.answers], comment, submittedOn: today });
    });
  }

  async #termOf(regionId: number, termId: number): Promise<void> {
    const term = await this.repo.term(termId);
    if (!term || term.regionId !== regionId) throw notFound();
  }

  async #editable(row: SurveyRow, now: Date): Promise<boolean> {
    return surveyState(row, shanghaiDate(now)) === 'not_open' && (await this.repo.responseCount(row.id)) === 0;
  }

  async #survey(row: SurveyRow, now: Date): Promise<Survey> {
    const [schools, counts, responses] = await Promise.all([this.repo.schools(row.regionId), this.repo.codeCounts(row.id), this.repo.responseCount(row.id)]);
    const codes = new Map<string, Survey['codes'][number]>();
    for (const c of counts) {
      const key = `${c.schoolId}|${c.respondentGroup}`;
      const entry = codes.get(key) ?? { schoolId: c.schoolId, respondentGroup: c.respondentGroup, issued: 0, used: 0 };
      entry.issued += c.n;
      if (c.used) entry.used += c.n;
      codes.set(key, entry);
    }
    const state = surveyState(row, shanghaiDate(now));
    return {
      id: row.id,
      regionId: row.regionId,
      termId: row.termId,
      title: row.title,
      opensOn: row.opensOn,
      closesOn: row.closesOn,
      state,
      editable: state === 'not_open' && responses === 0,
      questions: row.questions,
      schools,
      codes: [...codes.values()],
      responses,
    };
  }
}

/** The answer page's address for a code (what the QR code holds). */
export const surveyUrl = (publicUrl: string, code: string): string => `${publicUrl.replace(/\/+$/, '')}/survey/${code}`;
