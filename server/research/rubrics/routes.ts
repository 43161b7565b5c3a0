import { ERROR_RESPONSES } from '../../../shared/api/common.js';
import { ResearchSettings, RubricBody } from '../../../shared/api/research.js';
import { RegionParams, RubricVersion } from '../../../shared/api/research-review.js';
import type { TongkeApp } from '../../core/app-types.js';
import { accessFor, requireSignIn } from '../../core/access.js';
import { RubricsRepository } from './repository.js';
import { RubricService } from './service.js';

const tags = ['research'];

/** The rubric service over the app's store (the review routes rate on it). */
export function rubricService(app: TongkeApp): RubricService {
  return new RubricService(new RubricsRepository(app.tongke.db), app.tongke.places);
}

/** A region's observation rubric (评价表) and teaching-research settings. */
export default async function researchRubricRoutes(app: TongkeApp) {
  const service = rubricService(app);
  requireSignIn(app);

  app.get(
    '/api/regions/:regionId/rubric',
    { schema: { tags, summary: "The region's observation rubric (its newest version, or the default)", params: RegionParams, response: { 200: RubricVersion, ...ERROR_RESPONSES } } },
    async (request) => service.rubric(request.params.regionId, accessFor(app, request)),
  );

  app.put(
    '/api/regions/:regionId/rubric',
    { schema: { tags, summary: 'Saves a new version of the region’s rubric (weights add up to 100)', params: RegionParams, body: RubricBody, response: { 200: RubricVersion, ...ERROR_RESPONSES } } },
    async (request) => {
      const access = accessFor(app, request);
      const version = await service.saveRubric(request.params.regionId, request.body, access);
      request.log.info({ regionId: request.params.regionId, rubricId: version.id, userId: access.principal.userId }, 'rubric saved');
      return version;
    },
  );

  app.get(
    '/api/regions/:regionId/research-settings',
    { schema: { tags, summary: "The region's teaching-research settings", params: RegionParams, response: { 200: ResearchSettings, ...ERROR_RESPONSES } } },
    async (request) => service.settingsFor(request.params.regionId, accessFor(app, request)),
  );

  app.put(
    '/api/regions/:regionId/research-settings',
    { schema: { tags, summary: "Sets the region's observation target, whether admins read comments, and the review days", params: RegionParams, body: ResearchSettings, response: { 200: ResearchSettings, ...ERROR_RESPONSES } } },
    async (request) => {
      const access = accessFor(app, request);
      const settings = await service.saveSettings(request.params.regionId, request.body, access);
      request.log.info({ regionId: request.params.regionId, userId: access.principal.userId }, 'research settings saved');
      return settings;
    },
  );
}
