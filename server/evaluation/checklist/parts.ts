import type { TongkeConfig } from '../../config.js';
import type { TongkeDb } from '../../db/store.js';
import { IndicatorService } from '../../evidence/usage/indicators.js';
import { UsageRepository } from '../../evidence/usage/repository.js';
import { UsageReportService } from '../../evidence/usage/service.js';
import type { Places } from '../../organisation/places.js';
import { DirectoryAttachmentStore, type AttachmentStore } from '../../core/file-store.js';
import { ExchangeRepository } from '../exchange/repository.js';
import { buildExchangeSection } from '../exchange/section.js';
import { ExchangeService } from '../exchange/service.js';
import type { SectionBuilder } from '../section.js';
import { ChecklistAutoFigures } from './auto-figures.js';
import { OnlineExchangeRepository } from './figures-repository.js';
import { ChecklistRepository } from './repository.js';
import { buildChecklistSection } from './section.js';
import { ChecklistService } from './service.js';

/** The checklist and exchange register, wired once: the routes, the seed and the evaluation file use the same. */
export interface ChecklistParts {
  store: AttachmentStore;
  checklist: ChecklistService;
  exchange: ExchangeService;
  usage: UsageReportService;
  sections: { checklist: SectionBuilder; exchange: SectionBuilder };
}

export function checklistParts(db: TongkeDb, places: Places, config: Pick<TongkeConfig, 'attachmentsDir' | 'deliveredMinMinutes'>): ChecklistParts {
  const usage = new UsageReportService(new UsageRepository(db), places, { deliveredMinMinutes: config.deliveredMinMinutes });
  const auto = new ChecklistAutoFigures(usage, new IndicatorService(usage), new OnlineExchangeRepository(db));
  const store = new DirectoryAttachmentStore(config.attachmentsDir);
  const checklist = new ChecklistService(new ChecklistRepository(db), store, auto);
  const exchange = new ExchangeService(new ExchangeRepository(db), checklist, auto);
  return { store, checklist, exchange, usage, sections: { checklist: buildChecklistSection(checklist), exchange: buildExchangeSection(exchange) } };
}
