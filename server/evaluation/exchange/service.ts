import { EXCHANGE_REQUIREMENTS, type ExchangeEntry, type ExchangeEntryBody, type ExchangeRegister, type ExchangeShares } from '../../../shared/api/evaluation-checklist.js';
import { shanghaiDate } from '../../../shared/time.js';
import { invalidField, isCalendarDate } from '../../core/constraints.js';
import { notFound } from '../../core/errors.js';
import type { ChecklistAutoFigures } from '../checklist/auto-figures.js';
import type { ChecklistService } from '../checklist/service.js';
import type { EvaluationTerm } from '../checklist/repository.js';
import type { ExchangeEntryRow, ExchangeEntryValues, ExchangeRepository } from './repository.js';

/** The register's shares: distinct teachers (an account, or a name), and the key teachers among them. */
export function exchangeShares(entries: ReadonlyArray<Pick<ExchangeEntryRow, 'teacherId' | 'teacherName' | 'keyTeacher'>>, eligibleTeachers: number | null): ExchangeShares {
  const teacherKey = (e: (typeof entries)[number]) => (e.teacherId !== null ? `id:${e.teacherId}` : `name:${e.teacherName.trim()}`);
  const exchanged = new Set(entries.map(teacherKey)).size;
  const keyTeachers = new Set(entries.filter((e) => e.keyTeacher).map(teacherKey)).size;
  const exchangedShare = eligibleTeachers !== null && eligibleTeachers > 0 ? exchanged / eligibleTeachers : null;
  const keyShare = exchanged > 0 ? keyTeachers / exchanged : null;
  return {
    exchanged,
    keyTeachers,
    eligibleTeachers,
    exchangedShare,
    exchangedMet: exchangedShare === null ? null : exchangedShare >= EXCHANGE_REQUIREMENTS.exchangedShare,
    keyShare,
    keyMet: keyShare === null ? null : keyShare >= EXCHANGE_REQUIREMENTS.keyShare,
  };
}

const entryView = (r: ExchangeEntryRow, schoolNames: ReadonlyMap<number, string>): ExchangeEntry => ({
  id: r.id,
  teacherId: r.teacherId,
  teacherName: r.teacherName,
  fromSchool: { id: r.fromSchoolId, name: schoolNames.get(r.fromSchoolId) ?? '' },
  toSchool: { id: r.toSchoolId, name: schoolNames.get(r.toSchoolId) ?? '' },
  fromDate: r.fromDate,
  toDate: r.toDate,
  keyTeacher: r.keyTeacher,
  note: r.note,
});

/**
 * The teacher-exchange register (交流轮岗) of a region's term: who rotated from which school to which and
 * when, the eligible-teacher count the region enters, the shares against ≥ 10 % / ≥ 20 %, and beside them
 * (never added in) the teachers who taught other schools' classes online.
 */
export class ExchangeService {
  constructor(
    private readonly repo: ExchangeRepository,
    private readonly checklist: ChecklistService,
    private readonly auto: ChecklistAutoFigures,
  ) {}

  async register(scope: EvaluationTerm, today = shanghaiDate(new Date())): Promise<ExchangeRegister> {
    const term = await this.checklist.term(scope);
    const schools = await this.repo.schools(scope.regionId);
    const names = new Map(schools.map((s) => [s.id, s.name]));
    const rows = await this.repo.entries(scope);
    const entries = rows.map((r) => entryView(r, names));
    return {
      regionId: scope.regionId,
      term: { id: term.id, name: term.name, startsOn: term.startsOn, endsOn: term.endsOn },
      entries,
      shares: exchangeShares(rows, await this.repo.eligible(scope)),
      online: await this.auto.figure('online_exchange', scope, today),
      schools: schools.map((s) => ({ id: s.id, name: s.name })),
      teachers: await this.repo.teachersOfRegion(scope.regionId),
    };
  }

  async saveEligible(scope: EvaluationTerm, eligibleTeachers: number, userId: number, now = new Date()): Promise<ExchangeRegister> {
    await this.checklist.term(scope);
    await this.repo.saveEligible(scope, eligibleTeachers, userId, now);
    return this.register(scope);
  }

  async addEntry(scope: EvaluationTerm, body: ExchangeEntryBody, userId: number, now = new Date()): Promise<ExchangeEntry> {
    await this.checklist.term(scope);
    const row = await this.repo.addEntry(scope, await this.#values(scope, body, userId, now));
    return this.#entry(scope, row.id);
  }

  async updateEntry(scope: EvaluationTerm, entryId: number, body: ExchangeEntryBody, userId: number, now = new Date()): Promise<ExchangeEntry> {
    await this.checklist.term(scope);
    if (!(await this.repo.entry(scope, entryId))) throw notFound();
    await this.repo.updateEntry(scope, entryId, await this.#values(scope, body, userId, now));
    return this.#entry(scope, entryId);
  }

  async removeEntry(scope: EvaluationTerm, entryId: number): Promise<void> {
    await this.checklist.term(scope);
    if (!(await this.repo.removeEntry(scope, entryId))) throw notFound();
  }

  async #entry(scope: EvaluationTerm, id: number): Promise<ExchangeEntry> {
    const row = await this.repo.entry(scope, id);
    if (!row) throw notFound();
    return entryView(row, new Map((await this.repo.schools(scope.regionId)).map((s) => [s.id, s.name])));
  }

  /** Checks a body against the region: the teacher is one of its teachers (or just a name), both schools are its own. */
  async #values(scope: EvaluationTerm, body: ExchangeEntryBody, userId: number, now: Date): Promise<ExchangeEntryValues> {
    let teacherName = body.teacherName?.trim() ?? '';
    if (body.teacherId) {
      const name = await this.repo.teacherOfRegion(body.teacherId, scope.regionId);
      if (name === undefined) throw invalidField('/teacherId', 'not a teacher of a school of this region');
      teacherName = name;
    } else if (!teacherName) {
      throw invalidField('/teacherName', 'a teacher account or a name is required');
    }
    const schools = new Set((await this.repo.schools(scope.regionId)).map((s) => s.id));
    if (!schools.has(body.fromSchoolId)) throw invalidField('/fromSchoolId', 'not a school of this region');
    if (!schools.has(body.toSchoolId)) throw invalidField('/toSchoolId', 'not a school of this region');
    if (body.fromSchoolId === body.toSchoolId) throw invalidField('/toSchoolId', 'must differ from the school the teacher came from');
    if (!isCalendarDate(body.fromDate)) throw invalidField('/fromDate', 'not a calendar date');
    const toDate = body.toDate ?? null;
    if (toDate !== null && (!isCalendarDate(toDate) || toDate < body.fromDate)) throw invalidField('/toDate', 'must be a calendar date not before fromDate');
    return {
      teacherId: body.teacherId ?? null,
      teacherName,
      fromSchoolId: body.fromSchoolId,
      toSchoolId: body.toSchoolId,
      fromDate: body.fromDate,
      toDate,
      keyTeacher: body.keyTeacher,
      note: body.note?.trim() ?? '',
      updatedBy: userId,
      updatedAt: now,
    };
  }
}
