import * as ortc from 'mediasoup/node/lib/ortc.js';
import { LessonMediaError } from './errors.js';
import type { DtlsParameters, RtpCapabilities, RtpParameters } from './types.js';

/*
 * Full validation of the mediasoup parameter objects a browser sends (the wire schema only checks their
 * outline). Each throws LessonMediaError `invalid-parameters` on malformed input — the caller's fault,
 * reported as a bad request — and narrows the value's type when it passes.
 */

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function assertRtpParameters(value: unknown): asserts value is RtpParameters {
  if (!isObject(value)) throw invalid('rtpParameters must be an object');
  assertBounded('rtpParameters', value);
  invalidAsRefusal('rtpParameters', () => ortc.validateRtpParameters(value as unknown as RtpParameters));
}

export function assertRtpCapabilities(value: unknown): asserts value is RtpCapabilities {
  if (!isObject(value)) throw invalid('rtpCapabilities must be an object');
  assertBounded('rtpCapabilities', value);
  invalidAsRefusal('rtpCapabilities', () => ortc.validateRtpCapabilities(value as unknown as RtpCapabilities));
}

const DTLS_ROLES = new Set(['auto', 'client', 'server']);

export function assertDtlsParameters(value: unknown): asserts value is DtlsParameters {
  if (!isObject(value)) throw invalid('dtlsParameters must be an object');
  assertBounded('dtlsParameters', value);
  const { role, fingerprints } = value;
  if (role !== undefined && (typeof role !== 'string' || !DTLS_ROLES.has(role))) throw invalid('invalid dtlsParameters.role');
  if (!Array.isArray(fingerprints) || fingerprints.length === 0) throw invalid('dtlsParameters.fingerprints must be a non-empty array');
  for (const fingerprint of fingerprints) {
    if (!isObject(fingerprint) || typeof fingerprint.algorithm !== 'string' || typeof fingerprint.value !== 'string') {
      throw invalid('invalid dtlsParameters fingerprint');
    }
  }
}

/*
 * A browser's parameter objects are small and shallow (a device's capabilities: a few hundred values, five
 * levels deep). mediasoup validates the fields it knows and passes the rest on to its worker as JSON: an
 * unknown property nested thousands deep would overflow the stack there (a server fault for a caller's
 * junk), and a huge one costs the worker. So the whole object is bounded first, without recursion.
 */
const MAX_DEPTH = 12;
const MAX_VALUES = 5_000;

function assertBounded(what: string, root: object): void {
  const pending: Array<[unknown, number]> = [[root, 1]];
  let values = 0;
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (++values > MAX_VALUES) throw invalid(`${what} has more than ${MAX_VALUES} values`);
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) throw invalid(`${what} is nested deeper than ${MAX_DEPTH} levels`);
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
}

const invalid = (message: string): LessonMediaError => new LessonMediaError('invalid-parameters', message);

/** mediasoup's validators throw TypeError for what they refuse. */
function invalidAsRefusal(what: string, validate: () => void): void {
  try {
    validate();
  } catch (error) {
    if (error instanceof TypeError) throw new LessonMediaError('invalid-parameters', `${what}: ${error.message}`, { cause: error });
    throw error;
  }
}
