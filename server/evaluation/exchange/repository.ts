import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { TongkeDb } from '../../db/store.js';
import { evaluationExchangeEligible, evaluationExchangeEntries, roleGrants, schools, users } from '../../db/schema/index.js';
import type { EvaluationTerm } from '../checklist/repository.js';

export type ExchangeEntryRow = typeof evaluationExchangeEntries.$inferSelect;
export type ExchangeEntryValues = Omit<typeof evaluationExchangeEntries.$inferInsert, 'id' | 'regionId' | 'termId'>;

/** The teacher-exchange register's rows (交流轮岗) and the region's eligible-teacher count per term. */
export class ExchangeRepository {
  constructor(private readonly db: TongkeDb) {}

  async entries(scope: EvaluationTerm): Promise<ExchangeEntryRow[]> {
    return this.db
      .select()
      .from(evaluationExchangeEntries)
      .where(and(eq(evaluationExchangeEntries.regionId, scope.regionId), eq(evaluationExchangeEntries.termId, scope.termId)))
      .orderBy(asc(evaluationExchangeEntries.fromDate), asc(evaluationExchangeEntries.id));
  }

  async entry(scope: EvaluationTerm, id: number): Promise<ExchangeEntryRow | undefined> {
    const [row] = await this.db
      .select()
      .from(evaluationExchangeEntries)
      .where(and(eq(evaluationExchangeEntries.id, id), eq(evaluationExchangeEntries.regionId, scope.regionId), eq(evaluationExchangeEntries.termId, scope.termId)))
      .limit(1);
    return row;
  }

  async addEntry(scope: EvaluationTerm, values: ExchangeEntryValues): Promise<ExchangeEntryRow> {
    const [row] = await this.db.insert(evaluationExchangeEntries).values({ ...scope, ...values }).returning();
    return row!;
  }

  async updateEntry(scope: EvaluationTerm, id: number, values: ExchangeEntryValues): Promise<void> {
    await this.db
      .update(evaluationExchangeEntries)
      .set(values)
      .where(and(eq(evaluationExchangeEntries.id, id), eq(evaluationExchangeEntries.regionId, scope.regionId), eq(evaluationExchangeEntries.termId, scope.termId)));
  }

  async removeEntry(scope: EvaluationTerm, id: number): Promise<boolean> {
    const removed = await this.db
      .delete(evaluationExchangeEntries)
      .where(and(eq(evaluationExchangeEntries.id, id), eq(evaluationExchangeEntries.regionId, scope.regionId), eq(evaluationExchangeEntries.termId, scope.termId)))
      .returning({ id: evaluationExchangeEntries.id });
    return removed.length > 0;
  }

  async eligible(scope: EvaluationTerm): Promise<number | null> {
    const [row] = await this.db
      .select({ n: evaluationExchangeEligible.eligibleTeachers })
      .from(evaluationExchangeEligible)
      .where(and(eq(evaluationExchangeEligible.regionId, scope.regionId), eq(evaluationExchangeEligible.termId, scope.termId)))
      .limit(1);
    return row?.n ?? null;
  }

  async saveEligible(scope: EvaluationTerm, eligibleTeachers: number, updatedBy: number, updatedAt: Date): Promise<void> {
    const set = { eligibleTeachers, updatedBy, updatedAt };
    await this.db
      .insert(evaluationExchangeEligible)
      .values({ ...scope, ...set })
      .onConflictDoUpdate({ target: [evaluationExchangeEligible.regionId, evaluationExchangeEligible.termId], set });
  }

  /** The region's schools (id, name), active or not: a rotation may name a school closed since. */
  async schools(regionId: number): Promise<Array<{ id: number; name: string; active: boolean }>> {
    return this.db.select({ id: schools.id, name: schools.name, active: schools.active }).from(schools).where(eq(schools.regionId, regionId)).orderBy(asc(schools.name));
  }

  /** The teachers of the region's schools (for choosing a rotation's teacher by account). */
  async teachersOfRegion(regionId: number): Promise<Array<{ id: number; name: string; schoolId: number }>> {
    const found = await this.db
      .selectDistinct({ id: users.id, name: users.displayName, schoolId: schools.id })
      .from(users)
      .innerJoin(roleGrants, eq(roleGrants.userId, users.id))
      .innerJoin(schools, eq(schools.id, roleGrants.schoolId))
      .where(and(eq(schools.regionId, regionId), eq(roleGrants.role, 'teacher'), eq(users.active, true)))
      .orderBy(asc(users.displayName), asc(users.id));
    return found;
  }

  /** The user's display name when she teaches (or administers) at one of the region's schools; undefined otherwise. */
  async teacherOfRegion(userId: number, regionId: number): Promise<string | undefined> {
    const [row] = await this.db
      .select({ name: users.displayName })
      .from(users)
      .innerJoin(roleGrants, eq(roleGrants.userId, users.id))
      .innerJoin(schools, eq(schools.id, roleGrants.schoolId))
      .where(and(eq(users.id, userId), isNotNull(roleGrants.schoolId), eq(schools.regionId, regionId), inArray(roleGrants.role, ['teacher', 'assistant_teacher', 'school_admin'])))
      .limit(1);
    return row?.name;
  }
}
