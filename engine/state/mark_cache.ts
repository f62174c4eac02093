/**
 * The engine's own copy of the shared mark table. The engine polls the table's global
 * version once per loop iteration (one atomic load); when it moved, it copies the
 * changed symbols' records here and flags them so the venue re-checks resting orders.
 * Everything in the engine reads marks from here, never from shared memory directly.
 */
import { MarkField, MARK_FIELD_COUNT } from '../reference/mark_table.js';
import { SeqlockTable } from '../reference/seqlock_table.js';

export class MarkCache {
  readonly symbols: number;
  readonly bid_ticks: Float64Array;
  readonly ask_ticks: Float64Array;
  readonly last_ticks: Float64Array;
  readonly bid_size_lots: Float64Array;
  readonly ask_size_lots: Float64Array;
  /** When the mark was written (epoch ms, the writer's clock; 0: never), for the stale-mark check. */
  readonly updated_at_ms: Float64Array;
  /** Symbols whose marks changed since the venue last looked (1 = changed). */
  readonly changed: Uint8Array;
  private readonly seen_version: Int32Array;
  private seen_global = -1;
  /** Set when marks were written directly (tests, recovery) rather than through refresh(). */
  dirty = false;
  private readonly scratch = new Float64Array(MARK_FIELD_COUNT);

  constructor(private readonly table: SeqlockTable | null, symbols: number) {
    this.symbols = symbols;
    this.bid_ticks = new Float64Array(symbols);
    this.ask_ticks = new Float64Array(symbols);
    this.last_ticks = new Float64Array(symbols);
    this.bid_size_lots = new Float64Array(symbols);
    this.ask_size_lots = new Float64Array(symbols);
    this.updated_at_ms = new Float64Array(symbols);
    this.changed = new Uint8Array(symbols);
    this.seen_version = new Int32Array(symbols).fill(-1);
  }

  /** True if the shared table changed since the last refresh (one atomic load). */
  hasNewVersion(): boolean {
    return this.table !== null && this.table.globalVersion() !== this.seen_global;
  }

  /** Copies symbols whose version moved; returns how many changed. One atomic load when nothing did. */
  refresh(): number {
    const table = this.table;
    if (table === null) return 0;
    const global = table.globalVersion();
    if (global === this.seen_global) return 0;
    this.seen_global = global;
    let changed = 0;
    for (let s = 0; s < this.symbols; s++) {
      if (table.recordVersion(s) === this.seen_version[s]) continue;
      this.seen_version[s] = table.read(s, this.scratch);
      this.set(s, this.scratch[MarkField.BID_TICKS], this.scratch[MarkField.ASK_TICKS], this.scratch[MarkField.LAST_TICKS],
        this.scratch[MarkField.BID_SIZE_LOTS], this.scratch[MarkField.ASK_SIZE_LOTS], this.scratch[MarkField.UPDATED_AT_MS]);
      changed++;
    }
    return changed;
  }

  /** Sets one symbol's marks directly (tests and recovery). */
  set(symbol: number, bid: number, ask: number, last: number, bid_size: number, ask_size: number, updated_at_ms: number): void {
    this.bid_ticks[symbol] = bid;
    this.ask_ticks[symbol] = ask;
    this.last_ticks[symbol] = last;
    this.bid_size_lots[symbol] = bid_size;
    this.ask_size_lots[symbol] = ask_size;
    this.updated_at_ms[symbol] = updated_at_ms;
    this.changed[symbol] = 1;
    this.dirty = true;
  }
}
