import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { shanghaiInstant } from '../../shared/time.js';
import { observationNotes, observations, regions, researchSettings } from '../db/schema/index.js';
import { ResearchEvidenceRepository } from '../research/evidence/repository.js';
import { ResearchEvidenceService } from '../research/evidence/service.js';
import { createTestApp, type TestApp } from '../../test/support/app.js';
import { seedDemoCounty } from './demo.js';
import { seedDemoHistory } from './demo-history.js';
import { seedDemoResearch } from './demo-research.js';

describe('the demo’s 名师课堂', () => {
  let t: TestApp;
  const today = '2026-11-27';
  const now = shanghaiInstant(today, '12:00');
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoCounty(t.database.db, { passwordHash: 'not-a-real-hash', today });
    await seedDemoHistory(t.database.db, now);
  });
  afterAll(async () => t.close());

  it('observes past lessons of teacher.wang and teacher.li, some rated, with a meeting and a target of 10, only once', async () => {
    const db = t.database.db;
    expect(await seedDemoResearch(db, now)).toBe(5);
    expect(await db.select().from(observations)).toHaveLength(5);
    expect((await db.select().from(observationNotes)).length).toBeGreaterThan(3);
    const [region] = await db.select({ id: regions.id }).from(regions).where(eq(regions.code, 'qingshan'));
    expect((await db.select().from(researchSettings))[0]?.observationTarget).toBe(10);
    const evidence = await new ResearchEvidenceService(new ResearchEvidenceRepository(db)).evidence(
      { scope: 'region', id: region!.id, regionId: region!.id },
      { fromInstant: shanghaiInstant('2026-09-01'), toInstant: shanghaiInstant('2026-11-28') },
    );
    expect(evidence.totals).toMatchObject({ lessonsObserved: 5, observationsReceived: 5, researchSessionsAttended: 3, scoredObservations: 3 });
    expect(evidence.researchSessions).toBe(1);
    expect(evidence.totals.meanScore).toBeGreaterThan(60);
    expect(evidence.belowTarget.length).toBe(evidence.teacherCount);
    expect(await seedDemoResearch(db, now)).toBe(0);
    expect(await db.select().from(observations)).toHaveLength(5);
  });
});
