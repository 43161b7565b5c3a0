/**
 * The benchmarks `npm run bench` knows. Benchmarks are not tests: they measure, print and record, and never
 * fail on a number. Each one talks to loopback only, runs for a bounded time and cleans up after itself.
 */
import { fanoutBenchmark } from './fanout.js';
import { joinBurstBenchmark } from './join-burst.js';
import { ingestBenchmark } from './ingest.js';
import { reportsBenchmark } from './reports.js';
import { clientWeightBenchmark } from './client-weight.js';
import { boardBenchmark } from './board.js';
import { recordingBenchmark } from './recording.js';
import { linkAdaptationBenchmark } from './link-adaptation.js';
import { broadcastBenchmark } from './broadcast.js';
import type { Benchmark } from './result.js';

export const BENCHMARKS: readonly Benchmark[] = [fanoutBenchmark, joinBurstBenchmark, ingestBenchmark, reportsBenchmark, clientWeightBenchmark, boardBenchmark, recordingBenchmark, linkAdaptationBenchmark, broadcastBenchmark];
