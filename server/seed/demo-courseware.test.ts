import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courseware } from '../db/schema/index.js';
import { hashPassword } from '../accounts/passwords.js';
import { DirectoryAttachmentStore } from '../core/file-store.js';
import { createTestApp, type TestApp } from '../../test/support/app.js';
import { seedDemoCounty } from './demo.js';
import { seedDemoCourseware } from './demo-courseware.js';

describe('the demo courseware', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoCounty(t.database.db, { passwordHash: await hashPassword('demo-password') });
  });
  afterAll(async () => t.close());

  it("gives teacher.wang's first course a ready 4-page deck whose PDF is in the file store, once", async () => {
    expect(await seedDemoCourseware(t.database.db, t.config)).toBe(true);
    expect(await seedDemoCourseware(t.database.db, t.config)).toBe(false);
    const rows = await t.database.db.select().from(courseware);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ title: '第一课 春天来了（示范课件）', status: 'ready', pageCount: 4, sourceKind: 'pdf' });
    expect(await new DirectoryAttachmentStore(t.config.attachmentsDir).has(rows[0]!.pdfSha256!)).toBe(true);
  });
});
