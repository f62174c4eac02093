/**
 * Single-producer rings over SharedArrayBuffer with fixed-size slots and one or more
 * consumers (the Disruptor's shape). With one consumer it is a plain SPSC queue; with
 * several, every consumer sees every slot, and a consumer may be bounded by another
 * consumer instead of by the producer (the event ring's readers stop at the journal's
 * position, which is "durable up to").
 *
 * Memory ordering: the producer writes a slot with plain stores, then publishes the new
 * position with `Atomics.store`; a consumer reads the position with `Atomics.load`
 * before reading any slot behind it, and releases slots with `Atomics.store` after it is
 * done with them. Atomics operations are sequentially consistent, so every plain write
 * before a publish is visible to a reader that observed the publish.
 *
 * A full ring is reported to the producer (`tryClaim` returns -1); nothing is ever
 * overwritten.
 *
 * Statistics for /metrics (ring_layout.ts): each side counts into its own line of the
 * header with a plain f64 store, so counting costs no allocation, no lookup and no
 * atomic read-modify-write, and /metrics reads them without asking anyone.
 */
import { Doorbell } from './doorbell.js';
import {
  RING_CAPACITY_INDEX,
  RING_CONSUMER_COUNT_INDEX,
  RING_FULL_COUNT_F64,
  RING_GATING_MASK_INDEX,
  RING_MAGIC,
  RING_MAGIC_INDEX,
  RING_PRODUCER_DOORBELLS_F64,
  RING_PRODUCER_POSITION_INDEX,
  RING_SLOT_SIZE_INDEX,
  assertRingGeometry,
  ringConsumerDoorbellsF64,
  ringConsumerPositionIndex,
  ringDataOffsetBytes,
  ringTotalBytes,
} from './ring_layout.js';

/** The shared buffer and typed views over it; shared by producer and consumers. */
export class SharedRing {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  readonly mask: number;
  readonly slot_size_bytes: number;
  readonly consumer_count: number;
  readonly data_offset_bytes: number;
  /** Views over the whole buffer; slot fields are read as `f64[(slot + FIELD) >> 3]`. */
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;

  static create(capacity: number, slot_size_bytes: number, consumer_count = 1): SharedRing {
    assertRingGeometry(capacity, slot_size_bytes, consumer_count);
    const buffer = new SharedArrayBuffer(ringTotalBytes(capacity, slot_size_bytes, consumer_count));
    const header = new Int32Array(buffer, 0, 5);
    header[RING_SLOT_SIZE_INDEX] = slot_size_bytes;
    header[RING_CAPACITY_INDEX] = capacity;
    header[RING_CONSUMER_COUNT_INDEX] = consumer_count;
    header[RING_GATING_MASK_INDEX] = (1 << consumer_count) - 1;
    Atomics.store(header, RING_MAGIC_INDEX, RING_MAGIC);
    return new SharedRing(buffer);
  }

  constructor(buffer: SharedArrayBuffer) {
    const header = new Int32Array(buffer, 0, 4);
    if (Atomics.load(header, RING_MAGIC_INDEX) !== RING_MAGIC) throw new Error('not a ring buffer (bad magic)');
    this.buffer = buffer;
    this.slot_size_bytes = header[RING_SLOT_SIZE_INDEX];
    this.capacity = header[RING_CAPACITY_INDEX];
    this.consumer_count = header[RING_CONSUMER_COUNT_INDEX];
    assertRingGeometry(this.capacity, this.slot_size_bytes, this.consumer_count);
    if (buffer.byteLength !== ringTotalBytes(this.capacity, this.slot_size_bytes, this.consumer_count)) {
      throw new Error('ring buffer length does not match its header');
    }
    this.mask = this.capacity - 1;
    this.data_offset_bytes = ringDataOffsetBytes(this.consumer_count);
    this.u8 = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }

  /** Byte offset of the slot that holds `position`. */
  slotOffset(position: number): number {
    return this.data_offset_bytes + (position & this.mask) * this.slot_size_bytes;
  }

  producerPosition(): number {
    return Atomics.load(this.i32, RING_PRODUCER_POSITION_INDEX);
  }

  consumerPosition(consumer: number): number {
    return Atomics.load(this.i32, ringConsumerPositionIndex(consumer));
  }

  /** True if consumer `c` currently holds the producer back. */
  isGating(consumer: number): boolean {
    return (Atomics.load(this.i32, RING_GATING_MASK_INDEX) & (1 << consumer)) !== 0;
  }

