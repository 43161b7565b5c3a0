import { createHash } from 'node:crypto';

/**
 * The canonical serialisation a snapshot's hash is computed over, so that anyone can recompute it from the
 * JSON alone: object keys sorted by UTF-16 code unit (JavaScript's default sort), no whitespace, strings and
 * numbers as JSON.stringify writes them (numbers in their shortest round-trip form, as RFC 8785 asks), array
 * order kept, the text encoded as UTF-8. Non-finite numbers and undefined values have no JSON form and are
 * refused rather than silently dropped, since a dropped figure would still hash "fine".
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`a snapshot cannot hold the number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries
        .map(([key, item]) => {
          if (item === undefined) throw new TypeError(`a snapshot cannot hold an undefined value (at "${key}")`);
          return `${JSON.stringify(key)}:${canonicalJson(item)}`;
        })
        .join(',')}}`;
    }
    default:
      throw new TypeError(`a snapshot cannot hold a ${typeof value}`);
  }
}

/** SHA-256 of the canonical serialisation, lowercase hex. */
export function snapshotHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
