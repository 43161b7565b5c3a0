import { and, asc, eq, inArray } from 'drizzle-orm';
import type { ChecklistStatus } from '../../../shared/api/evaluation-checklist.js';
import type { TongkeDb } from '../../db/store.js';
import { evaluationChecklistFiles, evaluationChecklistItems, regions, terms, users } from '../../db/schema/index.js';

export type ChecklistItemRow = typeof evaluationChecklistItems.$inferSelect;
export type ChecklistFileRow = typeof evaluationChecklistFiles.$inferSelect;
export type TermRow = typeof terms.$inferSelect;

/** A region's term of the evaluation: both ids, as every row of the checklist and register carries them. */
export interface EvaluationTerm {
  regionId: number;
  termId: number;
}

/** The checklist's rows: a region's statuses and notes per item and term, and the files linked to items. */
export class ChecklistRepository {
  constructor(private readonly db: TongkeDb) {}

  /** The term, when it is one of the region's (the evaluation is per region and term). */
  async termOf(scope: EvaluationTerm): Promise<TermRow | undefined> {
    const [row] = await this.db.select().from(terms).where(and(eq(terms.id, scope.termId), eq(terms.regionId, scope.regionId))).limit(1);
    return row;
  }

  /** A region by its code (the demo seed finds its county so). */
  async regionIdByCode(code: string): Promise<number | undefined> {
    const [row] = await this.db.select({ id: regions.id }).from(regions).where(eq(regions.code, code)).limit(1);
    return row?.id;
  }

  async userIdsByUsername(usernames: readonly string[]): Promise<Map<string, number>> {
    if (usernames.length === 0) return new Map();
    const found = await this.db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.username, [...usernames]));
    return new Map(found.map((u) => [u.username, u.id]));
  }

  async items(scope: EvaluationTerm): Promise<ChecklistItemRow[]> {
    return this.db.select().from(evaluationChecklistItems).where(and(eq(evaluationChecklistItems.regionId, scope.regionId), eq(evaluationChecklistItems.termId, scope.termId)));
  }

  async saveItem(scope: EvaluationTerm, itemKey: string, values: { status: ChecklistStatus; note: string; updatedBy: number; updatedAt: Date }): Promise<void> {
    await this.db
      .insert(evaluationChecklistItems)
      .values({ ...scope, itemKey, ...values })
      .onConflictDoUpdate({ target: [evaluationChecklistItems.regionId, evaluationChecklistItems.termId, evaluationChecklistItems.itemKey], set: values });
  }

  async files(scope: EvaluationTerm): Promise<ChecklistFileRow[]> {
    return this.db
      .select()
      .from(evaluationChecklistFiles)
      .where(and(eq(evaluationChecklistFiles.regionId, scope.regionId), eq(evaluationChecklistFiles.termId, scope.termId)))
      .orderBy(asc(evaluationChecklistFiles.uploadedAt), asc(evaluationChecklistFiles.id));
  }

  async file(scope: EvaluationTerm, id: number): Promise<ChecklistFileRow | undefined> {
    const [row] = await this.db
      .select()
      .from(evaluationChecklistFiles)
      .where(and(eq(evaluationChecklistFiles.id, id), eq(evaluationChecklistFiles.regionId, scope.regionId), eq(evaluationChecklistFiles.termId, scope.termId)))
      .limit(1);
    return row;
  }

  async addFile(values: Omit<typeof evaluationChecklistFiles.$inferInsert, 'id'>): Promise<ChecklistFileRow> {
    const [row] = await this.db.insert(evaluationChecklistFiles).values(values).returning();
    return row!;
  }

  /** Unlinks a file from its item; the stored bytes stay (a snapshot may name them). */
  async removeFile(scope: EvaluationTerm, id: number): Promise<boolean> {
    const removed = await this.db
      .delete(evaluationChecklistFiles)
      .where(and(eq(evaluationChecklistFiles.id, id), eq(evaluationChecklistFiles.regionId, scope.regionId), eq(evaluationChecklistFiles.termId, scope.termId)))
      .returning({ id: evaluationChecklistFiles.id });
    return removed.length > 0;
  }
}
