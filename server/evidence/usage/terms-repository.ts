import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { TongkeDb } from '../../db/store.js';
import { terms } from '../../db/schema/index.js';

export type TermRow = typeof terms.$inferSelect;

/**
 * The region's terms as the evidence reports read them: the period a report covers (see resolveRange), the
 * terms a range crosses, and the term picker. One place for the usage reports and link health alike.
 */
export class ReportTermsRepository {
  constructor(private readonly db: TongkeDb) {}

  async term(id: number): Promise<TermRow | undefined> {
    const [row] = await this.db.select().from(terms).where(eq(terms.id, id)).limit(1);
    return row;
  }

  /** The region's term that covers the day, if any (the earliest, should two overlap). */
  async termCovering(regionId: number, day: string): Promise<TermRow | undefined> {
    const [row] = await this.db
      .select()
      .from(terms)
      .where(and(eq(terms.regionId, regionId), lte(terms.startsOn, day), gte(terms.endsOn, day)))
      .orderBy(asc(terms.startsOn), asc(terms.id))
      .limit(1);
    return row;
  }

  /** The region's terms with a day in [fromDay, toDay], oldest first. */
  async termsOverlapping(regionId: number, fromDay: string, toDay: string): Promise<TermRow[]> {
    return this.db
      .select()
      .from(terms)
      .where(and(eq(terms.regionId, regionId), lte(terms.startsOn, toDay), gte(terms.endsOn, fromDay)))
      .orderBy(asc(terms.startsOn), asc(terms.id));
  }

  /** The region's terms, oldest first (a report page's period picker). */
  async regionTerms(regionId: number): Promise<TermRow[]> {
    return this.db.select().from(terms).where(eq(terms.regionId, regionId)).orderBy(asc(terms.startsOn), asc(terms.id));
  }
}
