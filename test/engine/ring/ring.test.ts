import t from 'tap';
import fc from 'fast-check';
import { Doorbell } from '../../../engine/ring/doorbell.js';
import { RingConsumer, RingProducer, SharedRing } from '../../../engine/ring/ring.js';
import { RING_MAGIC_INDEX, RING_PRODUCER_POSITION_INDEX } from '../../../engine/ring/ring_layout.js';
import { NEAR_INT32_WRAP, ringStartingAt } from '../../support/ring_fixtures.js';

const SLOT_BYTES = 16;

function put(ring: SharedRing, off: number, value: number): void {
  ring.f64[off >> 3] = value;
  ring.f64[(off >> 3) + 1] = -value;
}

function get(ring: SharedRing, off: number): number {
  const value = ring.f64[off >> 3];
  if (ring.f64[(off >> 3) + 1] !== -value) throw new Error(`slot at ${off} is torn`);
  return value;
}

/** Claims and writes `values` one slot each; returns how many claims succeeded. */
function produce(producer: RingProducer, values: number[]): number {
  let written = 0;
  for (const value of values) {
    const off = producer.tryClaim();
    if (off < 0) break;
    put(producer.ring, off, value);
    written++;
  }
  return written;
}

/** Reads everything available and releases it. */
function drain(consumer: RingConsumer): number[] {
  const available = consumer.available();
  const values: number[] = [];
  for (let i = 0; i < available; i++) values.push(get(consumer.ring, consumer.slotAt(i)));
  consumer.release(available);
  return values;
}

t.test('a consumer sees nothing until the producer publishes', (t) => {
  const ring = SharedRing.create(8, SLOT_BYTES);
  const producer = new RingProducer(ring);
  const consumer = new RingConsumer(ring, 0);
  produce(producer, [1, 2, 3]);
  t.equal(consumer.available(), 0, 'claimed but unpublished slots are invisible');
  t.equal(producer.pending(), 3);
  producer.publish();
  t.equal(producer.pending(), 0);
  t.same(drain(consumer), [1, 2, 3]);
  t.equal(consumer.available(), 0);
  t.end();
});

t.test('a full ring refuses the claim and keeps every published slot', (t) => {
  const ring = SharedRing.create(8, SLOT_BYTES);
  const producer = new RingProducer(ring);
  const consumer = new RingConsumer(ring, 0);
  t.equal(produce(producer, [1, 2, 3, 4, 5, 6, 7, 8]), 8);
  producer.publish();
  t.equal(producer.hasCapacity(1), false);
  t.equal(producer.tryClaim(), -1, 'the ninth claim is refused');
  t.equal(producer.tryClaim(), -1, 'and stays refused');
  t.equal(producer.full_count, 2, 'each refusal is counted');
  t.equal(ring.depth(), 8);
  t.same(drain(consumer), [1, 2, 3, 4, 5, 6, 7, 8], 'nothing was overwritten');
  t.equal(produce(producer, [9]), 1, 'a released slot can be claimed again');
  producer.publish();
  t.same(drain(consumer), [9]);
  t.end();
});

t.test('a partial release frees exactly the released slots', (t) => {
  const ring = SharedRing.create(4, SLOT_BYTES);
  const producer = new RingProducer(ring);
  const consumer = new RingConsumer(ring, 0);
  produce(producer, [1, 2, 3, 4]);
  producer.publish();
  t.equal(get(ring, consumer.slotAt(0)), 1);
  consumer.release(1);
  t.equal(producer.hasCapacity(2), false, 'only one slot came back');
  t.equal(produce(producer, [5, 6]), 1);
  producer.publish();
  t.same(drain(consumer), [2, 3, 4, 5]);
  t.end();
});

t.test('every consumer of a multi-consumer ring sees every slot and the slowest one gates the producer', (t) => {
  const ring = SharedRing.create(4, SLOT_BYTES, 3);
  const producer = new RingProducer(ring);
  const consumers = [0, 1, 2].map((c) => new RingConsumer(ring, c));
  produce(producer, [1, 2, 3, 4]);
  producer.publish();
  t.same(drain(consumers[0]), [1, 2, 3, 4]);
  t.same(drain(consumers[2]), [1, 2, 3, 4]);
  t.equal(producer.tryClaim(), -1, 'consumer 1 has read nothing, so the ring is still full');
  t.equal(ring.depth(), 4);
  t.equal(get(ring, consumers[1].slotAt(0)), 1);
  consumers[1].release(1);
  t.equal(ring.depth(), 3);
  t.equal(produce(producer, [5, 6]), 1, 'one slot freed by the slowest consumer');
  producer.publish();
  t.same(drain(consumers[1]), [2, 3, 4, 5]);
  t.same(drain(consumers[0]), [5]);
  t.same(drain(consumers[2]), [5]);
  t.end();
});

