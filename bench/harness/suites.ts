/**
 * Named suites: which scenarios `--suite NAME` runs, each beside its baseline (and, with
 * durability fsync or write, the OMS scenarios beside their durable baseline too), at
 * which load. `standard` is what `make bench` runs: every scenario of the product at a rate a
 * small machine sustains, so the figures compare latency under load rather than
 * saturation (use --saturate or --sweep for limits).
 */
import { ScenarioName } from '../scenarios/scenario.js';

export interface SuiteEntry {
  readonly scenario: ScenarioName;
  readonly rate_per_s: number;
  /** Overrides of the scenario's load (else --connections / --batch, else its defaults). */
  readonly connections?: number;
  readonly batch?: number;
}

export const SUITES: Readonly<Record<string, readonly SuiteEntry[]>> = {
  standard: [
    { scenario: 'engine', rate_per_s: 100_000 },
    { scenario: 'http-json', rate_per_s: 5_000 },
    { scenario: 'ws-binary', rate_per_s: 20_000 },
  ],
  // The latency issue's targets: the seed's rate (1 000/s) and 5 000/s, JSON and
  // WebSocket with one connection and one order per frame; run it with --durability fsync
  // and none. Each beside echo / ws-echo and, with fsync or write, the durable echoes.
  latency: [
    { scenario: 'http-json', rate_per_s: 1_000 },
    { scenario: 'ws-binary', rate_per_s: 1_000, connections: 1, batch: 1 },
    { scenario: 'http-json', rate_per_s: 5_000 },
    { scenario: 'ws-binary', rate_per_s: 5_000, connections: 1, batch: 1 },
  ],
  // The floor of durability none under DESIGN.md's threads, in the same run as the OMS:
  // each OMS scenario at 5 000/s, then the hop echo (the echo plus the io -> engine -> io
  // handoff, bench/servers/hop_answers.ts) at the same load, each beside its plain echo.
  // Run it with --durability none (the hop echoes journal nothing).
  floor: [
    { scenario: 'ws-binary', rate_per_s: 5_000, connections: 1, batch: 1 },
    { scenario: 'ws-hop-echo', rate_per_s: 5_000, connections: 1, batch: 1 },
    { scenario: 'http-json', rate_per_s: 5_000 },
    { scenario: 'hop-echo', rate_per_s: 5_000 },
  ],
};
