/**
 * A doorbell to ring only while another consumer has caught up with its ring.
 *
 * The engine's replies can be answered only once the events they depend on are durable,
 * and the journal rings the io thread each time it makes events durable. Ringing the io
 * thread for every reply as well would wake it, on two cores, only to see that it must
 * wait (a wasted wake-up per order, bench/README.md). So with a journal to wait for, the
 * engine rings the io thread after publishing replies only if the journal has already
 * released every event published so far: then no later release will come to ring it.
 * Otherwise the journal's next release rings it, and the replies are visible by then,
 * since the engine publishes them before it reads the journal's position (every access is
 * a sequentially consistent Atomics operation; see doorbell.ts for the parking side).
 */
import { Doorbell } from './doorbell.js';
import type { SharedRing } from './ring.js';

/** What a producer rings after it publishes. */
export interface Wakeable {
  ringIfParked(): void;
}

export class WakeWhenCaughtUp implements Wakeable {
  /** Times the ring was skipped because `consumer` was behind and will ring it itself. */
  skipped = 0;

  /**
   * @param doorbell the reader to wake
   * @param ring the ring whose consumer wakes that reader after each release
   * @param consumer that consumer's index on `ring`
   */
  constructor(private readonly doorbell: Doorbell, private readonly ring: SharedRing, private readonly consumer: number) {}

  ringIfParked(): void {
    if (this.ring.consumerPosition(this.consumer) === this.ring.producerPosition()) this.doorbell.ringIfParked();
    else this.skipped++;
  }
}
