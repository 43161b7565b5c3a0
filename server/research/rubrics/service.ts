import { DEFAULT_RESEARCH_SETTINGS, type ResearchSettings, type RubricBody } from '../../../shared/api/research.js';
import type { RubricVersion } from '../../../shared/api/research-review.js';
import type { Access } from '../../core/access.js';
import { toShanghaiIso } from '../../evidence/metrics.js';
import type { Places } from '../../organisation/places.js';
import { DEFAULT_RUBRIC } from './default-rubric.js';
import type { RubricRow, RubricsRepository } from './repository.js';
import { checkRubric } from './rules.js';

/**
 * A region's observation rubric (评价表) and teaching-research settings. Region admins change them
 * (`research.manage`); whoever may observe in the region or administers part of it reads the rubric.
 */
export class RubricService {
  constructor(
    private readonly repo: RubricsRepository,
    private readonly places: Places,
  ) {}

  async rubric(regionId: number, access: Access): Promise<RubricVersion> {
    await this.#authorizeRead(regionId, access);
    return this.current(regionId);
  }

  async saveRubric(regionId: number, body: RubricBody, access: Access): Promise<RubricVersion> {
    await this.#authorizeManage(regionId, access);
    checkRubric(body);
    await this.repo.add(regionId, body, access.principal.userId);
    return this.current(regionId);
  }

  async settingsFor(regionId: number, access: Access): Promise<ResearchSettings> {
    await this.#authorizeManage(regionId, access);
    return this.settings(regionId);
  }

  async saveSettings(regionId: number, settings: ResearchSettings, access: Access, now = new Date()): Promise<ResearchSettings> {
    await this.#authorizeManage(regionId, access);
    await this.repo.saveSettings(regionId, settings, access.principal.userId, now);
    return this.settings(regionId);
  }

  /** The region's rubric now: its newest version, or the default until it saves one. */
  async current(regionId: number): Promise<RubricVersion> {
    const row = await this.repo.newest(regionId);
    return row ? this.#version(row) : { id: null, regionId, body: DEFAULT_RUBRIC, createdAt: null, versions: 0 };
  }

  /**
   * The version a form is rated on from now: the region's newest, saving the default as its first version
   * when it has none (an observation names a stored version, so its ratings keep their meaning).
   */
  async versionToRate(regionId: number): Promise<RubricRow> {
    return (await this.repo.newest(regionId)) ?? (await this.repo.add(regionId, DEFAULT_RUBRIC, null));
  }

  async version(id: number): Promise<RubricVersion | undefined> {
    const row = await this.repo.byId(id);
    return row && this.#version(row);
  }

  async settings(regionId: number): Promise<ResearchSettings> {
    return (await this.repo.settings(regionId)) ?? DEFAULT_RESEARCH_SETTINGS;
  }

  async #version(row: RubricRow): Promise<RubricVersion> {
    return { id: row.id, regionId: row.regionId, body: row.body, createdAt: toShanghaiIso(row.createdAt), versions: await this.repo.versions(row.regionId) };
  }

  async #authorizeManage(regionId: number, access: Access): Promise<void> {
    access.authorize('research.manage', await this.places.regionTarget(regionId));
  }

  /** Whoever works inside the region's teaching and research (its managers among them). */
  async #authorizeRead(regionId: number, access: Access): Promise<void> {
    access.authorize('research.read', await this.places.regionTarget(regionId));
  }
}
