import { count, desc, eq } from 'drizzle-orm';
import type { ResearchSettings, RubricBody } from '../../../shared/api/research.js';
import { researchSettings, rubrics } from '../../db/schema/index.js';
import type { TongkeDb } from '../../db/store.js';

export interface RubricRow {
  id: number;
  regionId: number;
  body: RubricBody;
  createdAt: Date;
}

/** A region's rubric versions (评价表) and its teaching-research settings. */
export class RubricsRepository {
  constructor(private readonly db: TongkeDb) {}

  /** The region's newest version (its rubric), if it saved any. */
  async newest(regionId: number): Promise<RubricRow | undefined> {
    const [row] = await this.db.select().from(rubrics).where(eq(rubrics.regionId, regionId)).orderBy(desc(rubrics.id)).limit(1);
    return row;
  }

  async byId(id: number): Promise<RubricRow | undefined> {
    const [row] = await this.db.select().from(rubrics).where(eq(rubrics.id, id)).limit(1);
    return row;
  }

  async versions(regionId: number): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(rubrics).where(eq(rubrics.regionId, regionId));
    return Number(row?.n ?? 0);
  }

  /** Saves a new version (older ones stay: observations rated on them keep their meaning). */
  async add(regionId: number, body: RubricBody, createdBy: number | null): Promise<RubricRow> {
    const [row] = await this.db.insert(rubrics).values({ regionId, body, createdBy }).returning();
    return row!;
  }

  async settings(regionId: number): Promise<ResearchSettings | undefined> {
    const [row] = await this.db.select().from(researchSettings).where(eq(researchSettings.regionId, regionId)).limit(1);
    return row && { observationTarget: row.observationTarget, adminsSeeComments: row.adminsSeeComments, reviewDays: row.reviewDays };
  }

  async saveSettings(regionId: number, settings: ResearchSettings, updatedBy: number, now: Date): Promise<void> {
    const values = { ...settings, updatedBy, updatedAt: now };
    await this.db.insert(researchSettings).values({ regionId, ...values }).onConflictDoUpdate({ target: researchSettings.regionId, set: values });
  }
}
