import type { CodeIssueBody, RespondentGroup, SatisfactionResults, Survey, SurveyBody, SurveyCodeList, SurveyView } from '../../../../shared/api/evaluation-satisfaction.js';
import type { Region } from '../../../../shared/api/organisation.js';
import type { Term } from '../../../../shared/api/teaching.js';
import type { ApiClient } from '../../../lib/api.js';

/** The satisfaction workbench's calls. */
export const satisfactionApi = (http: ApiClient) => ({
  regions: () => http.get<Region[]>('/api/regions'),
  terms: (regionId: number) => http.get<Term[]>('/api/terms', { regionId }),
  view: (regionId: number, termId: number) => http.get<SurveyView>('/api/evaluation/satisfaction', { regionId, termId }),
  save: (body: SurveyBody) => http.put<Survey>('/api/evaluation/satisfaction', body),
  issue: (surveyId: number, body: CodeIssueBody) => http.post<Survey>(`/api/evaluation/satisfaction/${surveyId}/codes`, body),
  codes: (surveyId: number, schoolId: number, respondentGroup: RespondentGroup) =>
    http.get<SurveyCodeList>(`/api/evaluation/satisfaction/${surveyId}/codes`, { schoolId, respondentGroup, unusedOnly: true }),
  results: (surveyId: number) => http.get<SatisfactionResults>(`/api/evaluation/satisfaction/${surveyId}/results`),
});
export type SatisfactionApi = ReturnType<typeof satisfactionApi>;

export const resultsDownload = (surveyId: number, format: 'xlsx' | 'csv') => `/api/evaluation/satisfaction/${surveyId}/results?format=${format}`;
export const codesDownload = (surveyId: number, format: 'xlsx' | 'csv') => `/api/evaluation/satisfaction/${surveyId}/codes?format=${format}`;

/** The term covering today, else the latest one. */
export function currentTerm(terms: readonly Term[], today: string): Term | null {
  return terms.find((t) => t.startsOn <= today && today <= t.endsOn) ?? [...terms].sort((a, b) => b.startsOn.localeCompare(a.startsOn))[0] ?? null;
}
