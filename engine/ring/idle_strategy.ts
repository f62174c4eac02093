/**
 * Spin a bounded number of empty iterations, then park on the agent's doorbell.
 *
 * On a two-core machine a thread that spins forever takes the core the io thread
 * needs, so the spin is kept short: long enough to catch the next message of a burst
 * without a syscall, short enough that an idle engine costs next to nothing. The park
 * has a timeout so the agent still runs its slow tick (heartbeats, expiry) when idle.
 */
import { Doorbell } from './doorbell.js';

export interface HasWork {
  /** Cheap check, called after announcing the park, that no work arrived meanwhile. */
  hasWork(): boolean;
  /** Longest the owner may park, in ms (its next deadline). Asked only when about to park. */
  msUntilDeadline?(): number;
}

export class SpinThenParkIdleStrategy {
  private empty_iterations = 0;
  /** Times the owner actually blocked in Atomics.wait. */
  park_count = 0;

  constructor(
    private readonly doorbell: Doorbell,
    private readonly spin_limit: number,
    private readonly park_timeout_ms: number,
  ) {
    if (!(spin_limit >= 0)) throw new Error('spin_limit must be >= 0');
    if (!(park_timeout_ms > 0)) throw new Error('park_timeout_ms must be > 0');
  }

  /**
   * Called by the agent runner after every `doWork` with the work it did. Returns true if
   * it parked. The agent's deadline is asked for only on the way to a park: reading a
   * clock allocates in Node 20, and an idle spin must not make garbage.
   */
  idle(work_count: number, agent: HasWork): boolean {
    if (work_count > 0) {
      this.empty_iterations = 0;
      return false;
    }
    if (this.empty_iterations < this.spin_limit) {
      this.empty_iterations++;
      return false;
    }
    const seen = this.doorbell.prepareToPark();
    if (agent.hasWork()) {
      this.doorbell.cancelPark();
      this.empty_iterations = 0;
      return false;
    }
    this.park_count++;
    const deadline_ms = agent.msUntilDeadline === undefined ? this.park_timeout_ms : Math.max(1, agent.msUntilDeadline());
    this.doorbell.park(seen, Math.min(deadline_ms, this.park_timeout_ms));
    this.empty_iterations = 0;
    return true;
  }
}
