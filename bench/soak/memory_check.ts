/**
 * Is the OMS's memory flat? Judged for each start of the OMS separately (the kill -9 in the
 * middle begins a new process), from `warmup_s` after the start to its end: the first third
 * of that span is compared with the last third. A thread's heap is judged by what
 * is used outside its young generation (what survived collection: where a leak piles
 * up, without the churn of short-lived objects), and in each window the lowest sample
 * stands for what is live (old garbage not collected yet; resident memory without a
 * snapshot task's passing copy).
 *
 * Growth from the first window to the last is allowed up to 10% of the first, plus what
 * the orders explain:
 *  - each open order more: OPEN_ORDER_BYTES (its engine slab slot, read-model index entry,
 *    price-heap and expiry entries), for resident memory and the io thread's heap;
 *  - for resident memory, each order id the OMS's preallocated order-id-indexed tables had
 *    not reached yet: ORDER_STORE_BYTES_PER_ORDER (the io read model's ring, capacity
 *    OMS_ORDER_HISTORY) and DEDUPE_ENTRY_BYTES (the engine's idempotency window, capacity
 *    OMS_DEDUPE_WINDOW), ORDER_TABLE_COPIES times. Those tables are allocated at start but
 *    the operating system commits their pages only as order ids reach them, so until the
 *    rings wrap resident memory grows by that much per order by design; past the wrap it
 *    must not grow at all.
 *  - heaps are given at least HEAP_FLOOR_BYTES, one V8 page's worth of slack times four,
 *    so that a thread with a 3 MiB heap is not failed over a page.
 */
import { DEDUPE_ENTRY_BYTES } from '../../engine/state/dedupe_index.js';
import { ORDER_STORE_BYTES_PER_ORDER } from '../../services/read_model/order_store.js';
import { HEAP_THREADS, MemorySample } from './memory_sampler.js';

export const GROWTH_ALLOWED = 0.10;
/** Upper bound of what one open order holds across the engine and the io read model. */
export const OPEN_ORDER_BYTES = 512;
export const HEAP_FLOOR_BYTES = 1 << 20;
/**
 * Each order-id-indexed table is held twice: the live one (the io read model, the engine's
 * idempotency window) and the snapshot task's, whose thread keeps a read model and an
 * engine state from one snapshot to the next (services/snapshot/snapshot_workspace.ts).
 */
export const ORDER_TABLE_COPIES = 2;
/**
 * Shortest window worth judging. A heap's old generation holds dead objects until a full
 * collection, and a window must contain one to show what is live: a busy sink thread runs
 * one every few seconds, the io thread (whose memory reducer is on) every 15 s to over a
 * minute (seen with --trace-gc). Windows are a third of the judged span, so a long run
 * judges on minutes; a start of the OMS is judged only when it ran 3 such windows.
 */
export const WINDOW_MIN_MS = 10_000;

export interface TableCapacity {
  /** OMS_ORDER_HISTORY and OMS_DEDUPE_WINDOW. */
  readonly order_history: number;
  readonly dedupe_window: number;
}

export interface MemoryVerdict {
  /** skip: no start of the OMS ran long enough past its warm-up to judge (a short run). */
  readonly status: 'pass' | 'fail' | 'skip';
  /** One line per start of the OMS and per series. */
  readonly lines: string[];
}

export function judgeMemory(samples: readonly MemorySample[], warmup_s: number, capacity: TableCapacity): MemoryVerdict {
  const lines: string[] = [];
  let judged = 0;
  let pass = true;
  const lives = [...new Set(samples.map((s) => s.life))];
  for (const life of lives) {
    const span = samples.filter((s) => s.life === life && s.since_start_ms >= warmup_s * 1000);
    const length_ms = span.length < 2 ? 0 : span[span.length - 1].since_start_ms - span[0].since_start_ms;
    if (length_ms < 3 * WINDOW_MIN_MS) {
      lines.push(`start ${life}: not judged, it ran ${Math.round(length_ms / 1000)} s past the ${warmup_s} s warm-up (judging needs ${3 * WINDOW_MIN_MS / 1000} s)`);
      continue;
    }
    judged++;
    const window_ms = length_ms / 3;
    const first = span.filter((s) => s.since_start_ms <= span[0].since_start_ms + window_ms);
    const last = span.filter((s) => s.since_start_ms >= span[span.length - 1].since_start_ms - window_ms);
    const from_s = Math.round(span[0].since_start_ms / 1000);
    const to_s = Math.round(span[span.length - 1].since_start_ms / 1000);
    lines.push(`start ${life}: ${from_s} s to ${to_s} s after the start, windows of ${Math.round(window_ms / 1000)} s`);
    const series: [string, (s: MemorySample) => number | undefined][] = [
      ['rss', (s) => s.rss_bytes],
      ...HEAP_THREADS.map((t): [string, (s: MemorySample) => number | undefined] => [`heap ${t}`, (s) => s.heap_old_bytes[t]]),
    ];
    for (const [name, pick] of series) {
      const a = lowest(first, pick);
      const b = lowest(last, pick);
      if (a === null || b === null) continue;
      const open_term = name === 'rss' || name === 'heap io' ? Math.max(0, b.sample.open_orders - a.sample.open_orders) * OPEN_ORDER_BYTES : 0;
      const table_term = name === 'rss'
        ? ORDER_TABLE_COPIES * (newIds(a.sample, b.sample, capacity.order_history) * ORDER_STORE_BYTES_PER_ORDER
          + newIds(a.sample, b.sample, capacity.dedupe_window) * DEDUPE_ENTRY_BYTES)
        : 0;
      const relative = GROWTH_ALLOWED * a.value;
      const allowed = (name === 'rss' ? relative : Math.max(relative, HEAP_FLOOR_BYTES)) + open_term + table_term;
      const growth = b.value - a.value;
      const ok = growth <= allowed;
      if (!ok) pass = false;
      lines.push(`  ${ok ? 'ok  ' : 'GREW'} ${name.padEnd(16)} ${mib(a.value)} -> ${mib(b.value)} MiB (${growth >= 0 ? '+' : ''}${mib(growth)}; allowed +${mib(allowed)}`
        + `${open_term > 0 ? ` incl. ${mib(open_term)} for ${b.sample.open_orders - a.sample.open_orders} more open orders` : ''}`
        + `${table_term > 0 ? ` incl. ${mib(table_term)} for ${b.sample.max_order_id - a.sample.max_order_id} new order ids` : ''})`);
    }
  }
  if (judged === 0) {
    lines.push('no start of the OMS ran long enough past its warm-up to judge: run longer, or lower --warmup');
    return { status: 'skip', lines };
  }
  return { status: pass ? 'pass' : 'fail', lines };
}

function lowest(samples: readonly MemorySample[], pick: (s: MemorySample) => number | undefined): { value: number; sample: MemorySample } | null {
  let best: { value: number; sample: MemorySample } | null = null;
  for (const sample of samples) {
    const value = pick(sample);
    if (value !== undefined && (best === null || value < best.value)) best = { value, sample };
  }
  return best;
}

/** Order ids between the two samples that a table of `capacity` ids had not reached before (0 once it wrapped). */
function newIds(a: MemorySample, b: MemorySample, capacity: number): number {
  return Math.max(0, Math.min(b.max_order_id, capacity) - Math.min(a.max_order_id, capacity));
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
