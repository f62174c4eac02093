/**
 * One run's load, as every scenario receives it. Open loop: `rate_per_s` orders per
 * second for `warmup_s` + `duration_s`; closed loop (saturation): `window` requests in
 * flight per connection (engine: in total) for the same time.
 */
export type LoadMode = 'open' | 'closed';

export interface RunSpec {
  readonly mode: LoadMode;
  readonly rate_per_s: number;
  readonly window: number;
  readonly warmup_s: number;
  readonly duration_s: number;
  /** Network scenarios: TCP/WebSocket connections, spread over the generator processes. */
  readonly connections: number;
  /** Network scenarios: load-generator processes. */
  readonly generators: number;
  /** The generator processes' nice value (0-19; 0: the harness's own). See --generator-nice. */
  readonly generator_nice: number;
  /** HTTP scenarios, open loop: most requests in flight per connection (0 = pipeline without a cap). */
  readonly pipeline: number;
  /** ws scenarios: protocol messages per WebSocket frame at most. */
  readonly batch: number;
  /** How long to wait for answers after the last send before counting timeouts. */
  readonly drain_timeout_ms: number;
  /** Unique per run; part of every client order id so ids never repeat across runs on one server. */
  readonly id_tag: string;
  readonly progress_interval_ms: number;
}

/** A short unique tag: base-36 time and a random suffix (letters and digits only). */
export function newRunTag(): string {
  return (Date.now() % 46_656_000).toString(36) + Math.floor(Math.random() * 1296).toString(36).padStart(2, '0');
}
