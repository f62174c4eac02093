/**
 * Shared-memory layout of a ring: a header of cache-line-separated counters, then the slots.
 *
 * ```
 *  byte 0        line 0  MAGIC | SLOT_SIZE | CAPACITY | CONSUMER_COUNT | GATING_MASK
 *                        (GATING_MASK: bit i set = consumer i holds the producer back)
 *  byte 64       line 1  PRODUCER_POSITION                               (one writer: the producer)
 *  byte 128      line 2  FULL_COUNT f64 | PRODUCER_DOORBELLS f64         (one writer: the producer)
 *  byte 192      line 3  CONSUMER_POSITION[0] i32 | pad | CONSUMER_DOORBELLS[0] f64  (one writer: consumer 0)
 *  byte 256      line 4  CONSUMER_POSITION[1] i32 | pad | CONSUMER_DOORBELLS[1] f64  (one writer: consumer 1)
 *  ...
 *  DATA_OFFSET           slot 0 | slot 1 | ... | slot CAPACITY-1         (SLOT_SIZE bytes each)
 * ```
 *
 * Positions are int32 counters that wrap: the distance between two positions is
 * `(a - b) | 0`, which is exact as long as the capacity stays below 2^30. Each position
 * sits alone on a 64-byte line so the producer and consumers never false-share.
 *
 * The statistics (STYLE.md rule 7: counters in shared memory, read by /metrics without
 * asking the writer) are f64 counts written with plain stores by their one writer:
 * - FULL_COUNT: times the producer wanted room and found none. It has a line of its own,
 *   apart from PRODUCER_POSITION, because a producer that waits on a full ring bumps it
 *   on every try, and consumers poll PRODUCER_POSITION all the time: sharing that line
 *   would make every poll of the slowest consumer (the one everyone waits for) a miss.
 * - PRODUCER_DOORBELLS: publishes that woke a parked consumer (Atomics.notify).
 * - CONSUMER_DOORBELLS[c]: releases by consumer c that woke a parked producer or a parked
 *   downstream reader. Written only beside a notify (a syscall), so it stays on the
 *   consumer's own line.
 */
import { CACHE_LINE_BYTES, isPowerOfTwo } from '../layout/layout_builder.js';

export const RING_MAGIC = 0x52494e47; // "RING"
export const MAX_RING_CONSUMERS = 8;
export const MAX_RING_CAPACITY = 1 << 30;

const WORDS_PER_LINE = CACHE_LINE_BYTES / 4;

/** Int32 indices into the header. */
export const RING_MAGIC_INDEX = 0;
export const RING_SLOT_SIZE_INDEX = 1;
export const RING_CAPACITY_INDEX = 2;
export const RING_CONSUMER_COUNT_INDEX = 3;
export const RING_GATING_MASK_INDEX = 4;
export const RING_PRODUCER_POSITION_INDEX = 1 * WORDS_PER_LINE;
/** Float64 indices of the producer's statistics (line 2). */
export const RING_FULL_COUNT_F64 = (2 * CACHE_LINE_BYTES) / 8;
export const RING_PRODUCER_DOORBELLS_F64 = RING_FULL_COUNT_F64 + 1;
/** Lines before the first consumer's: header, producer position, producer statistics. */
const LINES_BEFORE_CONSUMERS = 3;

export function ringConsumerPositionIndex(consumer: number): number {
  return (LINES_BEFORE_CONSUMERS + consumer) * WORDS_PER_LINE;
}

/** Float64 index of consumer `consumer`'s doorbell count: the second 8 bytes of its line. */
export function ringConsumerDoorbellsF64(consumer: number): number {
  return ((LINES_BEFORE_CONSUMERS + consumer) * CACHE_LINE_BYTES) / 8 + 1;
}

export function ringDataOffsetBytes(consumer_count: number): number {
  return (LINES_BEFORE_CONSUMERS + consumer_count) * CACHE_LINE_BYTES;
}

export function ringTotalBytes(capacity: number, slot_size_bytes: number, consumer_count: number): number {
  return ringDataOffsetBytes(consumer_count) + capacity * slot_size_bytes;
}

export function assertRingGeometry(capacity: number, slot_size_bytes: number, consumer_count: number): void {
  if (!isPowerOfTwo(capacity) || capacity > MAX_RING_CAPACITY) {
    throw new Error(`ring capacity ${capacity} must be a power of two no larger than ${MAX_RING_CAPACITY}`);
  }
  if (!Number.isInteger(slot_size_bytes) || slot_size_bytes <= 0 || slot_size_bytes % 8 !== 0) {
    throw new Error(`ring slot size ${slot_size_bytes} must be a positive multiple of 8 bytes`);
  }
  if (!Number.isInteger(consumer_count) || consumer_count < 1 || consumer_count > MAX_RING_CONSUMERS) {
    throw new Error(`ring consumer count ${consumer_count} must be between 1 and ${MAX_RING_CONSUMERS}`);
  }
}

// Load-time checks: the counters must not share a cache line with each other or with the data.
if (RING_PRODUCER_POSITION_INDEX * 4 !== CACHE_LINE_BYTES) throw new Error('ring producer position must start line 1');
if (RING_FULL_COUNT_F64 * 8 !== 2 * CACHE_LINE_BYTES || RING_PRODUCER_DOORBELLS_F64 * 8 + 8 > 3 * CACHE_LINE_BYTES) {
  throw new Error('ring producer statistics must sit on line 2');
}
if (ringConsumerPositionIndex(0) * 4 !== 3 * CACHE_LINE_BYTES) throw new Error('ring consumer 0 must start line 3');
if (ringConsumerDoorbellsF64(0) * 8 !== ringConsumerPositionIndex(0) * 4 + 8) throw new Error('a consumer\'s doorbell count must follow its position');
if (ringDataOffsetBytes(1) % CACHE_LINE_BYTES !== 0) throw new Error('ring data must start on a cache line');
