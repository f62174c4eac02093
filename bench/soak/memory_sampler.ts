/**
 * Samples the OMS under soak every second (GET /health/workers and /metrics):
 * the process's resident memory, each thread's V8 heap (the io thread's and every
 * worker's; in use, and outside the young generation), open orders, the journal's durable sequence, and the journal directory's
 * size; and prints one line every `report_every_s`. Each sample records which start of
 * the OMS it belongs to and how long after that start it was taken, for memory_check.ts.
 */
import path from 'node:path';
import type { HttpJsonClient } from './http_client.js';
import { directorySize } from './soak_oms.js';

export const SAMPLE_EVERY_MS = 1000;
/** The threads whose heap is sampled: the io thread, then the workers the soak runs. */
export const HEAP_THREADS = ['io', 'engine', 'journal', 'pnl', 'market_data', 'sink_nats', 'sink_redis'] as const;

export interface MemorySample {
  readonly at_ms: number;
  /** Which start of the OMS (1: the first, 2: after the kill -9). */
  readonly life: number;
  readonly since_start_ms: number;
  readonly rss_bytes: number;
  readonly heap_used_bytes: Readonly<Record<string, number>>;
  /** The same heaps outside the young generation: what survived collection. */
  readonly heap_old_bytes: Readonly<Record<string, number>>;
  readonly open_orders: number;
  /** Highest order id the clients have seen: how far the order-id-indexed tables have filled. */
  readonly max_order_id: number;
  readonly durable_seq: number;
  readonly journal_bytes: number;
  readonly journal_segments: number;
}

export interface SampleContext {
  /**
   * Which start of the OMS a process id belongs to, and when it started (null: not one the
   * soak started). Told by the answer's pid, not by the time of asking: a request made just
   * before the restart may be answered by the new process.
   */
  readonly lifeOf: (pid: number) => { readonly life: number; readonly started_ms: number } | null;
  readonly max_order_id: number;
}

/** One sample, or null while the OMS does not answer (it is being restarted). */
export async function takeSample(client: HttpJsonClient, data_dir: string, context: SampleContext): Promise<MemorySample | null> {
  try {
    const [workers, metrics] = await Promise.all([
      client.request('GET', '/health/workers', {}),
      client.request('GET', '/metrics', {}),
    ]);
    if (workers.status !== 200 || metrics.status !== 200) return null;
    const life = context.lifeOf(workers.body.process.pid);
    if (life === null) return null;
    const heaps: Record<string, number> = { io: workers.body.process.io_heap_used_bytes };
    const old: Record<string, number> = { io: workers.body.process.io_heap_old_bytes };
    for (const w of workers.body.workers) {
      if (w.heap_used_bytes === null || !w.enabled) continue;
      heaps[w.name] = w.heap_used_bytes;
      old[w.name] = w.heap_old_bytes;
    }
    const journal = directorySize(path.join(data_dir, 'journal'));
    const now = Date.now();
    return {
      at_ms: now,
      life: life.life,
      since_start_ms: now - life.started_ms,
      rss_bytes: workers.body.process.rss_bytes,
      heap_used_bytes: heaps,
      heap_old_bytes: old,
      open_orders: metric(String(metrics.body), 'oms_engine_open_orders'),
      max_order_id: context.max_order_id,
      durable_seq: metric(String(metrics.body), 'oms_journal_durable_sequence'),
      journal_bytes: journal.bytes,
      journal_segments: journal.files,
    };
  } catch {
    return null;
  }
}

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match === null ? 0 : Number(match[1]);
}

/** The progress line: elapsed, RSS, each thread's heap, open orders, journal size, and the load. */
export function progressLine(elapsed_s: number, s: MemorySample, load: string): string {
  const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
  const heaps = HEAP_THREADS.map((t) => `${t} ${s.heap_used_bytes[t] === undefined ? '-' : mib(s.heap_used_bytes[t])}`).join(' ');
  return `[${String(Math.round(elapsed_s)).padStart(5)} s] rss ${mib(s.rss_bytes)} MiB | heap MiB: ${heaps} | open orders ${s.open_orders}`
    + ` | journal ${mib(s.journal_bytes)} MiB in ${s.journal_segments} segments, durable ${s.durable_seq} | ${load}`;
}
