import * as ortc from 'mediasoup/node/lib/ortc.js';
import type { DtlsParameters, RtpCapabilities, RtpParameters } from './types.js';

/*
 * Full validation of the mediasoup parameter objects a browser sends (the wire schema only checks their
 * outline). Each throws TypeError on malformed input — the caller's fault, reported as a bad request —
 * and narrows the value's type when it passes.
 */

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function assertRtpParameters(value: unknown): asserts value is RtpParameters {
  if (!isObject(value)) throw new TypeError('rtpParameters must be an object');
  ortc.validateRtpParameters(value as unknown as RtpParameters);
}

export function assertRtpCapabilities(value: unknown): asserts value is RtpCapabilities {
  if (!isObject(value)) throw new TypeError('rtpCapabilities must be an object');
  ortc.validateRtpCapabilities(value as unknown as RtpCapabilities);
}

const DTLS_ROLES = new Set(['auto', 'client', 'server']);

export function assertDtlsParameters(value: unknown): asserts value is DtlsParameters {
  if (!isObject(value)) throw new TypeError('dtlsParameters must be an object');
  const { role, fingerprints } = value;
  if (role !== undefined && (typeof role !== 'string' || !DTLS_ROLES.has(role))) throw new TypeError('invalid dtlsParameters.role');
  if (!Array.isArray(fingerprints) || fingerprints.length === 0) throw new TypeError('dtlsParameters.fingerprints must be a non-empty array');
  for (const fingerprint of fingerprints) {
    if (!isObject(fingerprint) || typeof fingerprint.algorithm !== 'string' || typeof fingerprint.value !== 'string') {
      throw new TypeError('invalid dtlsParameters fingerprint');
    }
  }
}
