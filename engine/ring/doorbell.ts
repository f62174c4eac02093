/**
 * A doorbell lets a thread park with `Atomics.wait` and be woken only when it is
 * actually parked, so a busy producer pays one atomic load per publish and no syscall.
 *
 * Why this cannot lose a wake-up: the owner stores PARKED=1, then reads SEQUENCE and
 * re-checks its work sources, and only then waits on SEQUENCE with the value it read.
 * A producer publishes its work first, then loads PARKED. All of these are
 * sequentially consistent Atomics operations, so either the owner's re-check sees the
 * new work, or the producer sees PARKED=1 and bumps SEQUENCE, which makes the owner's
 * `Atomics.wait` return at once (value changed) or wakes it (notify).
 */
import { DOORBELL_BYTES, DOORBELL_PARKED_INDEX, DOORBELL_SEQUENCE_INDEX } from './doorbell_layout.js';

export class Doorbell {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;
  /** Times this handle rang a parked owner (kept locally, for tests; rings count theirs in shared memory). */
  rings_sent = 0;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(DOORBELL_BYTES);
    if (this.buffer.byteLength < DOORBELL_BYTES) throw new Error('doorbell buffer too small');
    this.words = new Int32Array(this.buffer, 0, DOORBELL_BYTES / 4);
  }

  /**
   * Producer side: wake the owner if, and only if, it is parked. Returns true if it rang,
   * so a ring can count its wake-ups in shared memory (ring.ts) for /metrics.
   */
  ringIfParked(): boolean {
    if (Atomics.load(this.words, DOORBELL_PARKED_INDEX) === 0) return false;
    Atomics.add(this.words, DOORBELL_SEQUENCE_INDEX, 1);
    Atomics.notify(this.words, DOORBELL_SEQUENCE_INDEX);
    this.rings_sent++;
    return true;
  }

  /** Wakes the owner whether or not it looks parked (shutdown, tests). */
  wake(): void {
    Atomics.add(this.words, DOORBELL_SEQUENCE_INDEX, 1);
    Atomics.notify(this.words, DOORBELL_SEQUENCE_INDEX);
  }

  /** Owner side, step 1: announce the intent to park; returns the sequence to wait on. */
  prepareToPark(): number {
    Atomics.store(this.words, DOORBELL_PARKED_INDEX, 1);
    return Atomics.load(this.words, DOORBELL_SEQUENCE_INDEX);
  }

  /**
   * Owner side, step 2 (after re-checking for work): block until rung or timed out.
   * Returns false if the timeout ended the park (nobody rang).
   */
  park(seen_sequence: number, timeout_ms: number): boolean {
    const outcome = Atomics.wait(this.words, DOORBELL_SEQUENCE_INDEX, seen_sequence, timeout_ms);
    Atomics.store(this.words, DOORBELL_PARKED_INDEX, 0);
    return outcome !== 'timed-out';
  }

  /**
   * Owner side: block for up to `timeout_ms` without announcing it, so producers do not
   * ring (`ringIfParked` sees nothing parked and costs them one load). For an owner that
   * polls: only `wake()` (shutdown) ends a nap early. Returns false if it timed out.
   */
  nap(timeout_ms: number): boolean {
    const outcome = Atomics.wait(this.words, DOORBELL_SEQUENCE_INDEX, Atomics.load(this.words, DOORBELL_SEQUENCE_INDEX), timeout_ms);
    return outcome !== 'timed-out';
  }

  /**
   * Owner side, on an event loop that must not block, without a promise of its own: `then`
   * runs once rung or timed out, and must itself say the owner is awake (cancelPark). For a
   * loop that parks thousands of times a second (the io thread's pump), where every object
   * is garbage for the next scavenge.
   */
  parkThen(seen_sequence: number, timeout_ms: number, then: () => void): void {
    const waiter = Atomics.waitAsync(this.words, DOORBELL_SEQUENCE_INDEX, seen_sequence, timeout_ms);
    if (waiter.async) void waiter.value.then(then);
    else queueMicrotask(then);
  }

  /** Owner side, on an event loop that must not block, as a promise (the async workers, services/runtime/async_agent.ts; the io thread uses parkThen). */
  async parkAsync(seen_sequence: number, timeout_ms: number): Promise<void> {
    const waiter = Atomics.waitAsync(this.words, DOORBELL_SEQUENCE_INDEX, seen_sequence, timeout_ms);
    if (waiter.async) await waiter.value;
    Atomics.store(this.words, DOORBELL_PARKED_INDEX, 0);
  }

  /** Owner side: work turned up between prepareToPark and park. */
  cancelPark(): void {
    Atomics.store(this.words, DOORBELL_PARKED_INDEX, 0);
  }

  isParked(): boolean {
    return Atomics.load(this.words, DOORBELL_PARKED_INDEX) !== 0;
  }
}
