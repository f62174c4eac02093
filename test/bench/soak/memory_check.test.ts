/**
 * The soak's memory judgement on made-up samples: flat memory passes, a heap that keeps
 * what it should let go fails, growth that open orders or the filling of preallocated
 * tables explain passes (and fails once the tables wrapped), garbage waiting for a full
 * collection does not count, and a run too short to judge is a skip, not a pass.
 */
import t from 'tap';
import { judgeMemory, OPEN_ORDER_BYTES, ORDER_TABLE_COPIES } from '../../../bench/soak/memory_check.js';
import { HEAP_THREADS, MemorySample } from '../../../bench/soak/memory_sampler.js';
import { ORDER_STORE_BYTES_PER_ORDER } from '../../../services/read_model/order_store.js';
import { DEDUPE_ENTRY_BYTES } from '../../../engine/state/dedupe_index.js';

const MiB = 1 << 20;
const CAPACITY = { order_history: 1 << 20, dedupe_window: 1 << 20 };

interface Shape {
  readonly seconds?: number;
  readonly rss?: (s: number) => number;
  readonly heap?: (thread: string, s: number) => number;
  readonly open_orders?: (s: number) => number;
  readonly max_order_id?: (s: number) => number;
}

/** One start of the OMS sampled every second for `seconds` (default 200). */
function life(shape: Shape, life_number = 1): MemorySample[] {
  const samples: MemorySample[] = [];
  for (let s = 0; s <= (shape.seconds ?? 200); s++) {
    const heap = Object.fromEntries(HEAP_THREADS.map((thread) => [thread, shape.heap?.(thread, s) ?? 20 * MiB]));
    samples.push({
      at_ms: s * 1000, life: life_number, since_start_ms: s * 1000,
      rss_bytes: shape.rss?.(s) ?? 300 * MiB, heap_used_bytes: heap, heap_old_bytes: heap,
      open_orders: shape.open_orders?.(s) ?? 1000, max_order_id: shape.max_order_id?.(s) ?? 100_000 + s * 400,
      durable_seq: s * 1000, journal_bytes: 0, journal_segments: 0,
    });
  }
  return samples;
}

t.test('flat memory passes, for each start of the OMS', (t) => {
  const verdict = judgeMemory([...life({}), ...life({}, 2)], 60, CAPACITY);
  t.equal(verdict.status, 'pass');
  t.equal(verdict.lines.filter((l) => l.startsWith('start')).length, 2, 'both starts judged');
  t.end();
});

t.test('a heap that keeps growing fails, named', (t) => {
  const verdict = judgeMemory(life({ heap: (thread, s) => (thread === 'sink_nats' ? 20 * MiB + s * 30_000 : 20 * MiB) }), 60, CAPACITY);
  t.equal(verdict.status, 'fail');
  t.match(verdict.lines.find((l) => l.includes('GREW')), /heap sink_nats/);
  t.notOk(verdict.lines.some((l) => l.includes('GREW') && !l.includes('sink_nats')), 'only that thread');
  t.end();
});

t.test('garbage waiting for a full collection does not count: each window\'s lowest sample does', (t) => {
  // A sawtooth: old space climbs 8 MiB between full collections every 7 s, back to 20 MiB after each.
  const verdict = judgeMemory(life({ heap: (_thread, s) => 20 * MiB + (s % 7) * (8 * MiB / 7) }), 60, CAPACITY);
  t.equal(verdict.status, 'pass');
  t.end();
});

t.test('open orders explain the io heap and resident memory they take', (t) => {
  const open = (s: number) => 1000 + s * 100;
  const explained = judgeMemory(life({
    open_orders: open,
    heap: (thread, s) => (thread === 'io' ? 20 * MiB + open(s) * OPEN_ORDER_BYTES * 0.9 : 20 * MiB),
  }), 60, CAPACITY);
  t.equal(explained.status, 'pass', 'growth within what the open orders take');
  const engine = judgeMemory(life({
    open_orders: open,
    heap: (thread, s) => (thread === 'engine' ? 20 * MiB + open(s) * OPEN_ORDER_BYTES * 0.9 : 20 * MiB),
  }), 60, CAPACITY);
  t.equal(engine.status, 'fail', 'but not the engine\'s heap, which preallocates its orders');
  t.end();
});

t.test('resident memory may grow as order ids reach preallocated table pages, and not once the tables wrapped', (t) => {
  // Each table twice: the live one and the snapshot task's (its workspace).
  t.equal(ORDER_TABLE_COPIES, 2);
  const per_id = (ORDER_STORE_BYTES_PER_ORDER + DEDUPE_ENTRY_BYTES) * ORDER_TABLE_COPIES;
  // 3000 new order ids a second: about 170 MiB more over the judged span, well past 10%.
  const ids = (s: number) => 100_000 + s * 3000;
  const filling = judgeMemory(life({ max_order_id: ids, rss: (s) => 300 * MiB + ids(s) * per_id * 0.9 }), 60, CAPACITY);
  t.equal(filling.status, 'pass', 'growth as the tables fill');
  const beyond = judgeMemory(life({ max_order_id: ids, rss: (s) => 300 * MiB + ids(s) * per_id * 1.5 }), 60, CAPACITY);
  t.equal(beyond.status, 'fail', 'growth as if a third copy filled is a leak');
  const wrapped = judgeMemory(life({ max_order_id: (s) => 2_000_000 + s * 3000, rss: (s) => 300 * MiB + s * 3000 * per_id * 0.9 }), 60, CAPACITY);
  t.equal(wrapped.status, 'fail', 'the same growth past the tables\' capacity is a leak');
  t.end();
});

t.test('a start of the OMS too short to judge is not judged; a run with none judged is a skip', (t) => {
  const verdict = judgeMemory([...life({ seconds: 15 }), ...life({ seconds: 15 }, 2)], 5, CAPACITY);
  t.equal(verdict.status, 'skip');
  t.match(verdict.lines[0], /not judged/);
  t.end();
});