t.test('a consumer bounded by an upstream consumer never passes it', (t) => {
  const ring = SharedRing.create(8, SLOT_BYTES, 2);
  const producer = new RingProducer(ring);
  const journal = new RingConsumer(ring, 0);
  const reader = new RingConsumer(ring, 1, [], 0);
  produce(producer, [1, 2, 3, 4, 5]);
  producer.publish();
  t.equal(reader.available(), 0, 'nothing is readable before the upstream consumer releases');
  t.equal(journal.available(), 5);
  journal.release(2);
  t.equal(reader.available(), 2);
  t.same(drain(reader), [1, 2]);
  t.equal(reader.available(), 0, 'stops exactly at the upstream position');
  t.same(drain(journal), [3, 4, 5]);
  t.same(drain(reader), [3, 4, 5]);
  t.equal(reader.nextPosition(), journal.nextPosition());
  t.end();
});

t.test('a consumer cannot name itself or a missing consumer as its upstream', (t) => {
  const ring = SharedRing.create(8, SLOT_BYTES, 2);
  t.throws(() => new RingConsumer(ring, 1, [], 1));
  t.throws(() => new RingConsumer(ring, 1, [], 2));
  t.throws(() => new RingConsumer(ring, 2));
  t.end();
});

t.test('positions wrap past 2^31 without losing, duplicating or reordering slots', (t) => {
  const ring = ringStartingAt(4, SLOT_BYTES, 2, NEAR_INT32_WRAP);
  const producer = new RingProducer(ring);
  const first = new RingConsumer(ring, 0);
  const second = new RingConsumer(ring, 1, [], 0);
  const seen_first: number[] = [];
  const seen_second: number[] = [];
  let next = 0;
  for (let round = 0; round < 10; round++) {
    const batch = [next, next + 1, next + 2];
    t.equal(produce(producer, batch), 3);
    next += 3;
    producer.publish();
    seen_first.push(...drain(first));
    seen_second.push(...drain(second));
  }
  const expected = Array.from({ length: 30 }, (_, i) => i);
  t.same(seen_first, expected);
  t.same(seen_second, expected);
  t.ok(ring.producerPosition() < 0, 'the int32 producer position has wrapped to negative');
  t.equal(ring.producerPosition(), (NEAR_INT32_WRAP + 30) | 0);
  t.equal(ring.depth(), 0);
  t.end();
});

t.test('a full ring is still detected across the int32 wrap', (t) => {
  const ring = ringStartingAt(8, SLOT_BYTES, 1, NEAR_INT32_WRAP);
  const producer = new RingProducer(ring);
  const consumer = new RingConsumer(ring, 0);
  t.equal(produce(producer, [1, 2, 3, 4, 5, 6, 7, 8, 9]), 8);
  producer.publish();
  t.equal(consumer.available(), 8);
  t.equal(ring.depth(), 8);
  t.same(drain(consumer), [1, 2, 3, 4, 5, 6, 7, 8]);
  t.end();
});

t.test('publish rings a consumer doorbell only while the consumer is parked', (t) => {
  const ring = SharedRing.create(8, SLOT_BYTES);
  const doorbell = new Doorbell();
  const owner = new Doorbell(doorbell.buffer);
  const producer = new RingProducer(ring, [doorbell]);
  const consumer = new RingConsumer(ring, 0);
  produce(producer, [1]);
  producer.publish();
  t.equal(doorbell.rings_sent, 0, 'the consumer was awake');
  owner.prepareToPark();
  produce(producer, [2]);
  producer.publish();
  t.equal(doorbell.rings_sent, 1, 'the parked consumer was rung');
  producer.publish();
  t.equal(doorbell.rings_sent, 1, 'a publish with nothing new rings nobody');
  owner.cancelPark();
  produce(producer, [3]);
  producer.publish();
  t.equal(doorbell.rings_sent, 1);
  t.same(drain(consumer), [1, 2, 3]);
  t.end();
});

t.test('a release from a ring at least half full rings a parked producer, so a blocked producer can continue', (t) => {
  const ring = SharedRing.create(2, SLOT_BYTES);
  const producer_bell = new Doorbell();
  const producer = new RingProducer(ring);
  const consumer = new RingConsumer(ring, 0, [], undefined, producer_bell);
  produce(producer, [1, 2]);
  producer.publish();
  const seen = new Doorbell(producer_bell.buffer).prepareToPark();
  drain(consumer);
  t.equal(producer_bell.rings_sent, 1);
  t.not(Atomics.load(new Int32Array(producer_bell.buffer), 0), seen, 'the doorbell sequence moved, so a wait would return at once');
  t.end();
});

