/**
 * Reconnect delays: doubling from `initial_delay_ms` up to `max_delay_ms`, each drawn
 * from the upper half of its step (jitter), so that many clients cut off by one server
 * restart do not all come back in the same millisecond.
 */
export interface BackoffOptions {
  readonly initial_delay_ms: number;
  readonly max_delay_ms: number;
}

/** The delay before reconnect attempt `attempt` (1, 2, ...). */
export function reconnectDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const step = Math.min(options.max_delay_ms, options.initial_delay_ms * 2 ** Math.min(attempt - 1, 30));
  return Math.round(step / 2 + (random() * step) / 2);
}
