import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryAttachmentStore, sha256Of } from './file-store.js';
import { MINIMAL_PDF } from '../evaluation/attachments/sample-files.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const newStore = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongke-attachments-'));
  dirs.push(dir);
  return new DirectoryAttachmentStore(dir);
};

describe('DirectoryAttachmentStore', () => {
  it('keeps the same bytes once, under their sha256, and reads them back', async () => {
    const store = newStore();
    const first = await store.put(MINIMAL_PDF);
    const second = await store.put(Buffer.from(MINIMAL_PDF));
    expect(first).toEqual({ sha256: sha256Of(MINIMAL_PDF), stored: true });
    expect(second).toEqual({ sha256: first.sha256, stored: false });
    const fanOut = join(store.root, first.sha256.slice(0, 2), first.sha256.slice(2, 4));
    expect(readdirSync(fanOut)).toEqual([first.sha256]);
    expect((await store.get(first.sha256))?.equals(Buffer.from(MINIMAL_PDF))).toBe(true);
    expect(await store.get('0'.repeat(64))).toBeNull();
  });
});
