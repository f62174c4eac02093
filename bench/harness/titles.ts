/**
 * Report titles: the first line of the table and the SVG's title, so a chart or a pasted
 * table says on its own what was run.
 */

interface TitleOptions {
  readonly suite: string | null;
  readonly mode: 'open' | 'saturate' | 'sweep';
  readonly rate_per_s: number;
  readonly duration_s: number;
  readonly rounds: number;
  readonly durability: string;
  readonly sweep_factor: number;
  readonly p99_budget_us: number;
}

export function planTitle(o: TitleOptions, labels: readonly string[]): string {
  const what = o.suite !== null ? `suite ${o.suite}` : [...labels].reverse().join(' vs ');
  const load = o.mode === 'saturate' ? 'closed loop (saturation)'
    : o.suite !== null ? 'open loop at each scenario\'s suite rate' : `open loop ${o.rate_per_s}/s`;
  return `OMS benchmark: ${what}, ${load}, ${o.duration_s} s x ${o.rounds} round(s), durability ${o.durability}`;
}

export function rateSweepTitle(scenario: string, o: TitleOptions): string {
  return `OMS benchmark: ${scenario} rate sweep from ${o.rate_per_s}/s (x${o.sweep_factor} per step) until p99 > ${o.p99_budget_us} µs, `
    + `${o.duration_s} s per step, durability ${o.durability}`;
}
