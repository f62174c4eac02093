/**
 * Rings for tests, optionally starting at an arbitrary int32 position, so wrap-around past
 * 2^31 happens within a few slots instead of after two billion messages.
 */
import { RING_PRODUCER_POSITION_INDEX, ringConsumerPositionIndex } from '../../engine/ring/ring_layout.js';
import { SharedRing } from '../../engine/ring/ring.js';

/** Just below the int32 wrap: 2^31 - 3, so the third claim crosses to -2^31. */
export const NEAR_INT32_WRAP = 0x7ffffffd;

/**
 * Creates a ring whose producer and consumers all start at `start` (taken modulo 2^32 as
 * an int32). Call before any producer or consumer is constructed on it: they read their
 * starting position from shared memory.
 */
export function ringStartingAt(capacity: number, slot_size_bytes: number, consumer_count: number, start: number): SharedRing {
  const ring = SharedRing.create(capacity, slot_size_bytes, consumer_count);
  Atomics.store(ring.i32, RING_PRODUCER_POSITION_INDEX, start | 0);
  for (let c = 0; c < consumer_count; c++) Atomics.store(ring.i32, ringConsumerPositionIndex(c), start | 0);
  return ring;
}