  /**
   * Takes a consumer out of the producer's gating (a worker that crashed or is not
   * running), so the ring never waits for a reader that is not there. Its position stays
   * where it was; it reads nothing until attached again.
   */
  detach(consumer: number): void {
    Atomics.and(this.i32, RING_GATING_MASK_INDEX, ~(1 << consumer));
  }

  /**
   * Puts a consumer back into gating at `upstream`'s position (e.g. the journal's): every
   * slot behind that position is released already, so the producer can never have
   * overwritten what the consumer reads next. Returns the position it starts at; the
   * consumer must catch up on anything older from the journal.
   */
  attachAt(consumer: number, upstream: number): number {
    const position = this.consumerPosition(upstream);
    Atomics.store(this.i32, ringConsumerPositionIndex(consumer), position);
    Atomics.or(this.i32, RING_GATING_MASK_INDEX, 1 << consumer);
    return position;
  }

  /** Times the producer wanted room and found none (refused claims, waits for room). */
  fullCount(): number {
    return this.f64[RING_FULL_COUNT_F64];
  }

  /** Publishes that woke a parked consumer. */
  producerDoorbells(): number {
    return this.f64[RING_PRODUCER_DOORBELLS_F64];
  }

  /** Releases by `consumer` that woke a parked producer or downstream reader. */
  consumerDoorbells(consumer: number): number {
    if (consumer < 0 || consumer >= this.consumer_count) throw new RangeError(`no consumer ${consumer} on this ring`);
    return this.f64[ringConsumerDoorbellsF64(consumer)];
  }

  /** Slots published but not yet released by the slowest gating consumer. */
  depth(): number {
    const head = this.producerPosition();
    let depth = 0;
    for (let c = 0; c < this.consumer_count; c++) {
      if (!this.isGating(c)) continue;
      const lag = (head - this.consumerPosition(c)) | 0;
      if (lag > depth) depth = lag;
    }
    return depth;
  }
}

export class RingProducer {
  readonly ring: SharedRing;
  private position: number;
  private published: number;
  /** Lowest consumer position last seen; refreshed only when the ring looks full. */
  private cached_gate: number;
  private readonly wake_on_publish: Doorbell[];
  /** The ring's f64 view: the statistics are counted into its header (see ring_layout.ts). */
  private readonly stats: Float64Array;

  constructor(ring: SharedRing, wake_on_publish: Doorbell[] = []) {
    this.ring = ring;
    this.position = ring.producerPosition();
    this.published = this.position;
    this.cached_gate = this.slowestConsumer();
    this.wake_on_publish = wake_on_publish;
    this.stats = ring.f64;
  }

  /** Times this ring's producer found it full (shared: it survives the producer object). */
  get full_count(): number {
    return this.stats[RING_FULL_COUNT_F64];
  }

  /**
   * Counts one wait for room: a caller that checked `hasCapacity` and backs off calls this
   * (the engine, when the event or reply ring holds it back). `tryClaim` counts its own
   * refusals. Probes that only ask (an idle check before parking) do not count.
   */
  countFull(): void {
    this.stats[RING_FULL_COUNT_F64]++;
  }

  /** True if `count` more slots can be claimed now. */
  hasCapacity(count: number): boolean {
    const capacity = this.ring.capacity;
    if (((this.position - this.cached_gate) | 0) + count <= capacity) return true;
    this.cached_gate = this.slowestConsumer();
    return ((this.position - this.cached_gate) | 0) + count <= capacity;
  }

  /** Claims the next slot and returns its byte offset, or -1 if the ring is full. */
  tryClaim(): number {
    if (!this.hasCapacity(1)) {
      this.stats[RING_FULL_COUNT_F64]++;
      return -1;
    }
    const offset = this.ring.slotOffset(this.position);
    this.position = (this.position + 1) | 0;
    return offset;
  }

  /** Claims a slot the caller already knows is free (after `hasCapacity`). */
  claim(): number {
    const offset = this.ring.slotOffset(this.position);
    this.position = (this.position + 1) | 0;
    return offset;
  }

  /** Claimed but not yet published. */
  pending(): number {
    return (this.position - this.published) | 0;
  }

  /** Makes every claimed slot visible to consumers, then wakes any parked consumer. */
  publish(): void {
    if (this.publishQuietly()) this.wakeConsumers();
  }

  /**
   * Makes every claimed slot visible without waking anyone; true if there was anything to
   * publish. For a producer that knows its consumer will be woken by someone else (the
   * engine's replies, while their events wait for the journal: engine_agent.ts).
   */
  publishQuietly(): boolean {
    if (this.position === this.published) return false;
    this.published = this.position;
    Atomics.store(this.ring.i32, RING_PRODUCER_POSITION_INDEX, this.position);
    return true;
  }

