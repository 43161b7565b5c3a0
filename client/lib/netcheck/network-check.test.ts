import { describe, expect, it } from 'vitest';
import type { NetcheckPlan, ProbeKind } from '../../../shared/api/netcheck.js';
import type { NetcheckMeasurements } from './browser-probes.js';
import { NetworkCheck } from './network-check.svelte.js';
import type { ProbeOutcome } from './verdict.js';

const PLAN: NetcheckPlan = { turnConfigured: false, mediaPorts: { udp: [49999], tcp: [49999] }, turnUrls: [], mediaAvailable: true };

/**
 * Scripted answers standing in for the browser's WebRTC and fetch (the node test run has neither; the e2e
 * drives the real ones). Each measurement waits for `release()` so a test can look at the check mid-run.
 */
class ScriptedLink implements NetcheckMeasurements {
  readonly asked: string[] = [];
  #gate: Promise<void> | null = null;
  #open: (() => void) | null = null;

  constructor(
    readonly script: { plan?: NetcheckPlan | Error; rttMs?: number | Error; probes?: Partial<Record<ProbeKind, ProbeOutcome | Error>>; downloadKbps?: number; uploadKbps?: number } = {},
  ) {}

  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }
  release(): void {
    this.#open?.();
    this.#gate = null;
  }

  async #answer<T>(what: string, value: T | Error): Promise<T> {
    this.asked.push(what);
    if (this.#gate) await this.#gate;
    if (value instanceof Error) throw value;
    return value;
  }
  plan = () => this.#answer('plan', this.script.plan ?? PLAN);
  roundTrip = () => this.#answer('rtt', this.script.rttMs ?? 30);
  probe = (kind: ProbeKind) => this.#answer(kind, this.script.probes?.[kind] ?? { status: 'connected' as const, ms: 150 });
  download = () => this.#answer('download', this.script.downloadKbps ?? 20_000);
  upload = () => this.#answer('upload', this.script.uploadKbps ?? 10_000);
}

describe('the network check of the pre-join page', () => {
  it('runs every step in order with progress, and ends good on a clean link', async () => {
    const link = new ScriptedLink();
    const check = new NetworkCheck(link);
    expect(check.phase).toBe('idle');
    link.hold();
    const run = check.run();
    await Promise.resolve();
    expect(check.phase).toBe('running');
    expect(check.current).toBe('server');
    expect(check.progress).toBe(0);
    link.release();
    await run;
    // TURN is not configured on this server: it is not probed.
    expect(link.asked).toEqual(['plan', 'rtt', 'udp', 'tcp', 'download', 'upload']);
    expect(check.phase).toBe('done');
    expect(check.progress).toBe(1);
    expect(check.probes).toEqual({ udp: { status: 'connected', ms: 150 }, tcp: { status: 'connected', ms: 150 }, turn: { status: 'skipped' } });
    expect(check.rttMs).toBe(30);
    expect(check.judgement).toEqual({ verdict: 'good', advice: [] });
  });

  it('probes TURN when the server has it, and a probe that throws counts as failed without stopping the rest', async () => {
    const link = new ScriptedLink({ plan: { ...PLAN, turnConfigured: true }, probes: { udp: new Error('refused'), tcp: { status: 'failed' } } });
    const check = new NetworkCheck(link);
    await check.run();
    expect(link.asked).toEqual(['plan', 'rtt', 'udp', 'tcp', 'turn', 'download', 'upload']);
    expect(check.probes.udp).toEqual({ status: 'failed' });
    expect(check.judgement).toEqual({
      verdict: 'good',
      advice: [
        { code: 'udp-blocked', ports: '49999' },
        { code: 'tcp-blocked', ports: '49999' },
      ],
    });
  });

  it('says it cannot connect when the server does not answer, without probing', async () => {
    const link = new ScriptedLink({ plan: new Error('network') });
    const check = new NetworkCheck(link);
    await check.run();
    expect(link.asked).toEqual(['plan']);
    expect(check.progress).toBe(1);
    expect(check.judgement).toEqual({ verdict: 'unreachable', advice: [{ code: 'server-unreachable' }] });
  });

  it('advises audio only on a slow link, and a re-run starts afresh (a second run meanwhile is ignored)', async () => {
    const slow = new ScriptedLink({ rttMs: 450, downloadKbps: 600, uploadKbps: 200 });
    const check = new NetworkCheck(slow);
    const first = check.run();
    const second = check.run();
    await Promise.all([first, second]);
    expect(slow.asked.filter((what) => what === 'plan')).toHaveLength(1);
    expect(check.judgement?.verdict).toBe('audio-only');

    slow.script.rttMs = 20;
    slow.script.downloadKbps = 9000;
    slow.script.uploadKbps = 9000;
    slow.hold();
    const again = check.run();
    await Promise.resolve();
    expect(check.judgement).toBeNull();
    expect(check.rttMs).toBeNull();
    slow.release();
    await again;
    expect(check.judgement?.verdict).toBe('good');
  });
});
