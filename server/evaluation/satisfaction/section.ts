import { SATISFACTION_REQUIRED } from '../../../shared/api/evaluation-satisfaction.js';
import type { EvaluationSection, SectionTable } from '../../../shared/api/evaluation.js';
import type { ExportTable } from '../../evidence/usage/export-tables.js';
import type { SectionBuilder } from '../section.js';
import type { SatisfactionService } from './service.js';
import { resultTables } from './tables.js';

const TITLE = '社会认可度（满意度调查）';

const asSectionTable = (key: string, t: ExportTable): SectionTable => ({ key, title: t.sheet, columns: t.columns.map((c) => c.header), rows: t.rows });

/**
 * The satisfaction part of the self-evaluation file: overall satisfaction against ≥ 85 % and the response
 * rate, then the tables per school, per school and group, and per question. Without a survey for the term the
 * figures are empty and unjudged (met: null), so the file shows the gap instead of hiding it.
 */
export function buildSatisfactionSection(service: SatisfactionService): SectionBuilder {
  return async ({ regionId, termId }): Promise<EvaluationSection> => {
    const results = await service.resultsFor(regionId, termId);
    const requirement = `≥ ${SATISFACTION_REQUIRED * 100} %`;
    if (!results) {
      return {
        key: 'satisfaction',
        title: TITLE,
        figures: [
          { key: 'satisfaction', label: '总体满意度（未开展调查）', value: null, unit: '%', requirement, met: null },
          { key: 'response_rate', label: '问卷回收率', value: null, unit: '%' },
        ],
        tables: [],
        attachments: [],
      };
    }
    const tables = resultTables(results, 'zh-CN');
    const { overall } = results;
    return {
      key: 'satisfaction',
      title: TITLE,
      figures: [
        { key: 'satisfaction', label: '总体满意度（很满意、满意、基本满意占全部作答）', value: overall.satisfaction === null ? null : overall.satisfaction * 100, unit: '%', requirement, met: results.meets },
        { key: 'response_rate', label: '问卷回收率（回收问卷 / 发放问卷码）', value: overall.responseRate === null ? null : overall.responseRate * 100, unit: '%' },
        { key: 'responses', label: '回收问卷', value: overall.responses, unit: '份' },
      ],
      tables: [asSectionTable('schools', tables.schools), asSectionTable('groups', tables.groups), asSectionTable('questions', tables.questions)],
      attachments: [],
    };
  };
}
