import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, snapshotHash } from './canonical.js';
import { verifySnapshot } from './verify.js';

describe('the canonical serialisation a snapshot is hashed over', () => {
  it('sorts keys at every depth, keeps array order, and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: null, c: '县' }], '10': true })).toBe('{"10":true,"a":[3,{"c":"县","d":null}],"b":1}');
  });

  it('gives the same hash whatever the key order, and a different one when a figure changes', () => {
    const hash = snapshotHash({ region: '青山县', figures: [0.1 + 0.2, 5] });
    expect(snapshotHash({ figures: [0.1 + 0.2, 5], region: '青山县' })).toBe(hash);
    expect(snapshotHash({ figures: [0.3, 5], region: '青山县' })).not.toBe(hash);
    expect(hash).toBe(createHash('sha256').update('{"figures":[0.30000000000000004,5],"region":"青山县"}', 'utf8').digest('hex'));
  });

  it('refuses what JSON cannot carry rather than dropping it', () => {
    expect(() => canonicalJson({ cv: Number.NaN })).toThrow();
    expect(() => canonicalJson({ cv: undefined })).toThrow();
  });

  it('verifies a downloaded file against its own hash or the printed one', () => {
    const document = { version: 1, sections: [] };
    const file = { sha256: snapshotHash(document), document };
    expect(verifySnapshot(file).ok).toBe(true);
    expect(verifySnapshot(file, file.sha256.toUpperCase()).ok).toBe(true);
    expect(verifySnapshot({ ...file, document: { ...document, version: 2 } }).ok).toBe(false);
    expect(verifySnapshot(file, '0'.repeat(64)).ok).toBe(false);
  });
});
