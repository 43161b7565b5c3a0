import type { NetcheckPlan, ProbeKind } from '../../../shared/api/netcheck.js';
import type { NetcheckMeasurements } from './browser-probes.js';
import { judge, type NetcheckFindings, type NetcheckJudgement, type ProbeOutcome } from './verdict.js';

/** The steps of a check, in the order they run (the progress bar counts them). */
export const NETCHECK_STEPS = ['server', 'udp', 'tcp', 'turn', 'download', 'upload'] as const;
export type NetcheckStep = (typeof NETCHECK_STEPS)[number];

export type NetcheckPhase = 'idle' | 'running' | 'done';

const NO_PROBES: Record<ProbeKind, ProbeOutcome> = { udp: { status: 'skipped' }, tcp: { status: 'skipped' }, turn: { status: 'skipped' } };

/**
 * The pre-join network check of one page: runs the steps one after the other (each measurement failing
 * on its own never stops the rest), shows progress, and ends with a verdict. It can be run again; a run
 * started while one is going is ignored.
 */
export class NetworkCheck {
  readonly #measure: NetcheckMeasurements;
  #phase = $state<NetcheckPhase>('idle');
  #current = $state<NetcheckStep | null>(null);
  #completed = $state(0);
  #probes = $state<Record<ProbeKind, ProbeOutcome>>({ ...NO_PROBES });
  #rttMs = $state<number | null>(null);
  #downloadKbps = $state<number | null>(null);
  #uploadKbps = $state<number | null>(null);
  #plan = $state<NetcheckPlan | null>(null);
  #judgement = $state<NetcheckJudgement | null>(null);

  constructor(measure: NetcheckMeasurements) {
    this.#measure = measure;
  }

  get phase(): NetcheckPhase {
    return this.#phase;
  }
  /** The step running now. */
  get current(): NetcheckStep | null {
    return this.#current;
  }
  /** 0…1 over the steps of this run. */
  get progress(): number {
    return this.#completed / NETCHECK_STEPS.length;
  }
  get probes(): Readonly<Record<ProbeKind, ProbeOutcome>> {
    return this.#probes;
  }
  get rttMs(): number | null {
    return this.#rttMs;
  }
  get downloadKbps(): number | null {
    return this.#downloadKbps;
  }
  get uploadKbps(): number | null {
    return this.#uploadKbps;
  }
  get mediaPorts(): readonly number[] {
    return this.#plan?.mediaPorts.udp ?? [];
  }
  /** The verdict and admin notes, once a run is done. */
  get judgement(): NetcheckJudgement | null {
    return this.#judgement;
  }

  async run(): Promise<void> {
    if (this.#phase === 'running') return;
    this.#phase = 'running';
    this.#completed = 0;
    this.#probes = { ...NO_PROBES };
    this.#rttMs = this.#downloadKbps = this.#uploadKbps = null;
    this.#judgement = null;

    await this.#step('server', async () => {
      this.#plan = await this.#measure.plan();
      this.#rttMs = await this.#measure.roundTrip();
    });
    const reachable = this.#rttMs !== null;
    for (const kind of ['udp', 'tcp', 'turn'] as const) {
      const offered = reachable && this.#plan?.mediaAvailable === true && (kind !== 'turn' || this.#plan.turnConfigured);
      await this.#step(kind, async () => {
        this.#probes = { ...this.#probes, [kind]: offered ? await this.#measure.probe(kind) : { status: 'skipped' } };
      });
    }
    if (reachable) {
      await this.#step('download', async () => void (this.#downloadKbps = await this.#measure.download()));
      await this.#step('upload', async () => void (this.#uploadKbps = await this.#measure.upload()));
    } else {
      this.#completed += 2;
    }

    const findings: NetcheckFindings = { probes: this.#probes, rttMs: this.#rttMs, downloadKbps: this.#downloadKbps, uploadKbps: this.#uploadKbps, mediaPorts: this.mediaPorts };
    this.#judgement = judge(findings);
    this.#current = null;
    this.#phase = 'done';
  }

  /** Runs one step; its failure leaves its figure unmeasured (null / failed) and the check goes on. */
  async #step(step: NetcheckStep, work: () => Promise<void>): Promise<void> {
    this.#current = step;
    try {
      await work();
    } catch (error) {
      console.warn(`network check: step ${step} failed`, error);
      if (step === 'udp' || step === 'tcp' || step === 'turn') this.#probes = { ...this.#probes, [step]: { status: 'failed' } };
    } finally {
      this.#completed++;
    }
  }
}
