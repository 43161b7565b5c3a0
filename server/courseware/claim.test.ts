import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createRenderWorld, type RenderWorld } from '../../test/support/render-rows.js';
import { courseware } from '../db/schema/index.js';
import { openDatabase, type DatabaseHandle } from '../db/store.js';
import { DirectoryAttachmentStore } from '../core/file-store.js';
import { ConversionJobs } from './jobs.js';
import { CoursewareRepository } from './repository.js';

const PDF = readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'courseware', 'three-pages.pdf'));

/*
 * Several nodes read one conversion queue (issue #16): each office document must be converted by one of them
 * (LibreOffice once, one writer of its outcome), a claim left by a node that died must lapse, and a node
 * restarting takes its own claims back at once.
 */

const opened: Array<RenderWorld | DatabaseHandle> = [];
afterEach(async () => {
  for (const handle of opened.splice(0).reverse()) await handle.close();
});

/** A store with a course and its teacher, and a second connection to it (another node's). */
async function twoNodes(): Promise<{ w: RenderWorld; other: DatabaseHandle; queue: (count: number, sourceSha256?: string) => Promise<number[]> }> {
  const w = await createRenderWorld();
  opened.push(w);
  const other = await openDatabase(w.location);
  opened.push(other);
  const repo = new CoursewareRepository(w.db);
  const teacher = await repo.userIdByUsername('teacher');
  if (teacher === undefined) throw new Error('the world has no teacher');
  const queue = async (count: number, sourceSha256?: string) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(await repo.insert({ courseId: w.courseId, title: `第${i + 1}课`, fileName: `lesson-${i + 1}.pptx`, sourceKind: 'pptx', sourceSha256: sourceSha256 ?? `sha-${i}`, sizeBytes: 1000, status: 'converting', progress: 0, pdfSha256: null, pageCount: null, uploadedBy: teacher }));
    }
    return ids;
  };
  return { w, other, queue };
}

describe('conversion claims', () => {
  it('give each queued document to exactly one of two nodes claiming at the same time', async () => {
    const { w, other, queue } = await twoNodes();
    const ids = await queue(12);
    const nodes = [new CoursewareRepository(w.db, { nodeId: 'node-a' }), new CoursewareRepository(other.db, { nodeId: 'node-b' })];
    const claimed: number[][] = [[], []];
    // Each node takes one document after another (its job runner finishes one before the next), both at once.
    await Promise.all(
      nodes.map(async (repo, n) => {
        for (let job = await repo.nextConversion(); job; job = await repo.nextConversion()) {
          claimed[n]!.push(job.id);
          await repo.converted(job.id, `pdf-${job.id}`, 3);
        }
      }),
    );
    expect([...claimed[0]!, ...claimed[1]!].sort((a, b) => a - b)).toEqual(ids);
  });

  it('leave a document claimed by a live node alone, whatever the other node asks', async () => {
    const { w, other, queue } = await twoNodes();
    const [first, second] = await queue(2);
    const a = new CoursewareRepository(w.db, { nodeId: 'node-a' });
    const b = new CoursewareRepository(other.db, { nodeId: 'node-b' });
    expect((await a.nextConversion())?.id).toBe(first);
    // B is given the next document, not the one A converts.
    expect((await b.nextConversion())?.id).toBe(second);
    const [row] = await w.db.select({ node: courseware.conversionNode }).from(courseware).where(eq(courseware.id, first!));
    expect(row?.node).toBe('node-a');
  });

  it("hands a dead node's claim to another node once it lapses, and a restarted node its own at once", async () => {
    const { w, other, queue } = await twoNodes();
    const [id] = await queue(1);
    let now = new Date();
    const clock = () => now;
    const a = new CoursewareRepository(w.db, { nodeId: 'node-a', leaseMs: 60_000, now: clock });
    const b = new CoursewareRepository(other.db, { nodeId: 'node-b', leaseMs: 60_000, now: clock });
    expect((await a.nextConversion())?.id).toBe(id);
    expect(await b.nextConversion()).toBeUndefined();
    // Node A restarts: it converts what it had claimed again.
    expect((await new CoursewareRepository(w.db, { nodeId: 'node-a', leaseMs: 60_000, now: clock }).nextConversion())?.id).toBe(id);
    now = new Date(now.getTime() + 45_000);
    await a.renewClaim(id!);
    // The renewal holds the claim: more than a minute after it was taken, B still gets nothing.
    now = new Date(now.getTime() + 45_000);
    expect(await b.nextConversion()).toBeUndefined();
    // Node A is gone: no more renewals, and the claim lapses.
    now = new Date(now.getTime() + 60_000);
    expect((await b.nextConversion())?.id).toBe(id);
    // A's late writes of progress no longer touch the row B now holds.
    await a.setProgress(id!, 80);
    const [row] = await w.db.select({ node: courseware.conversionNode, progress: courseware.progress }).from(courseware).where(eq(courseware.id, id!));
    expect(row).toEqual({ node: 'node-b', progress: 0 });
  });

  it("converts a dead node's document once its claim lapses, with no upload on the node that takes it over", async () => {
    const { w, other, queue } = await twoNodes();
    const store = new DirectoryAttachmentStore(join(w.dir, 'attachments'));
    const [id] = await queue(1, (await store.put(Buffer.from('a deck'))).sha256);
    // Node A claims the document and dies: nothing renews its claim.
    const claimedAt = Date.now();
    expect((await new CoursewareRepository(w.db, { nodeId: 'node-a', leaseMs: 400 }).nextConversion())?.id).toBe(id);
    const convertedAt: number[] = [];
    const convert = async () => {
      convertedAt.push(Date.now());
      return PDF;
    };
    const b = new ConversionJobs(new CoursewareRepository(other.db, { nodeId: 'node-b', leaseMs: 400 }), store, convert, pino({ level: 'silent' }), Date.now, { lookEveryMs: 100 });
    try {
      // Node B starts while A's claim still holds, and nobody uploads to B afterwards.
      b.start();
      await expect.poll(async () => (await w.db.select({ status: courseware.status }).from(courseware).where(eq(courseware.id, id!)))[0]?.status, { timeout: 5_000 }).toBe('ready');
      expect(convertedAt).toHaveLength(1);
      expect(convertedAt[0]! - claimedAt).toBeGreaterThanOrEqual(400);
    } finally {
      await b.close();
    }
  });
});
