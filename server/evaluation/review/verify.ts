import { snapshotHash } from './canonical.js';

/** What checking a downloaded snapshot found. */
export interface Verification {
  ok: boolean;
  /** The hash recomputed from the document. */
  computed: string;
  /** The hash the file (or the caller) claims. */
  claimed: string | null;
}

/**
 * Checks a snapshot as served by GET /api/evaluation/submissions/:id/versions/:version (`{ sha256, document }`):
 * recomputes SHA-256 over the canonical serialisation of `document` and compares it with `expected` (the hash
 * printed on the paper report or the workbook's cover) or, failing that, with the file's own `sha256`.
 */
export function verifySnapshot(file: unknown, expected?: string): Verification {
  if (typeof file !== 'object' || file === null || !('document' in file)) throw new Error('not a snapshot file: it has no "document"');
  const computed = snapshotHash((file as { document: unknown }).document);
  const own = 'sha256' in file && typeof file.sha256 === 'string' ? file.sha256 : null;
  const claimed = expected?.trim().toLowerCase() || own;
  return { ok: claimed !== null && claimed === computed, computed, claimed };
}
