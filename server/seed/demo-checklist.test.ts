import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../shared/time.js';
import type { AuthenticatedPrincipal } from '../accounts/principal.js';
import { hashPassword } from '../accounts/passwords.js';
import type { Access } from '../core/access.js';
import { openDatabase, type DatabaseHandle } from '../db/store.js';
import { checklistParts, type ChecklistParts } from '../evaluation/checklist/parts.js';
import { ChecklistRepository } from '../evaluation/checklist/repository.js';
import { IndicatorService } from '../evidence/usage/indicators.js';
import { Places } from '../organisation/places.js';
import { can } from '../policy/policy.js';
import { newTestStore, type TestStoreLocation } from '../../test/support/store.js';
import { seedDemoCounty } from './demo.js';
import { seedDemoHistory } from './demo-history.js';
import { seedDemoChecklist } from './demo-checklist.js';
import { DEMO_COURSES, DEMO_REGION, DEMO_STAFF } from './demo-data.js';
import { DEMO_LOGINS, DEMO_PASSWORD } from './demo-logins.js';

/*
 * The demo county's checklist and exchange register, seeded after the county and its term's lessons: the
 * figures Tongke fills in are the usage reports' own, and the register meets both shares.
 */
let dir: string;
let store: TestStoreLocation;
let database: DatabaseHandle;
let parts: ChecklistParts;
let scope: { regionId: number; termId: number };
const config = () => ({ attachmentsDir: join(dir, 'attachments'), deliveredMinMinutes: 20 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongke-seed-checklist-'));
  store = await newTestStore(dir);
  database = await openDatabase(store.location);
  await seedDemoCounty(database.db, { passwordHash: await hashPassword(DEMO_PASSWORD) });
  await seedDemoHistory(database.db);
  expect(await seedDemoChecklist(database.db, config())).toBe(true);
  parts = checklistParts(database.db, new Places(database.db), config());
  const regionId = (await new ChecklistRepository(database.db).regionIdByCode(DEMO_REGION.code))!;
  const term = (await parts.usage.repo.terms.termCovering(regionId, shanghaiDate(new Date())))!;
  scope = { regionId, termId: term.id };
}, 120_000);
afterAll(async () => {
  await database.close();
  await store.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('seedDemoChecklist', () => {
  it('fills some items with notes and attaches a real PDF, once', async () => {
    const checklist = await parts.checklist.checklist(scope);
    expect(checklist.items.filter((i) => i.status === 'met').length).toBeGreaterThanOrEqual(5);
    expect(checklist.items.filter((i) => i.status === 'not_started').length).toBeGreaterThan(0);
    const [file] = checklist.items.flatMap((i) => i.attachments);
    expect(file).toMatchObject({ itemKey: 'gov.teacher_exchange', contentType: 'application/pdf' });
    const bytes = (await parts.store.get(file!.sha256))!.toString('latin1');
    expect(bytes.startsWith('%PDF-1.4') && bytes.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(await seedDemoChecklist(database.db, config())).toBe(false);
    expect((await parts.checklist.checklist(scope)).items.flatMap((i) => i.attachments)).toHaveLength(1);
  });

  it('ships an exchange register that meets both shares', async () => {
    const { shares, entries } = await parts.exchange.register(scope);
    expect(entries).toHaveLength(5);
    expect(shares).toEqual({ exchanged: 5, keyTeachers: 2, eligibleTeachers: 40, exchangedShare: 5 / 40, exchangedMet: true, keyShare: 2 / 5, keyMet: true });
  });

  it('fills in classroom usage exactly as the per-school usage reports count the classrooms', async () => {
    const principal: AuthenticatedPrincipal = {
      userId: 1,
      grants: [{ role: 'system_admin', regionId: null, groupId: null, schoolId: null, classroomId: null }],
      courseOnly: null,
      username: 'sys',
      displayName: 'sys',
      locale: null,
      sessionKind: 'password',
      sessionTokenHash: '',
    };
    const access: Access = { principal, can: (action, target) => can(principal, action, target), authorize: () => undefined, canGrant: () => false };
    let classrooms = 0;
    let used = 0;
    let lessons = 0;
    for (const school of (await parts.usage.repo.schools({ regionId: scope.regionId })).filter((s) => s.active)) {
      const report = await parts.usage.report({ scope: 'school', id: school.id, termId: scope.termId }, access, 'zh-CN');
      for (const row of report.rows.filter((r) => r.unit.kind === 'classroom')) {
        const n = row.figures.hostedLessons + row.figures.receivedLessons;
        classrooms += 1;
        lessons += n;
        if (n > 0) used += 1;
      }
    }
    const auto = (await parts.checklist.checklist(scope)).items.find((i) => i.key === 'quality.equipment_use')!.auto!;
    const value = (key: string) => auto.figures.find((f) => f.key === key)!.value;
    expect(lessons).toBeGreaterThan(0);
    expect([value('classrooms'), value('usedClassrooms'), value('usedShare')]).toEqual([classrooms, used, used / classrooms]);
    const term = (await parts.usage.repo.terms.term(scope.termId))!;
    const to = shanghaiDate(new Date()) < term.endsOn ? shanghaiDate(new Date()) : term.endsOn;
    const weeks = (Date.parse(to) - Date.parse(term.startsOn)) / 86_400_000 / 7 + 1 / 7;
    expect(value('lessonsPerClassroomWeek')).toBeCloseTo(lessons / classrooms / weeks, 12);
  });

  it('fills in subject coverage as the indicator report lists it per teaching point', async () => {
    const indicators = await new IndicatorService(parts.usage).report({ regionId: scope.regionId, termId: scope.termId });
    const points = indicators.schools.filter((s) => s.school.groupRole === 'teaching_point');
    const auto = (await parts.checklist.checklist(scope)).items.find((i) => i.key === 'quality.curriculum')!.auto!;
    expect(auto.table.rows.map((r) => [r[0], r[1]])).toEqual(points.map((p) => [p.school.name, p.receivedLessons]));
    expect(auto.figures.find((f) => f.key === 'teachingPoints')?.value).toBe(points.length);
  });

  it('names as online exchange the lead teachers of the courses other schools received', async () => {
    const auto = (await parts.exchange.register(scope)).online;
    const names = new Map([...DEMO_STAFF, ...DEMO_LOGINS].map((s) => [s.username, s.displayName]));
    const expected = new Set(DEMO_COURSES.filter((c) => c.receivers.some((r) => r !== c.school)).map((c) => names.get(c.leadTeacher)));
    expect(new Set(auto.table.rows.map((r) => r[0]))).toEqual(expected);
    expect(auto.figures[0]?.value).toBe(expected.size);
  });
});
