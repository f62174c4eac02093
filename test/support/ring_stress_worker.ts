/**
 * Worker side of the ring stress tests (test/engine/ring/ring_threads.stress.test.ts).
 * One script, three roles chosen by workerData.role:
 *
 *  - producer: writes `count` slots carrying (n, n * 7 + 1) for n = 0, 1, 2, ..., claiming
 *    in batches and publishing once per batch; parks on its own doorbell when the ring
 *    is full (the consumer's release rings it).
 *  - consumer: reads `count` slots, checks each against the next expected counter, and
 *    releases once per batch; parks on its own doorbell when the ring is empty.
 *  - echo_consumer: like consumer but runs until the stop flag is set, and publishes its
 *    progress in a shared stats array so the test thread can watch it park and wake.
 *
 * Both sides use the production SpinThenParkIdleStrategy and Doorbell.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { SpinThenParkIdleStrategy } from '../../engine/ring/idle_strategy.js';
import { RingConsumer, RingProducer, SharedRing } from '../../engine/ring/ring.js';

export interface RingStressInput {
  readonly role: 'producer' | 'consumer' | 'echo_consumer';
  readonly ring: SharedArrayBuffer;
  readonly producer_doorbell: SharedArrayBuffer;
  readonly consumer_doorbell: SharedArrayBuffer;
  readonly count: number;
  readonly spin_limit: number;
  readonly park_timeout_ms: number;
  /** echo_consumer only: Int32Array slots named by EchoStat. */
  readonly stats?: SharedArrayBuffer;
}

export interface RingStressResult {
  readonly role: string;
  readonly handled: number;
  readonly errors: number;
  readonly first_error: string | null;
  readonly park_count: number;
  /** Rings this side sent to the other side's doorbell. */
  readonly rings_sent: number;
  readonly full_count: number;
}

/** Int32 slots of the echo consumer's stats array. */
export const EchoStat = { CONSUMED: 0, PARKS: 1, STOP: 2, ERRORS: 3 } as const;
export const ECHO_STAT_BYTES = 16;

const PRODUCER_BATCH_MAX = 256;

export function checkValue(n: number): number {
  return n * 7 + 1;
}

function runProducer(input: RingStressInput): RingStressResult {
  const ring = new SharedRing(input.ring);
  const consumer_bell = new Doorbell(input.consumer_doorbell);
  const producer = new RingProducer(ring, [consumer_bell]);
  const idle = new SpinThenParkIdleStrategy(new Doorbell(input.producer_doorbell), input.spin_limit, input.park_timeout_ms);
  const agent = { hasWork: () => producer.hasCapacity(1) };
  const f64 = ring.f64;
  let next = 0;
  while (next < input.count) {
    let claimed = 0;
    while (claimed < PRODUCER_BATCH_MAX && next < input.count) {
      const off = producer.tryClaim();
      if (off < 0) break;
      f64[off >> 3] = next;
      f64[(off >> 3) + 1] = checkValue(next);
      next++;
      claimed++;
    }
    producer.publish();
    idle.idle(claimed, agent);
  }
  return {
    role: 'producer', handled: next, errors: 0, first_error: null,
    park_count: idle.park_count, rings_sent: consumer_bell.rings_sent, full_count: producer.full_count,
  };
}

function runConsumer(input: RingStressInput): RingStressResult {
  const ring = new SharedRing(input.ring);
  const producer_bell = new Doorbell(input.producer_doorbell);
  const consumer = new RingConsumer(ring, 0, [], undefined, producer_bell);
  const idle = new SpinThenParkIdleStrategy(new Doorbell(input.consumer_doorbell), input.spin_limit, input.park_timeout_ms);
  const agent = { hasWork: () => consumer.available() > 0 };
  const f64 = ring.f64;
  let expected = 0;
  let errors = 0;
  let first_error: string | null = null;
  while (expected < input.count) {
    const available = consumer.available();
    for (let i = 0; i < available; i++) {
      const off = consumer.slotAt(i);
      const value = f64[off >> 3];
      const check = f64[(off >> 3) + 1];
      if (value !== expected || check !== checkValue(expected)) {
        if (errors++ === 0) first_error = `slot ${i} of a batch held ${value}/${check}, expected ${expected}`;
      }
      expected++;
    }
    consumer.release(available);
    idle.idle(available, agent);
  }
  return {
    role: 'consumer', handled: expected, errors, first_error,
    park_count: idle.park_count, rings_sent: producer_bell.rings_sent, full_count: 0,
  };
}

function runEchoConsumer(input: RingStressInput): RingStressResult {
  if (input.stats === undefined) throw new Error('echo_consumer needs a stats buffer');
  const stats = new Int32Array(input.stats);
  const ring = new SharedRing(input.ring);
  const consumer = new RingConsumer(ring, 0);
  const idle = new SpinThenParkIdleStrategy(new Doorbell(input.consumer_doorbell), input.spin_limit, input.park_timeout_ms);
  // The stop flag is a work source too, or a stop request could be missed by a parked consumer.
  const agent = { hasWork: () => consumer.available() > 0 || Atomics.load(stats, EchoStat.STOP) !== 0 };
  const f64 = ring.f64;
  let expected = 0;
  let errors = 0;
  let first_error: string | null = null;
  while (Atomics.load(stats, EchoStat.STOP) === 0) {
    // Parks are published before the work that follows them, so a reader that sees the
    // consumed count move also sees the park that preceded it.
    Atomics.store(stats, EchoStat.PARKS, idle.park_count);
    const available = consumer.available();
    for (let i = 0; i < available; i++) {
      const off = consumer.slotAt(i);
      if (f64[off >> 3] !== expected || f64[(off >> 3) + 1] !== checkValue(expected)) {
        if (errors++ === 0) first_error = `read ${f64[off >> 3]}, expected ${expected}`;
      }
      expected++;
    }
    if (available > 0) {
      consumer.release(available);
      Atomics.store(stats, EchoStat.ERRORS, errors);
      Atomics.store(stats, EchoStat.CONSUMED, expected);
      Atomics.notify(stats, EchoStat.CONSUMED);
    }
    idle.idle(available, agent);
  }
  return {
    role: 'echo_consumer', handled: expected, errors, first_error,
    park_count: idle.park_count, rings_sent: 0, full_count: 0,
  };
}

const input = workerData as RingStressInput | undefined;
if (input !== undefined && parentPort !== null) {
  const run = input.role === 'producer' ? runProducer : input.role === 'consumer' ? runConsumer : runEchoConsumer;
  parentPort.postMessage(run(input));
}