t.test('a release from a ring less than half full does not ring the producer (it cannot be waiting for space)', (t) => {
  const ring = SharedRing.create(8, SLOT_BYTES);
  const producer_bell = new Doorbell();
  const downstream_bell = new Doorbell();
  const producer = new RingProducer(ring);
  const consumer = new RingConsumer(ring, 0, [downstream_bell], undefined, producer_bell);
  produce(producer, [1, 2, 3]);
  producer.publish();
  new Doorbell(producer_bell.buffer).prepareToPark();
  new Doorbell(downstream_bell.buffer).prepareToPark();
  drain(consumer);
  t.equal(producer_bell.rings_sent, 0, 'three of eight slots: the producer is not rung');
  t.equal(downstream_bell.rings_sent, 1, 'downstream readers are rung on every release');
  t.end();
});

t.test('full refusals and wake-ups are counted in the ring\'s shared memory, where another thread\'s view reads them', (t) => {
  const ring = SharedRing.create(4, SLOT_BYTES, 2);
  const reader_bell = new Doorbell();
  const producer_bell = new Doorbell();
  const downstream_bell = new Doorbell();
  const producer = new RingProducer(ring, [reader_bell]);
  const journal = new RingConsumer(ring, 0, [downstream_bell], undefined, producer_bell);
  const reader = new RingConsumer(ring, 1, [], 0);
  // What /metrics holds: a view of its own over the same buffer, never the producer object.
  const seen = new SharedRing(ring.buffer);
  t.same([seen.fullCount(), seen.producerDoorbells(), seen.consumerDoorbells(0), seen.consumerDoorbells(1)], [0, 0, 0, 0]);

  new Doorbell(reader_bell.buffer).prepareToPark();
  t.equal(produce(producer, [1, 2, 3, 4, 5]), 4, 'the fifth claim is refused');
  producer.tryClaim();
  producer.countFull();
  t.equal(seen.fullCount(), 3, 'two refused claims and one wait for room the caller reported');
  t.equal(producer.full_count, 3, 'the producer reads the same count');
  producer.publish();
  t.equal(seen.producerDoorbells(), 1, 'the publish woke the parked reader');
  producer.publish();
  t.equal(seen.producerDoorbells(), 1, 'a publish that wakes nobody is not counted');

  new Doorbell(producer_bell.buffer).prepareToPark();
  new Doorbell(downstream_bell.buffer).prepareToPark();
  journal.release(4);
  t.equal(seen.consumerDoorbells(0), 2, 'the journal\'s release woke the producer (a full ring) and the downstream reader');
  drain(reader);
  t.equal(seen.consumerDoorbells(1), 0, 'a consumer with nobody to wake counts nothing');
  t.throws(() => seen.consumerDoorbells(2), RangeError);
  t.end();
});

t.test('a buffer that is not a ring, or has bad geometry, is refused', (t) => {
  t.throws(() => SharedRing.create(6, SLOT_BYTES), /power of two/);
  t.throws(() => SharedRing.create(8, 12), /multiple of 8/);
  t.throws(() => SharedRing.create(8, SLOT_BYTES, 0), /consumer count/);
  t.throws(() => SharedRing.create(8, SLOT_BYTES, 9), /consumer count/);
  const ring = SharedRing.create(8, SLOT_BYTES);
  t.throws(() => new SharedRing(new SharedArrayBuffer(ring.buffer.byteLength)), /bad magic/);
  const copy = new SharedArrayBuffer(ring.buffer.byteLength + 64);
  new Uint8Array(copy).set(new Uint8Array(ring.buffer));
  t.throws(() => new SharedRing(copy), /does not match/);
  t.equal(Atomics.load(ring.i32, RING_MAGIC_INDEX), 0x52494e47);
  t.end();
});

// ---- model-based property ---------------------------------------------------------------

type Op =
  | { readonly kind: 'claim'; readonly count: number }
  | { readonly kind: 'publish' }
  | { readonly kind: 'consume'; readonly consumer: number; readonly count: number };

const opArb = (consumers: number): fc.Arbitrary<Op> => fc.oneof(
  fc.record({ kind: fc.constant('claim' as const), count: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('publish' as const) }),
  fc.record({
    kind: fc.constant('consume' as const),
    consumer: fc.integer({ min: 0, max: consumers - 1 }),
    count: fc.integer({ min: 1, max: 20 }),
  }),
);