  /** Rings the doorbell of every parked consumer (publish does it after each publish). */
  wakeConsumers(): void {
    const doorbells = this.wake_on_publish;
    for (let i = 0; i < doorbells.length; i++) {
      if (doorbells[i].ringIfParked()) this.stats[RING_PRODUCER_DOORBELLS_F64]++;
    }
  }

  /** Position of the next claim (published or not). */
  nextPosition(): number {
    return this.position;
  }

  private slowestConsumer(): number {
    const ring = this.ring;
    const mask = Atomics.load(ring.i32, RING_GATING_MASK_INDEX);
    // With no gating consumer at all nobody waits to read: the producer runs free.
    let slowest = this.position;
    let found = false;
    for (let c = 0; c < ring.consumer_count; c++) {
      if ((mask & (1 << c)) === 0) continue;
      const candidate = ring.consumerPosition(c);
      if (!found) {
        slowest = candidate;
        found = true;
        continue;
      }
      // The slowest consumer is the one furthest behind the producer.
      if (((this.position - candidate) | 0) > ((this.position - slowest) | 0)) slowest = candidate;
    }
    return slowest;
  }
}

export class RingConsumer {
  readonly ring: SharedRing;
  readonly consumer: number;
  private position: number;
  private readonly position_index: number;
  /** Int32 index of the counter this consumer may not pass: the producer or an upstream consumer. */
  private readonly barrier_index: number;
  private readonly wake_downstream: Doorbell[];
  private readonly wake_producer: Doorbell | null;
  private readonly half_capacity: number;
  /** The ring's f64 view and this consumer's doorbell count in it (ring_layout.ts). */
  private readonly stats: Float64Array;
  private readonly doorbells_index: number;

  /**
   * @param wake_downstream rung on every release: readers whose barrier is this consumer
   *   (they wait for data, e.g. io and PnL behind the journal).
   * @param upstream_consumer if given, this consumer only reads what that consumer has
   *   already released (e.g. io and PnL read only what the journal made durable).
   * @param wake_producer rung on a release only when the ring was at least half full: a
   *   producer can only be blocked on space then, and ringing it on every release would
   *   cost a wake-up syscall per batch whenever it happens to be parked for lack of work.
   */
  constructor(ring: SharedRing, consumer: number, wake_downstream: Doorbell[] = [], upstream_consumer?: number, wake_producer: Doorbell | null = null) {
    if (consumer < 0 || consumer >= ring.consumer_count) throw new Error(`no consumer ${consumer} on this ring`);
    if (upstream_consumer !== undefined && (upstream_consumer === consumer || upstream_consumer >= ring.consumer_count)) {
      throw new Error(`bad upstream consumer ${upstream_consumer}`);
    }
    this.ring = ring;
    this.consumer = consumer;
    this.position_index = ringConsumerPositionIndex(consumer);
    this.position = Atomics.load(ring.i32, this.position_index);
    this.barrier_index = upstream_consumer === undefined
      ? RING_PRODUCER_POSITION_INDEX
      : ringConsumerPositionIndex(upstream_consumer);
    this.wake_downstream = wake_downstream;
    this.wake_producer = wake_producer;
    this.half_capacity = ring.capacity >> 1;
    this.stats = ring.f64;
    this.doorbells_index = ringConsumerDoorbellsF64(consumer);
  }

  /** Slots ready to read, starting at `slotAt(0)`. */
  available(): number {
    return (Atomics.load(this.ring.i32, this.barrier_index) - this.position) | 0;
  }

  /** Byte offset of the i-th readable slot. */
  slotAt(i: number): number {
    return this.ring.slotOffset((this.position + i) | 0);
  }

  /** Position of the next slot this consumer will read. */
  nextPosition(): number {
    return this.position;
  }

  /** Hands `count` slots back to the producer; publish progress once per batch. */
  release(count: number): void {
    if (count === 0) return;
    const depth_before = (Atomics.load(this.ring.i32, RING_PRODUCER_POSITION_INDEX) - this.position) | 0;
    this.position = (this.position + count) | 0;
    Atomics.store(this.ring.i32, this.position_index, this.position);
    let rang = 0;
    const doorbells = this.wake_downstream;
    for (let i = 0; i < doorbells.length; i++) {
      if (doorbells[i].ringIfParked()) rang++;
    }
    if (this.wake_producer !== null && depth_before >= this.half_capacity && this.wake_producer.ringIfParked()) rang++;
    if (rang > 0) this.stats[this.doorbells_index] += rang;
  }
}
