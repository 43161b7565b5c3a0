import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoursewareFailure } from '../../shared/api/courseware.js';
import { DirectoryAttachmentStore } from '../core/file-store.js';
import { ConversionFailed, type Converter } from './converter.js';
import { ConversionJobs, estimatedProgress, PROGRESS, type ConversionQueue } from './jobs.js';
import type { ConversionJob } from './repository.js';

const PDF = readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'courseware', 'three-pages.pdf'));
const silent = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The queue as the repository keeps it (rows `converting`, oldest first), in memory, with what happened to each. */
class MemoryQueue implements ConversionQueue {
  readonly leaseMs = 60_000;
  readonly rows = new Map<number, ConversionJob & { status: string; progress: number[]; error?: CoursewareFailure; pageCount?: number }>();
  add(id: number, sourceSha256: string) {
    this.rows.set(id, { id, sourceSha256, sourceKind: 'pptx', sizeBytes: 1000, status: 'converting', progress: [] });
  }
  async nextConversion() {
    return [...this.rows.values()].filter((r) => r.status === 'converting').sort((a, b) => a.id - b.id)[0];
  }
  async setProgress(id: number, progress: number) {
    this.rows.get(id)!.progress.push(progress);
  }
  readonly renewals: number[] = [];
  async renewClaim(id: number) {
    this.renewals.push(id);
  }
  async converted(id: number, _sha: string, pageCount: number) {
    Object.assign(this.rows.get(id)!, { status: 'ready', pageCount });
  }
  async conversionFailed(id: number, error: CoursewareFailure) {
    Object.assign(this.rows.get(id)!, { status: 'failed', error });
  }
}

async function setUp(convert: Converter, renewEveryMs?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'tongke-jobs-'));
  dirs.push(dir);
  const store = new DirectoryAttachmentStore(dir);
  const { sha256 } = await store.put(Buffer.from('a deck'));
  const queue = new MemoryQueue();
  return { queue, sha256, store, jobs: new ConversionJobs(queue, store, convert, silent, Date.now, { renewEveryMs }) };
}

describe('ConversionJobs', () => {
  it('converts the queue oldest first, one at a time, including what arrives while it works', async () => {
    let running = 0;
    let most = 0;
    const order: number[] = [];
    let nextId = 0;
    const convert: Converter = async (source) => {
      running++;
      most = Math.max(most, running);
      order.push(Number(source.toString().split(' ')[1]));
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return PDF;
    };
    const { queue, jobs, store } = await setUp(convert);
    const enqueue = async () => {
      const id = ++nextId;
      queue.add(id, (await store.put(Buffer.from(`deck ${id}`))).sha256);
      jobs.kick();
    };
    await enqueue();
    await enqueue();
    await enqueue();
    await new Promise((r) => setTimeout(r, 30));
    await enqueue();
    await jobs.idle();
    expect(order).toEqual([1, 2, 3, 4]);
    expect(most).toBe(1);
    expect([...queue.rows.values()].map((r) => [r.status, r.pageCount, r.progress])).toEqual(Array(4).fill(['ready', 3, [PROGRESS.started, PROGRESS.converted]]));
  });

  it('records why a conversion failed and goes on with the next', async () => {
    const reasons: Array<Error | Buffer> = [new ConversionFailed('conversion_timed_out', 'slow'), new ConversionFailed('converter_missing', 'no soffice'), Buffer.from('not a pdf'), PDF];
    const { queue, jobs, sha256 } = await setUp(async () => {
      const next = reasons.shift()!;
      if (next instanceof Error) throw next;
      return next;
    });
    for (const id of [1, 2, 3, 4]) queue.add(id, sha256);
    jobs.kick();
    await jobs.idle();
    // A PDF LibreOffice wrote that does not open is a failed conversion, not the teacher's broken file.
    expect([...queue.rows.values()].map((r) => r.error ?? r.status)).toEqual(['conversion_timed_out', 'converter_missing', 'conversion_failed', 'ready']);
  });

  it('leaves the conversion it was doing queued when it closes, for the next start', async () => {
    const { queue, jobs, sha256 } = await setUp((_source, _kind, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason))));
    queue.add(1, sha256);
    jobs.kick();
    await new Promise((r) => setTimeout(r, 30));
    expect(jobs.progressOf(1)).toBeGreaterThanOrEqual(PROGRESS.started);
    await jobs.close();
    await jobs.close();
    expect(queue.rows.get(1)).toMatchObject({ status: 'converting', progress: [PROGRESS.started] });
    jobs.kick();
    expect(jobs.progressOf(1)).toBeUndefined();
  });

  it('renews its claim while LibreOffice works, and stops when the document is done', async () => {
    let finish = () => undefined as void;
    const { queue, jobs, sha256 } = await setUp(() => new Promise((resolve) => (finish = () => resolve(PDF))), 10);
    queue.add(1, sha256);
    jobs.kick();
    // Other nodes see the claim live however long the conversion takes: it is renewed while nothing else is written.
    await expect.poll(() => queue.renewals.length).toBeGreaterThanOrEqual(3);
    finish();
    await jobs.idle();
    const renewed = queue.renewals.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(queue.renewals).toEqual(Array(renewed).fill(1));
    expect(queue.rows.get(1)?.status).toBe('ready');
  });
});

describe('estimatedProgress', () => {
  it('moves from "started" towards "converted" with time, faster for small files, and never reaches it', () => {
    const mb = 1024 * 1024;
    expect(estimatedProgress(0, mb)).toBe(PROGRESS.started);
    expect(estimatedProgress(3_000, mb)).toBeGreaterThan(estimatedProgress(1_000, mb));
    expect(estimatedProgress(3_000, mb)).toBeGreaterThan(estimatedProgress(3_000, 40 * mb));
    expect(estimatedProgress(3_600_000, mb)).toBe(PROGRESS.converted - 1);
  });
});
