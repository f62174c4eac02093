/**
 * Spin a bounded number of empty iterations, then park on the agent's doorbell.
 *
 * On a two-core machine a thread that spins takes the core the io thread and the next
 * stage need, so the spin adapts to the traffic (no clock needed, so no garbage):
 *
 * - a spin that ends in a park did not pay (the next message came later than the spin
 *   lasted): the next spin is half as long, down to none;
 * - a spin that found work paid: the full budget is restored;
 * - a wake-up that finds a burst (at least `burst_work` items from the first doWork)
 *   means messages arrive faster than a park and wake-up take: the full budget is
 *   restored, so that a busy stream is caught by spinning again. Only a wake-up by the
 *   doorbell counts: a park that timed out (an owner that polls, like the journal with
 *   durability none) finds the backlog of its whole period, which says nothing about the
 *   gaps between messages; counted as a burst, it made every 1 ms poll spin its full
 *   budget (the journal's CPU per order at 5,000/s, bench/README.md).
 *
 * At a steady few thousand orders per second (gaps of hundreds of µs) the owners park at
 * once instead of burning tens of µs per message on a core another thread is waiting
 * for; at 100k/s they keep spinning between messages (bench/README.md has the figures).
 * The park has a timeout so the agent still runs its slow tick (heartbeats, expiry) when
 * idle.
 *
 * An owner that polls rather than being rung on every message (the journal with
 * durability none, the PnL worker: a wake-up per message would cost both sides tens of µs
 * on two cores) passes `naps`: its parks are then unannounced naps of `nap_ms`, which no
 * producer rings, until `naps_before_sleep` naps in a row found nothing. Then it parks
 * announced, for up to `park_timeout_ms`, and its producer rings it (ringIfParked) when
 * the next message comes. Under load it polls as before; idle, it wakes for its slow tick
 * only instead of every nap (bench/README.md, "Fifth pass": the journal with durability
 * none woke ~960 times a second and PnL ~220 on an idle OMS).
 */
import { Doorbell } from './doorbell.js';

export interface HasWork {
  /** Cheap check, called after announcing the park, that no work arrived meanwhile. */
  hasWork(): boolean;
  /** Longest the owner may park, in ms (its next deadline). Asked only when about to park. */
  msUntilDeadline?(): number;
}

/** Polling between announced parks (see above). */
export interface NapPolicy {
  /** Longest unannounced nap, in ms: the poll period while messages come. */
  readonly nap_ms: number;
  /** Naps in a row that found nothing before the owner parks announced (and is rung). */
  readonly naps_before_sleep: number;
}

export class SpinThenParkIdleStrategy {
  private empty_iterations = 0;
  /** Empty iterations allowed before the next park: between 0 and spin_limit (see above). */
  private spin_budget: number;
  private woke_from_park = false;
  /** Naps in a row since the owner last found work. */
  private empty_naps = 0;
  /** Times the owner actually blocked in Atomics.wait, announced (rung by its producers). */
  park_count = 0;
  /** Times it blocked in an unannounced nap. */
  nap_count = 0;

  /**
   * @param spin_limit the most empty iterations before a park
   * @param burst_work work returned by the first doWork after a wake-up that counts as a burst
   * @param naps poll in unannounced naps between announced parks (see above); absent: every park is announced
   */
  constructor(
    private readonly doorbell: Doorbell,
    private readonly spin_limit: number,
    private readonly park_timeout_ms: number,
    private readonly burst_work = 2,
    private readonly naps?: NapPolicy,
  ) {
    if (!(spin_limit >= 0)) throw new Error('spin_limit must be >= 0');
    if (!(park_timeout_ms > 0)) throw new Error('park_timeout_ms must be > 0');
    if (!(burst_work >= 1)) throw new Error('burst_work must be >= 1');
    if (naps !== undefined && !(naps.nap_ms > 0 && naps.naps_before_sleep >= 0)) throw new Error('naps need nap_ms > 0 and naps_before_sleep >= 0');
    this.spin_budget = spin_limit;
  }

  /** Empty iterations the next spin may take (for tests and metrics). */
  get budget(): number {
    return this.spin_budget;
  }

  /**
   * Called by the agent runner after every `doWork` with the work it did. Returns true if
   * it parked. The agent's deadline is asked for only on the way to a park: reading a
   * clock allocates in Node 20, and an idle spin must not make garbage.
   */
  idle(work_count: number, agent: HasWork): boolean {
    const woke_from_park = this.woke_from_park;
    this.woke_from_park = false;
    if (work_count > 0) {
      if (this.empty_iterations > 0 || (woke_from_park && work_count >= this.burst_work)) this.spin_budget = this.spin_limit;
      this.empty_iterations = 0;
      this.empty_naps = 0;
      return false;
    }
    if (this.empty_iterations < this.spin_budget) {
      this.empty_iterations++;
      return false;
    }
    const naps = this.naps;
    if (naps !== undefined && this.empty_naps < naps.naps_before_sleep) {
      // A nap's backlog is a period's worth, not a burst (woke_from_park stays false).
      this.nap_count++;
      this.empty_naps++;
      this.spin_budget >>= 1;
      this.empty_iterations = 0;
      this.doorbell.nap(Math.min(this.deadlineMs(agent), naps.nap_ms));
      return true;
    }
    const seen = this.doorbell.prepareToPark();
    if (agent.hasWork()) {
      this.doorbell.cancelPark();
      this.empty_iterations = 0;
      return false;
    }
    this.park_count++;
    this.spin_budget >>= 1;
    const rung = this.doorbell.park(seen, Math.min(this.deadlineMs(agent), this.park_timeout_ms));
    this.empty_iterations = 0;
    this.woke_from_park = rung;
    return true;
  }

  private deadlineMs(agent: HasWork): number {
    return agent.msUntilDeadline === undefined ? this.park_timeout_ms : Math.max(1, agent.msUntilDeadline());
  }
}
