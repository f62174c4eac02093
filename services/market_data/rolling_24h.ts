/**
 * 24-hour volume and open price per symbol, for GET /tickers, from one-minute buckets:
 * a fixed ring of 1440 buckets per symbol, each holding the volume traded in its minute
 * and the first price seen in it. Memory is allocated once; recording a trade is O(1);
 * reading the window sums the live buckets (1440 additions), which the market-data
 * worker does once per mark update.
 */

export const BUCKET_MS = 60_000;
export const BUCKETS = 1440;

export class Rolling24h {
  private readonly volume_lots: Float64Array;
  private readonly open_ticks: Float64Array;
  /** Which minute (epoch ms / BUCKET_MS) each bucket currently holds; -1 = empty. */
  private readonly minute: Float64Array;

  constructor(readonly symbols: number) {
    this.volume_lots = new Float64Array(symbols * BUCKETS);
    this.open_ticks = new Float64Array(symbols * BUCKETS);
    this.minute = new Float64Array(symbols * BUCKETS).fill(-1);
  }

  /** Records a trade (or a price with no volume) at `now_ms`. */
  record(symbol: number, now_ms: number, price_ticks: number, volume_lots: number): void {
    const minute = Math.floor(now_ms / BUCKET_MS);
    const slot = symbol * BUCKETS + (minute % BUCKETS);
    if (this.minute[slot] !== minute) {
      this.minute[slot] = minute;
      this.volume_lots[slot] = 0;
      this.open_ticks[slot] = price_ticks;
    }
    this.volume_lots[slot] += volume_lots;
  }

  /** Volume in lots over the last 24 hours up to `now_ms`. */
  volume24h(symbol: number, now_ms: number): number {
    const now_minute = Math.floor(now_ms / BUCKET_MS);
    let sum = 0;
    const base = symbol * BUCKETS;
    for (let b = 0; b < BUCKETS; b++) {
      const m = this.minute[base + b];
      if (m > now_minute - BUCKETS && m <= now_minute) sum += this.volume_lots[base + b];
    }
    return sum;
  }

  /** The first price of the oldest minute inside the last 24 hours, or 0 if none. */
  open24h(symbol: number, now_ms: number): number {
    const now_minute = Math.floor(now_ms / BUCKET_MS);
    const base = symbol * BUCKETS;
    let oldest = Infinity;
    let open = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const m = this.minute[base + b];
      if (m > now_minute - BUCKETS && m <= now_minute && m < oldest) {
        oldest = m;
        open = this.open_ticks[base + b];
      }
    }
    return open;
  }
}