const scenarioArb = fc.record({
  capacity: fc.constantFrom(1, 2, 4, 8, 16),
  consumers: fc.integer({ min: 1, max: 3 }),
  chained: fc.boolean(),
  start: fc.oneof(fc.constant(0), fc.constant(NEAR_INT32_WRAP), fc.constant(-7), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
}).chain((setup) => fc.record({
  setup: fc.constant(setup),
  ops: fc.array(opArb(setup.consumers), { minLength: 1, maxLength: 150, size: 'max' }),
}));

t.test('random produce, publish, consume and release sequences behave like a bounded queue per consumer', (t) => {
  fc.assert(fc.property(scenarioArb, ({ setup, ops }) => {
    const { capacity, consumers: consumer_count, chained, start } = setup;
    const ring = ringStartingAt(capacity, SLOT_BYTES, consumer_count, start);
    const producer = new RingProducer(ring);
    // With `chained`, consumers 1.. read only what consumer 0 released (the journal's shape).
    const consumers = Array.from({ length: consumer_count }, (_, c) =>
      new RingConsumer(ring, c, [], chained && c > 0 ? 0 : undefined));
    const claimed: number[] = [];
    let published = 0;
    const read = new Array<number>(consumer_count).fill(0);
    let next_value = 1;

    for (const op of ops) {
      if (op.kind === 'claim') {
        for (let k = 0; k < op.count; k++) {
          const free = capacity - (claimed.length - Math.min(...read));
          if (producer.hasCapacity(1) !== free > 0) throw new Error('hasCapacity disagrees with the model');
          const off = producer.tryClaim();
          if (free > 0) {
            if (off !== ring.slotOffset((start + claimed.length) | 0)) throw new Error(`claim returned ${off}`);
            put(ring, off, next_value);
            claimed.push(next_value++);
          } else if (off !== -1) {
            throw new Error('a full ring handed out a slot');
          }
        }
      } else if (op.kind === 'publish') {
        producer.publish();
        published = claimed.length;
        if (ring.producerPosition() !== ((start + published) | 0)) throw new Error('producer position is wrong');
      } else {
        const c = op.consumer;
        const barrier = chained && c > 0 ? read[0] : published;
        const consumer = consumers[c];
        if (consumer.available() !== barrier - read[c]) {
          throw new Error(`consumer ${c} sees ${consumer.available()} slots, model says ${barrier - read[c]}`);
        }
        const n = Math.min(op.count, barrier - read[c]);
        for (let i = 0; i < n; i++) {
          const value = get(ring, consumer.slotAt(i));
          if (value !== claimed[read[c] + i]) throw new Error(`consumer ${c} read ${value}, expected ${claimed[read[c] + i]}`);
        }
        consumer.release(n);
        read[c] += n;
      }
      if (ring.depth() !== published - Math.min(...read)) throw new Error('depth disagrees with the model');
      if (producer.pending() !== claimed.length - published) throw new Error('pending disagrees with the model');
    }
  }), { numRuns: 400 });
  t.pass('400 random sequences matched the model queue');
  t.end();
});

t.test('the producer starts from the position already in shared memory', (t) => {
  const ring = SharedRing.create(8, SLOT_BYTES);
  const first = new RingProducer(ring);
  produce(first, [1, 2]);
  first.publish();
  const second = new RingProducer(ring);
  t.equal(second.nextPosition(), 2, 'a restarted producer continues where the last publish left off');
  t.equal(Atomics.load(ring.i32, RING_PRODUCER_POSITION_INDEX), 2);
  t.end();
});

t.test('a detached consumer no longer holds the producer back, and attaching puts it at the upstream position', (t) => {
  const ring = SharedRing.create(4, SLOT_BYTES, 2);
  const producer = new RingProducer(ring);
  const journal = new RingConsumer(ring, 0);
  produce(producer, [1, 2, 3, 4]);
  producer.publish();
  t.same(drain(journal), [1, 2, 3, 4]);
  t.equal(producer.tryClaim(), -1, 'consumer 1 has read nothing: the ring is full');
  t.equal(ring.isGating(1), true);
  ring.detach(1);
  t.equal(ring.isGating(1), false);
  t.equal(ring.depth(), 0, 'depth ignores a detached consumer');
  t.equal(produce(producer, [5, 6]), 2, 'the producer runs on without it');
  producer.publish();
  t.same(drain(journal), [5, 6]);
  const start = ring.attachAt(1, 0);
  t.equal(start, journal.nextPosition(), 'it comes back at the journal position');
  t.equal(ring.isGating(1), true);
  const reader = new RingConsumer(ring, 1, [], 0);
  t.equal(reader.available(), 0, 'what came before is for the journal replay to deliver');
  produce(producer, [7, 8, 9, 10]);
  producer.publish();
  t.equal(producer.tryClaim(), -1, 'gated again');
  t.same(drain(journal), [7, 8, 9, 10]);
  t.same(drain(reader), [7, 8, 9, 10]);
  t.end();
});

t.test('with every consumer detached the producer never reports the ring full', (t) => {
  const ring = SharedRing.create(2, SLOT_BYTES, 1);
  const producer = new RingProducer(ring);
  ring.detach(0);
  t.equal(produce(producer, [1, 2, 3, 4, 5]), 5);
  producer.publish();
  t.equal(producer.full_count, 0);
  t.end();
});
