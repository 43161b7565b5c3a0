import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where uploaded files (evidence attachments, courseware) are kept, by the SHA-256 of their bytes: the same file attached twice is
 * stored once, and a frozen snapshot that names a file by its sha256 finds exactly those bytes. Nothing is
 * ever deleted through this interface — a file unlinked from an item may still be named by a submitted
 * snapshot (keeping or collecting unreferenced files is out of scope). An object store (S3/OSS) can implement
 * the same three methods.
 */
export interface AttachmentStore {
  /** Stores the bytes (once per content) and returns their sha256. */
  put(bytes: Uint8Array): Promise<{ sha256: string; stored: boolean }>;
  /** The bytes of a sha256, or null when the store has none. */
  get(sha256: string): Promise<Buffer | null>;
  has(sha256: string): Promise<boolean>;
}

const SHA256 = /^[0-9a-f]{64}$/;

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A directory: `<root>/ab/cd/<sha256>` (two levels of fan-out keep directories small). */
export class DirectoryAttachmentStore implements AttachmentStore {
  constructor(readonly root: string) {}

  #path(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(bytes: Uint8Array): Promise<{ sha256: string; stored: boolean }> {
    const sha256 = sha256Of(bytes);
    if (await this.has(sha256)) return { sha256, stored: false };
    const path = this.#path(sha256);
    await mkdir(join(path, '..'), { recursive: true });
    // Written aside and renamed into place, so a reader never sees half a file under its hash.
    const partial = `${path}.${randomBytes(6).toString('hex')}.part`;
    try {
      await writeFile(partial, bytes, { flag: 'wx' });
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { sha256, stored: true };
  }

  async get(sha256: string): Promise<Buffer | null> {
    try {
      return await readFile(this.#path(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.#path(sha256))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}
