import { and, asc, eq, gte, inArray, isNotNull, lte } from 'drizzle-orm';
import type { TongkeDb } from '../../db/store.js';
import { attendanceIntervals, classrooms, educationGroups, linkHealthDays, qualitySamples, regions, schools } from '../../db/schema/index.js';
import { chunks } from '../../core/lists.js';
import { SitePlacesRepository } from '../usage/site-places-repository.js';
import { ReportTermsRepository } from '../usage/terms-repository.js';
import type { LinkHealthDay, LinkSample } from './rollup.js';

/** Rows per multi-row insert (13 columns: well under SQLite's bound-parameter limit). */
const INSERT_BATCH = 60;

/** Which organisation unit's receiving classrooms a report reads. */
export type LinkHealthUnit = { scope: 'region' | 'group' | 'school'; id: number };

/** A stored day row with the names the report shows. */
export interface LinkHealthDayRow extends LinkHealthDay {
  classroomName: string;
  schoolName: string;
}

/** Reads a lesson's quality samples and keeps its link health rows; reads those rows for reports. */
export class LinkHealthRepository {
  /** Where the classrooms sit today, filed as the usage roll-ups file them. */
  readonly places: SitePlacesRepository;
  /** The region's terms: periods come from them, as the usage reports' do. */
  readonly terms: ReportTermsRepository;

  constructor(private readonly db: TongkeDb) {
    this.places = new SitePlacesRepository(db);
    this.terms = new ReportTermsRepository(db);
  }

  /** Runs `work` in one transaction (ambient: every query of this repository inside it joins). */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(() => work());
  }

  /** The quality samples of the lesson's receiving classrooms (a site is one by its attendance). */
  async lessonSamples(lessonSessionId: number): Promise<LinkSample[]> {
    const receiving = this.db
      .select({ participantId: attendanceIntervals.participantId })
      .from(attendanceIntervals)
      .where(and(eq(attendanceIntervals.lessonSessionId, lessonSessionId), eq(attendanceIntervals.siteKind, 'receiving_classroom')));
    const rows = await this.db
      .select({
        participantId: qualitySamples.participantId,
        classroomId: qualitySamples.classroomId,
        sampledAt: qualitySamples.sampledAt,
        rttMs: qualitySamples.rttMs,
        packetLossPct: qualitySamples.packetLossPct,
        consumerScore: qualitySamples.consumerScore,
      })
      .from(qualitySamples)
      .where(and(eq(qualitySamples.lessonSessionId, lessonSessionId), isNotNull(qualitySamples.classroomId), inArray(qualitySamples.participantId, receiving)))
      .orderBy(asc(qualitySamples.id));
    return rows.map((r) => ({ ...r, classroomId: r.classroomId!, sampledAt: r.sampledAt.getTime() }));
  }

  /** Replaces the lesson's rows (call inside a transaction). */
  async replaceLesson(lessonSessionId: number, days: readonly LinkHealthDay[]): Promise<void> {
    await this.db.delete(linkHealthDays).where(eq(linkHealthDays.lessonSessionId, lessonSessionId));
    await this.insertDays(days.map((d) => ({ ...d, lessonSessionId })));
  }

  /** Adds rows as they are (the demo seed's history, with or without a lesson). */
  async insertDays(days: ReadonlyArray<LinkHealthDay & { lessonSessionId: number | null }>): Promise<void> {
    for (const part of chunks(days, INSERT_BATCH)) await this.db.insert(linkHealthDays).values(part);
  }

  async hasLesson(lessonSessionId: number): Promise<boolean> {
    const [row] = await this.db.select({ id: linkHealthDays.id }).from(linkHealthDays).where(eq(linkHealthDays.lessonSessionId, lessonSessionId)).limit(1);
    return row !== undefined;
  }

  async hasAny(regionId: number): Promise<boolean> {
    const [row] = await this.db.select({ id: linkHealthDays.id }).from(linkHealthDays).where(eq(linkHealthDays.regionId, regionId)).limit(1);
    return row !== undefined;
  }

  /** The unit's rows of Shanghai days [fromDay, toDay], with classroom and school names, by classroom and day. */
  async days(unit: LinkHealthUnit, fromDay: string, toDay: string): Promise<LinkHealthDayRow[]> {
    const inUnit = unit.scope === 'region' ? eq(linkHealthDays.regionId, unit.id) : unit.scope === 'group' ? eq(linkHealthDays.groupId, unit.id) : eq(linkHealthDays.schoolId, unit.id);
    const rows = await this.db
      .select({ row: linkHealthDays, classroomName: classrooms.name, schoolName: schools.name })
      .from(linkHealthDays)
      .innerJoin(classrooms, eq(classrooms.id, linkHealthDays.classroomId))
      .innerJoin(schools, eq(schools.id, linkHealthDays.schoolId))
      .where(and(inUnit, gte(linkHealthDays.day, fromDay), lte(linkHealthDays.day, toDay)))
      .orderBy(asc(linkHealthDays.classroomId), asc(linkHealthDays.day), asc(linkHealthDays.id));
    return rows.map(({ row, classroomName, schoolName }) => {
      const { id: _id, lessonSessionId: _lesson, ...day } = row;
      return { ...day, classroomName, schoolName };
    });
  }

  /** The unit's name ('' when it is gone). */
  async unitName(unit: LinkHealthUnit): Promise<string> {
    const named = unit.scope === 'region' ? regions : unit.scope === 'group' ? educationGroups : schools;
    const [row] = await this.db.select({ name: named.name }).from(named).where(eq(named.id, unit.id)).limit(1);
    return row?.name ?? '';
  }
}
