import { Counter, type Registry } from 'prom-client';
import type { EvidenceDropReason } from './write-buffer.js';

/**
 * `tongke_evidence_dropped_total{reason}` on /metrics: evidence writes lost. Labelled by reason only — a
 * label per lesson would grow without bound; which lessons lost evidence is in the database (their
 * reports say their figures are incomplete).
 */
export function evidenceDropCounter(registry: Registry): (reason: EvidenceDropReason) => void {
  const counter = new Counter({
    name: 'tongke_evidence_dropped_total',
    help: 'evidence writes lost, by reason (buffer_full: database stalled; closed: after shutdown; refused: row refused by the database)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  // Every reason shows from the start (at 0), so an alert can watch the series before anything is lost.
  for (const reason of ['buffer_full', 'closed', 'refused'] as const) counter.inc({ reason }, 0);
  return (reason) => counter.inc({ reason });
}
