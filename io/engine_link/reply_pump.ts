/**
 * How the io thread waits for the engine's replies without ever blocking: the pump that
 * drains while there is work and otherwise parks on the io doorbell with
 * Atomics.waitAsync, and the bounded reply spin right after a publish from idle. Used by
 * the OMS's EngineLink and by the benchmark's hop echo (bench/servers/hop_answers.ts), so
 * that the floor the hop echo measures is this code, not a copy of it.
 *
 * - The pump: drain; if that did work, come back on the next event-loop turn (sockets and
 *   timers go first); else announce the park, look once more, and park until rung (or
 *   `park_ms`). Callbacks bound once, not an async loop: an await per turn and per park
 *   was a promise and a continuation each, 23% of the io thread's garbage at 5 000 ws
 *   orders/s (bench/README.md, "Fifth pass"). Parking, not spinning: on two cores an io
 *   thread that spins for answers takes the CPU the engine and journal need to produce
 *   them (measured: throughput drops).
 * - The one bounded exception: an idle io thread that just published waits a little for
 *   the answers itself instead of parking. At a few thousand orders per second each order
 *   otherwise pays a second wake-up, the io thread's, on top of the engine's. It is marked
 *   awake before the commands become visible, so the engine does not ring it (a notify is
 *   a syscall, and a wake-up it would then find nothing to do for); afterwards the park is
 *   announced again, and anything published in between is drained here rather than
 *   waiting for a ring that was never sent. The spin adapts to how fast the engine answers
 *   (reply_spin.ts).
 */
import { Doorbell } from '../../engine/ring/doorbell.js';
import { RingConsumer } from '../../engine/ring/ring.js';
import { ReplySpin } from './reply_spin.js';

export interface ReplyDrain {
  /** Takes whatever the engine published; returns the work done (0: nothing). */
  drain(): number;
  /** Cheap check, after announcing the park, that nothing arrived meanwhile. */
  hasWork(): boolean;
}

export class ReplyPump {
  private running = false;
  /** True while the pump awaits its doorbell (the io thread had nothing to do). */
  private parked = false;

  /**
   * @param doorbell the io thread's doorbell, rung by the engine after it publishes
   * @param replies the reply ring the spin watches
   * @param park_ms longest park without a ring: a missed wake-up (there should be none) costs at most this
   */
  constructor(
    private readonly doorbell: Doorbell,
    private readonly replies: RingConsumer,
    private readonly spin: ReplySpin,
    private readonly park_ms: number,
    private readonly owner: ReplyDrain,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.pump();
  }

  /** Stops draining; nothing waits on the doorbell any more. */
  stop(): void {
    this.running = false;
    this.doorbell.cancelPark();
  }

  /**
   * Makes commands visible with `publish` and, if the pump was parked (the io thread was
   * idle), spins for the replies and drains them (see above).
   */
  publish(publish: () => void): void {
    const will_spin = this.parked && this.spin.enabled;
    if (will_spin) this.doorbell.cancelPark();
    publish();
    if (!will_spin) return;
    this.spin.spin(this.replies);
    this.owner.drain();
    if (!this.running) return; // stopped (or failed) meanwhile: nobody waits on the doorbell
    // The pump still awaits its doorbell: announce the park again (its waitAsync waits on
    // the sequence it read before, so any ring from now on ends it), then look once more
    // for what was published while the engine believed us awake.
    this.doorbell.prepareToPark();
    if (this.owner.hasWork()) this.owner.drain();
  }

  private readonly pump = (): void => {
    while (this.running) {
      if (this.owner.drain() > 0) {
        setImmediate(this.pump);
        return;
      }
      const seen = this.doorbell.prepareToPark();
      if (this.owner.hasWork()) {
        this.doorbell.cancelPark();
        continue;
      }
      this.parked = true;
      this.doorbell.parkThen(seen, this.park_ms, this.unpark);
      return;
    }
  };

  private readonly unpark = (): void => {
    this.doorbell.cancelPark();
    this.parked = false;
    this.pump();
  };
}
