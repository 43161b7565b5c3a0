import type { ProbeKind } from '../../../shared/api/netcheck.js';

/**
 * What a pre-join network check found and what it means, in one place: the thresholds below decide the
 * verdict shown to an assistant teacher (良好 / 可用，建议仅音频 / 无法连接) and the notes for the school's
 * network admin. A lesson's receiving classroom takes the lead teacher's camera (its middle layer ≈ 0.5–
 * 0.8 Mbit/s, the high one ≈ 1.2) and sends its own (≈ 0.6 Mbit/s at the layers a classroom sends when
 * called on); audio alone is ≈ 64 kbit/s.
 */
export const NETCHECK_THRESHOLDS = {
  /** Round trip above which talking back and forth feels broken (ms). */
  goodRttMs: 300,
  /** Download for the teacher's picture at a usable size (kbit/s). */
  goodDownloadKbps: 1000,
  /** Upload for the classroom's own camera when called on (kbit/s). */
  goodUploadKbps: 500,
  /** Below this download even audio alone will break up (kbit/s): the link is judged unusable. */
  minimumDownloadKbps: 100,
  /** A probe whose ICE and DTLS have not completed in this long counts as unreachable (ms). */
  probeTimeoutMs: 6000,
} as const;

/** One probe's outcome: connected (and how fast), or not. `skipped`: the server does not offer it (no TURN). */
export type ProbeOutcome = { readonly status: 'connected'; readonly ms: number } | { readonly status: 'failed' } | { readonly status: 'skipped' };

/** Everything a check measured. `null` figures could not be measured (the server was not reachable). */
export interface NetcheckFindings {
  readonly probes: Readonly<Record<ProbeKind, ProbeOutcome>>;
  readonly rttMs: number | null;
  readonly downloadKbps: number | null;
  readonly uploadKbps: number | null;
  /** The media server's ports (UDP and TCP) from the server's plan, for the admin notes. */
  readonly mediaPorts: readonly number[];
}

export type Verdict = 'good' | 'audio-only' | 'unreachable';

/** A note for the school's network admin: what failed, and what to allow (i18n key `netcheck.advice.<code>`). */
export type AdminAdvice =
  | { readonly code: 'server-unreachable' }
  | { readonly code: 'udp-blocked'; readonly ports: string }
  | { readonly code: 'tcp-blocked'; readonly ports: string }
  | { readonly code: 'turn-failed' }
  | { readonly code: 'high-rtt'; readonly rttMs: number }
  | { readonly code: 'slow-download'; readonly kbps: number }
  | { readonly code: 'slow-upload'; readonly kbps: number };

export interface NetcheckJudgement {
  readonly verdict: Verdict;
  readonly advice: readonly AdminAdvice[];
}

const connected = (outcome: ProbeOutcome) => outcome.status === 'connected';

/** The verdict and the admin notes for what a check found. */
export function judge(findings: NetcheckFindings, thresholds = NETCHECK_THRESHOLDS): NetcheckJudgement {
  const { probes, rttMs, downloadKbps, uploadKbps } = findings;
  const ports = findings.mediaPorts.join(', ');
  const advice: AdminAdvice[] = [];
  if (rttMs === null) advice.push({ code: 'server-unreachable' });
  if (probes.udp.status === 'failed') advice.push({ code: 'udp-blocked', ports });
  if (probes.tcp.status === 'failed') advice.push({ code: 'tcp-blocked', ports });
  if (probes.turn.status === 'failed') advice.push({ code: 'turn-failed' });
  const mediaReaches = connected(probes.udp) || connected(probes.tcp) || connected(probes.turn);
  if (rttMs === null || !mediaReaches) return { verdict: 'unreachable', advice };

  if (rttMs > thresholds.goodRttMs) advice.push({ code: 'high-rtt', rttMs: Math.round(rttMs) });
  if (downloadKbps !== null && downloadKbps < thresholds.goodDownloadKbps) advice.push({ code: 'slow-download', kbps: Math.round(downloadKbps) });
  if (uploadKbps !== null && uploadKbps < thresholds.goodUploadKbps) advice.push({ code: 'slow-upload', kbps: Math.round(uploadKbps) });
  if (downloadKbps !== null && downloadKbps < thresholds.minimumDownloadKbps) return { verdict: 'unreachable', advice };

  const good = rttMs <= thresholds.goodRttMs && (downloadKbps ?? 0) >= thresholds.goodDownloadKbps && (uploadKbps ?? 0) >= thresholds.goodUploadKbps;
  return { verdict: good ? 'good' : 'audio-only', advice };
}
