import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regions } from '../db/schema/index.js';
import { addDays, shanghaiDate } from '../../shared/time.js';
import type { AuthenticatedPrincipal } from '../accounts/principal.js';
import type { Access } from '../core/access.js';
import { can } from '../policy/policy.js';
import { createTestApp, type TestApp } from '../../test/support/app.js';
import { LinkHealthRepository } from '../evidence/link-health/repository.js';
import { LinkHealthService } from '../evidence/link-health/service.js';
import { seedDemoCounty } from './demo.js';
import { seedDemoHistory } from './demo-history.js';
import { POOR_LINK_SCHOOL, seedDemoLinkHealth } from './demo-link-health.js';

/** The county bureau's view (the policy decides, as for a signed-in region admin). */
function regionAdmin(regionId: number): Access {
  const principal: AuthenticatedPrincipal = {
    userId: 1,
    grants: [{ role: 'region_admin', regionId, groupId: null, schoolId: null, classroomId: null }],
    courseOnly: null,
    username: 'admin.county',
    displayName: '县管理员',
    locale: null,
    sessionKind: 'password',
    sessionTokenHash: '',
  };
  return { principal, can: (action, target) => can(principal, action, target), authorize: (action, target) => expect(can(principal, action, target)).toBe(true), canGrant: () => false };
}

describe.each([
  ['with the lesson history (the CLI and first start)', true],
  ['on the timetable alone (the e2e server)', false],
])('the demo county’s link health %s', (_name, history) => {
  let t: TestApp;
  let written: number;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoCounty(t.database.db, { passwordHash: 'not-a-real-hash' });
    if (history) await seedDemoHistory(t.database.db);
    written = await seedDemoLinkHealth(t.database.db);
  });
  afterAll(async () => t.close());

  it(`puts ${POOR_LINK_SCHOOL} at the top with a poor link in ~40 % of last month's lesson minutes, and seeds only once`, async () => {
    expect(written).toBeGreaterThan(20);
    const [region] = await t.database.db.select().from(regions).where(eq(regions.code, 'qingshan'));
    const regionId = region!.id;
    const service = new LinkHealthService(new LinkHealthRepository(t.database.db), t.app.tongke.places);
    const today = shanghaiDate(new Date());
    const lastMonth = await service.report({ scope: 'region', id: regionId, from: addDays(today, -30), to: today }, regionAdmin(regionId));
    expect(lastMonth.rows[0]!.schoolName).toBe(POOR_LINK_SCHOOL);
    expect(lastMonth.rows[0]!.figures.poorPct).toBeGreaterThanOrEqual(35);
    expect(lastMonth.rows[0]!.figures.poorPct).toBeLessThanOrEqual(45);
    expect(lastMonth.rows.slice(1).every((r) => (r.figures.poorPct ?? 0) < 20)).toBe(true);
    const term = await service.report({ scope: 'region', id: regionId }, regionAdmin(regionId));
    expect(term.termId).not.toBeNull();
    expect(term.rows[0]!.trend.length).toBeGreaterThan(1);
    expect(await seedDemoLinkHealth(t.database.db)).toBe(0);
  });
});
