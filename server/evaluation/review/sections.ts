import { EVALUATION_SECTION_KEYS, type EvaluationScope, type EvaluationSection, type EvaluationSectionKey } from '../../../shared/api/evaluation.js';
import type { TongkeContext } from '../../core/context.js';
import { IndicatorService } from '../../evidence/usage/indicators.js';
import { UsageRepository } from '../../evidence/usage/repository.js';
import { UsageReportService } from '../../evidence/usage/service.js';
import type { SectionBuilder } from '../section.js';
import { usageSection } from '../usage-section.js';
import { ResearchEvidenceRepository } from '../../research/evidence/repository.js';
import { ResearchEvidenceService } from '../../research/evidence/service.js';
import { checklistParts } from '../checklist/parts.js';
import { ResourceRepository } from '../resources/repository.js';
import { buildResourcesSection } from '../resources/section.js';
import { ResourceService } from '../resources/service.js';
import { SatisfactionRepository } from '../satisfaction/repository.js';
import { buildSatisfactionSection } from '../satisfaction/section.js';
import { SatisfactionService } from '../satisfaction/service.js';

/** What a section's builder is made from: the app's shared context (database, places, configuration). */
export type SectionDeps = Pick<TongkeContext, 'db' | 'places' | 'config'>;
export type SectionFactory = (deps: SectionDeps) => SectionBuilder;

/**
 * Every part of the self-evaluation file that can render itself. Each part registers its builder here
 * under its key; the preview, the frozen snapshot, the workbook and the printed report are built from this
 * one list, in the order of EVALUATION_SECTION_KEYS (the order of the official file).
 */
export const SECTION_FACTORIES: Partial<Record<EvaluationSectionKey, SectionFactory>> = {
  resources: ({ db }) => buildResourcesSection(new ResourceService(new ResourceRepository(db))),
  satisfaction: ({ db }) => buildSatisfactionSection(new SatisfactionService(new SatisfactionRepository(db))),
  checklist: ({ db, places, config }) => checklistParts(db, places, config).sections.checklist,
  exchange: ({ db, places, config }) => checklistParts(db, places, config).sections.exchange,
  usage: ({ db, places, config }) =>
    usageSection(
      new IndicatorService(new UsageReportService(new UsageRepository(db), places, { deliveredMinMinutes: config.deliveredMinMinutes })),
      new ResearchEvidenceService(new ResearchEvidenceRepository(db)),
    ),
};

/** Builds the whole file of a region and term: every registered section, in the file's order. */
export class EvaluationFileBuilder {
  readonly #builders: ReadonlyArray<SectionBuilder>;

  constructor(deps: SectionDeps, factories: Partial<Record<EvaluationSectionKey, SectionFactory>> = SECTION_FACTORIES) {
    this.#builders = EVALUATION_SECTION_KEYS.flatMap((key) => {
      const factory = factories[key];
      return factory ? [factory(deps)] : [];
    });
  }

  async build(scope: EvaluationScope): Promise<EvaluationSection[]> {
    const sections: EvaluationSection[] = [];
    // One after another: the builders share one database connection on SQLite, and the order is the file's.
    for (const build of this.#builders) sections.push(await build(scope));
    return sections;
  }
}
