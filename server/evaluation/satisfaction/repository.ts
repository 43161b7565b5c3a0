import { and, asc, count, eq, gte, inArray, lte, type SQL } from 'drizzle-orm';
import type { TongkeDb } from '../../db/store.js';
import { regions, satisfactionCodes, satisfactionResponses, satisfactionSurveys, schools, terms } from '../../db/schema/index.js';
import type { RespondentGroup, SurveyQuestion } from '../../../shared/api/evaluation-satisfaction.js';

export type SurveyRow = typeof satisfactionSurveys.$inferSelect;
export type ResponseRow = Pick<typeof satisfactionResponses.$inferSelect, 'schoolId' | 'respondentGroup' | 'answers' | 'comment'>;

export interface SurveyValues {
  regionId: number;
  termId: number;
  title: string;
  opensOn: string;
  closesOn: string;
  questions: SurveyQuestion[];
  updatedBy: number | null;
}

/** What a code opens: its survey, school and group, and whether it was used. */
export interface CodeTarget {
  used: boolean;
  schoolId: number;
  schoolName: string;
  respondentGroup: RespondentGroup;
  survey: SurveyRow;
}

/** Persistence of satisfaction surveys, their one-time codes and their anonymous responses. */
export class SatisfactionRepository {
  constructor(private readonly db: TongkeDb) {}

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(() => work());
  }

  async term(termId: number): Promise<{ id: number; regionId: number; name: string } | undefined> {
    const [row] = await this.db.select({ id: terms.id, regionId: terms.regionId, name: terms.name }).from(terms).where(eq(terms.id, termId)).limit(1);
    return row;
  }

  async regionName(regionId: number): Promise<string | undefined> {
    const [row] = await this.db.select({ name: regions.name }).from(regions).where(eq(regions.id, regionId)).limit(1);
    return row?.name;
  }

  /** The region's active schools, by name: the ones codes are handed to. */
  async schools(regionId: number): Promise<Array<{ id: number; name: string }>> {
    return this.db.select({ id: schools.id, name: schools.name }).from(schools).where(and(eq(schools.regionId, regionId), eq(schools.active, true))).orderBy(asc(schools.name));
  }

  async survey(id: number): Promise<SurveyRow | undefined> {
    const [row] = await this.db.select().from(satisfactionSurveys).where(eq(satisfactionSurveys.id, id)).limit(1);
    return row;
  }

  async surveyOf(regionId: number, termId: number): Promise<SurveyRow | undefined> {
    const [row] = await this.db
      .select()
      .from(satisfactionSurveys)
      .where(and(eq(satisfactionSurveys.regionId, regionId), eq(satisfactionSurveys.termId, termId)))
      .limit(1);
    return row;
  }

  async insertSurvey(values: SurveyValues, now: Date): Promise<SurveyRow> {
    const [row] = await this.db.insert(satisfactionSurveys).values({ ...values, updatedAt: now }).returning();
    return row!;
  }

  async updateSurvey(id: number, values: Omit<SurveyValues, 'regionId' | 'termId'>, now: Date): Promise<void> {
    await this.db.update(satisfactionSurveys).set({ ...values, updatedAt: now }).where(eq(satisfactionSurveys.id, id));
  }

  async insertCodes(surveyId: number, schoolId: number, respondentGroup: RespondentGroup, codes: readonly string[]): Promise<void> {
    // In slices: a statement per code is slow on PostgreSQL, one statement for 2000 codes nears parameter limits.
    for (let i = 0; i < codes.length; i += 200) {
      await this.db.insert(satisfactionCodes).values(codes.slice(i, i + 200).map((code) => ({ surveyId, schoolId, respondentGroup, code })));
    }
  }

  async codes(surveyId: number, filter: { schoolId?: number | undefined; respondentGroup?: RespondentGroup | undefined; unusedOnly?: boolean | undefined }) {
    const where: SQL[] = [eq(satisfactionCodes.surveyId, surveyId)];
    if (filter.schoolId !== undefined) where.push(eq(satisfactionCodes.schoolId, filter.schoolId));
    if (filter.respondentGroup !== undefined) where.push(eq(satisfactionCodes.respondentGroup, filter.respondentGroup));
    if (filter.unusedOnly) where.push(eq(satisfactionCodes.used, false));
    return this.db
      .select({ code: satisfactionCodes.code, schoolId: satisfactionCodes.schoolId, schoolName: schools.name, respondentGroup: satisfactionCodes.respondentGroup, used: satisfactionCodes.used })
      .from(satisfactionCodes)
      .innerJoin(schools, eq(schools.id, satisfactionCodes.schoolId))
      .where(and(...where))
      .orderBy(asc(schools.name), asc(satisfactionCodes.respondentGroup), asc(satisfactionCodes.id));
  }

  /** Codes issued per school, group and whether used. */
  async codeCounts(surveyId: number): Promise<Array<{ schoolId: number; respondentGroup: RespondentGroup; used: boolean; n: number }>> {
    const rows = await this.db
      .select({ schoolId: satisfactionCodes.schoolId, respondentGroup: satisfactionCodes.respondentGroup, used: satisfactionCodes.used, n: count() })
      .from(satisfactionCodes)
      .where(eq(satisfactionCodes.surveyId, surveyId))
      .groupBy(satisfactionCodes.schoolId, satisfactionCodes.respondentGroup, satisfactionCodes.used);
    return rows.map((r) => ({ ...r, n: Number(r.n) }));
  }

  async responseCount(surveyId: number): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(satisfactionResponses).where(eq(satisfactionResponses.surveyId, surveyId));
    return Number(row?.n ?? 0);
  }

  async responses(surveyId: number): Promise<ResponseRow[]> {
    return this.db
      .select({ schoolId: satisfactionResponses.schoolId, respondentGroup: satisfactionResponses.respondentGroup, answers: satisfactionResponses.answers, comment: satisfactionResponses.comment })
      .from(satisfactionResponses)
      .where(eq(satisfactionResponses.surveyId, surveyId));
  }

  async codeTarget(code: string): Promise<CodeTarget | undefined> {
    const [row] = await this.db
      .select({ used: satisfactionCodes.used, schoolId: satisfactionCodes.schoolId, schoolName: schools.name, respondentGroup: satisfactionCodes.respondentGroup, survey: satisfactionSurveys })
      .from(satisfactionCodes)
      .innerJoin(satisfactionSurveys, eq(satisfactionSurveys.id, satisfactionCodes.surveyId))
      .innerJoin(schools, eq(schools.id, satisfactionCodes.schoolId))
      .where(eq(satisfactionCodes.code, code))
      .limit(1);
    return row;
  }

  /**
   * Marks the code used if it was not: one conditional UPDATE, so of two submissions at once exactly one
   * changes the row and the other finds it used. Returns whether this call used it.
   */
  async useCode(code: string): Promise<boolean> {
    const changed = await this.db
      .update(satisfactionCodes)
      .set({ used: true })
      .where(and(eq(satisfactionCodes.code, code), eq(satisfactionCodes.used, false)))
      .returning({ surveyId: satisfactionCodes.surveyId });
    return changed.length === 1;
  }

  /** The region with this code, and its term covering a day (for the demo seed). */
  async regionTermOn(regionCode: string, day: string): Promise<{ regionId: number; termId: number; startsOn: string; endsOn: string } | undefined> {
    const [row] = await this.db
      .select({ regionId: regions.id, termId: terms.id, startsOn: terms.startsOn, endsOn: terms.endsOn })
      .from(regions)
      .innerJoin(terms, eq(terms.regionId, regions.id))
      .where(and(eq(regions.code, regionCode), lte(terms.startsOn, day), gte(terms.endsOn, day)))
      .limit(1);
    return row;
  }

  /** Marks these codes used (the demo seed's answered codes). */
  async markUsed(codes: readonly string[]): Promise<void> {
    for (let i = 0; i < codes.length; i += 200) await this.db.update(satisfactionCodes).set({ used: true }).where(inArray(satisfactionCodes.code, codes.slice(i, i + 200)));
  }

  /** Many answer sheets at once (the demo seed), as anonymous as one. */
  async insertResponses(values: ReadonlyArray<{ surveyId: number; schoolId: number; respondentGroup: RespondentGroup; answers: number[]; comment: string | null; submittedOn: string }>): Promise<void> {
    for (let i = 0; i < values.length; i += 200) await this.db.insert(satisfactionResponses).values(values.slice(i, i + 200));
  }

  /** The anonymous answer sheet: no code, no user, no instant. */
  async insertResponse(values: { surveyId: number; schoolId: number; respondentGroup: RespondentGroup; answers: number[]; comment: string | null; submittedOn: string }): Promise<void> {
    await this.db.insert(satisfactionResponses).values(values);
  }
}
