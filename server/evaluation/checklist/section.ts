import type { AutoFigure, ChecklistStatus } from '../../../shared/api/evaluation-checklist.js';
import type { EvaluationSection, SectionFigure } from '../../../shared/api/evaluation.js';
import type { SectionBuilder } from '../section.js';
import { ASPECT_TITLES } from './catalogue.js';
import type { ChecklistService } from './service.js';

export const STATUS_TITLES: Record<ChecklistStatus, string> = { not_started: '未开始', in_progress: '进行中', met: '已达标', not_met: '未达标' };

/** An auto figure in one cell: "label value unit；…" (values unrounded, as the file keeps numbers). */
export const autoSummary = (auto: AutoFigure): string =>
  auto.figures.map((f) => `${f.label} ${f.value === null ? '—' : f.value}${f.unit ?? ''}`).join('；');

/**
 * The checklist as a section of the evaluation file: per aspect how many items are met, the item table
 * (status, note, attachments, the figure Tongke filled in and its source page), each filled-in figure's
 * detail table, and every attached file by sha256 so that the snapshot keeps exactly those bytes.
 */
export function buildChecklistSection(service: ChecklistService): SectionBuilder {
  return async (scope): Promise<EvaluationSection> => {
    const checklist = await service.checklist(scope);
    const figures: SectionFigure[] = (['government', 'quality'] as const).map((aspect) => {
      const items = checklist.items.filter((i) => i.aspect === aspect);
      const met = items.filter((i) => i.status === 'met').length;
      return { key: `${aspect}Met`, label: `${ASPECT_TITLES[aspect]}已达标项目`, value: met, unit: `/${items.length} 项`, requirement: `全部 ${items.length} 项达标`, met: met === items.length };
    });
    const autos = checklist.items.flatMap((i) => (i.auto ? [i.auto] : []));
    return {
      key: 'checklist',
      title: `政府保障程度与教育质量 — ${checklist.term.name}`,
      figures,
      tables: [
        {
          key: 'items',
          title: '评估项目清单',
          columns: ['方面', '项目编号', '项目', '要求', '状态', '说明', '附件数', 'Tongke 数据', '数据来源'],
          rows: checklist.items.map((i) => [
            ASPECT_TITLES[i.aspect],
            i.key,
            i.title,
            i.requirement,
            STATUS_TITLES[i.status],
            i.note,
            i.attachments.length,
            i.auto ? autoSummary(i.auto) : null,
            i.auto?.sourcePath ?? null,
          ]),
        },
        ...autos.map((auto) => auto.table),
      ],
      attachments: checklist.items.flatMap((i) => i.attachments.map((a) => ({ itemKey: a.itemKey, name: a.name, sha256: a.sha256, bytes: a.bytes, contentType: a.contentType }))),
    };
  };
}
