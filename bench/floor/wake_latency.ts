/**
 * The floor under every thread hop of the OMS on this machine: how long a parked thread
 * takes to run again after another thread rings it, and what it costs.
 *
 *   node dist/bench/floor/wake_latency.js [--samples N] [--gap-us G]
 *
 * A ringer thread stores the time and calls Atomics.notify every `gap` µs (the rate of a
 * quiet order flow); the waiter records how late it woke, and the ringer how long its own
 * Atomics.notify call took when it woke a parked waiter: what the producer pays on its
 * thread for every hop (the io thread's ring of a parked engine is its `io_queue` stage,
 * bench/README.md "Seventh pass"):
 *  - worker -> io thread: the io thread parks with Atomics.waitAsync (its event loop must
 *    not block), as the engine link does (engine_link.ts): the engine's and the journal's
 *    ring to the io thread;
 *  - worker -> worker: Atomics.wait, as the engine and the journal park (idle_strategy.ts);
 *  - io thread -> worker, the io thread's ring of the parked engine, twice: the engine
 *    parked in Atomics.wait (as it parks) and parked in Atomics.waitAsync on its own event
 *    loop (as it could), to decide which the io thread pays less to ring
 *    (bench/README.md "Eighth pass"). Here the main thread rings, and blocks while it does.
 * Each figure is a whole hop that the echo baselines never pay; an order crosses two
 * (durability none) or three (with a journal). bench/README.md quotes them beside the
 * stage tables.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { newLatencyHistogram, recordLatencyUs } from '../harness/latency_histogram.js';

interface RingerData {
  readonly role: 'ringer' | 'waiter' | 'async-waiter';
  readonly shared: SharedArrayBuffer;
  readonly samples: number;
  readonly gap_us: number;
}

const SEQUENCE = 0;
const STAMP_F64 = 1;
/** Set by the main thread when it has its samples: the ringer stops. */
const STOP = 1;
/** Wake-ups the waiter has recorded (Int32 index): a ringer on the main thread stops at `samples`. */
const COUNT = 4;
const SHARED_BYTES = 24;

function nowUs(): number {
  return performance.timeOrigin * 1000 + performance.now() * 1000;
}

/** Rings until told to stop; returns the cost of its notify calls that woke the waiter. */
function ring(data: RingerData): string {
  const words = new Int32Array(data.shared);
  const stamp = new Float64Array(data.shared);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const notify_cost = newLatencyHistogram();
  // Rings until told to stop, or until the waiter has its samples: under load some rings
  // find the waiter awake and wake nobody.
  while (Atomics.load(words, STOP) === 0 && Atomics.load(words, COUNT) < data.samples) {
    Atomics.wait(pause, 0, 0, data.gap_us / 1000);
    stamp[STAMP_F64] = nowUs();
    Atomics.add(words, SEQUENCE, 1);
    const before_ms = performance.now();
    if (Atomics.notify(words, SEQUENCE) > 0) recordLatencyUs(notify_cost, (performance.now() - before_ms) * 1000);
  }
  return summary(notify_cost);
}

function waitSync(data: RingerData): string {
  const words = new Int32Array(data.shared);
  const stamp = new Float64Array(data.shared);
  const histogram = newLatencyHistogram();
  while (histogram.totalCount < data.samples) {
    const seen = Atomics.load(words, SEQUENCE);
    // Only wake-ups by a ring count (not a timeout, nor the ringer starting up).
    if (Atomics.wait(words, SEQUENCE, seen, 1000) === 'ok' && stamp[STAMP_F64] > 0) {
      recordLatencyUs(histogram, nowUs() - stamp[STAMP_F64]);
      Atomics.store(words, COUNT, histogram.totalCount);
    }
  }
  return summary(histogram);
}

async function waitAsync(shared: SharedArrayBuffer, samples: number): Promise<string> {
  const words = new Int32Array(shared);
  const stamp = new Float64Array(shared);
  const histogram = newLatencyHistogram();
  while (histogram.totalCount < samples) {
    const seen = Atomics.load(words, SEQUENCE);
    const waiter = Atomics.waitAsync(words, SEQUENCE, seen, 1000);
    const outcome = waiter.async ? await waiter.value : waiter.value;
    if (outcome === 'ok' && stamp[STAMP_F64] > 0) {
      recordLatencyUs(histogram, nowUs() - stamp[STAMP_F64]);
      Atomics.store(words, COUNT, histogram.totalCount);
    }
  }
  return summary(histogram);
}

function summary(h: ReturnType<typeof newLatencyHistogram>): string {
  const at = (p: number) => h.getValueAtPercentile(p);
  return `p50 ${at(50)} µs, p90 ${at(90)}, p99 ${at(99)}, max ${h.maxValue} (${h.totalCount} wake-ups)`;
}

function nextMessage(worker: Worker): Promise<string> {
  return new Promise<string>((resolve) => worker.once('message', resolve));
}

function start(data: RingerData): Worker {
  return new Worker(new URL(import.meta.url), { workerData: data });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const samples = option('--samples', 5000);
  const gap_us = option('--gap-us', 200);

  const to_io = new SharedArrayBuffer(SHARED_BYTES);
  const ringer = start({ role: 'ringer', shared: to_io, samples, gap_us });
  const ringer_cost = nextMessage(ringer);
  console.log(`worker -> io thread (Atomics.waitAsync): ${await waitAsync(to_io, samples)}`);
  Atomics.store(new Int32Array(to_io), STOP, 1);
  console.log(`  the ringer's notify call, paid on its thread: ${await ringer_cost}`);
  await ringer.terminate();

  const between = new SharedArrayBuffer(SHARED_BYTES);
  const waiter = start({ role: 'waiter', shared: between, samples, gap_us });
  const result = nextMessage(waiter);
  const ringer2 = start({ role: 'ringer', shared: between, samples, gap_us });
  const ringer2_cost = nextMessage(ringer2);
  console.log(`worker -> worker (Atomics.wait):         ${await result}`);
  Atomics.store(new Int32Array(between), STOP, 1);
  console.log(`  the ringer's notify call, paid on its thread: ${await ringer2_cost}`);
  await ringer2.terminate();
  await waiter.terminate();

  console.log(`io thread -> worker (Atomics.wait):      ${await fromMainThread('waiter', samples, gap_us)}`);
  console.log(`io thread -> worker (Atomics.waitAsync): ${await fromMainThread('async-waiter', samples, gap_us)}`);
}

/** This (main) thread rings a waiter worker of the given kind: its wake-ups, then what the ringing cost here. */
async function fromMainThread(role: 'waiter' | 'async-waiter', samples: number, gap_us: number): Promise<string> {
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const waiter = start({ role, shared, samples, gap_us });
  const result = nextMessage(waiter);
  await new Promise((resolve) => setTimeout(resolve, 100)); // the worker is up and parked
  const paid = ring({ role: 'ringer', shared, samples, gap_us });
  const woke = await result;
  await waiter.terminate();
  return `${woke}\n  the ringer's notify call, paid on its thread: ${paid}`;
}

if (isMainThread) {
  await main();
} else {
  const data = workerData as RingerData;
  if (data.role === 'async-waiter') {
    // A pending waitAsync does not keep a worker's event loop alive; this does, until done.
    const keep_alive = setInterval(() => {}, 1000);
    parentPort!.postMessage(await waitAsync(data.shared, data.samples));
    clearInterval(keep_alive);
  } else {
    parentPort!.postMessage(data.role === 'ringer' ? ring(data) : waitSync(data));
  }
}
