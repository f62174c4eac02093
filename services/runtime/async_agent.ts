/**
 * Agents for workers that do network I/O (sinks, market data). They have the shape of
 * engine/agent/agent.ts (roleName, onStart, doWork, msUntilDeadline, onClose) but their
 * work is awaited, so they cannot block in Atomics.wait: an idle async agent parks with
 * Doorbell.parkAsync (Atomics.waitAsync) if it has a doorbell, else with a timer, and
 * either way can be woken early (the stop request from the main thread).
 */
import { Doorbell } from '../../engine/ring/doorbell.js';

export interface AsyncAgent {
  readonly roleName: string;
  onStart(): Promise<void>;
  /** Does a bounded amount of work; resolves to the number of items handled (0 = idle). */
  doWork(): Promise<number>;
  /** Milliseconds until the agent next needs to run even without new work. */
  msUntilDeadline(): number;
  /** Cheap check, after announcing a park, that no work arrived meanwhile. */
  hasWork(): boolean;
  onClose(): Promise<void>;
}

export class AsyncIdleStrategy {
  private wake_up: (() => void) | null = null;
  private woken = false;
  /** Times the agent actually waited. */
  park_count = 0;

  /**
   * @param doorbell parked on with Atomics.waitAsync when given (someone rings it on new work)
   * @param max_park_ms the longest wait, so the agent's deadline work still runs
   */
  constructor(private readonly doorbell: Doorbell | null, private readonly max_park_ms: number) {
    if (!(max_park_ms > 0)) throw new Error('max_park_ms must be > 0');
  }

  /** Ends the current (or next) wait at once. */
  wake(): void {
    this.woken = true;
    const wake_up = this.wake_up;
    this.wake_up = null;
    wake_up?.();
  }

  async idle(work_count: number, agent: AsyncAgent): Promise<void> {
    if (work_count > 0) return;
    if (this.woken) {
      this.woken = false;
      return;
    }
    const timeout_ms = Math.max(1, Math.min(this.max_park_ms, agent.msUntilDeadline()));
    const woken = new Promise<void>((resolve) => { this.wake_up = resolve; });
    this.park_count++;
    if (this.doorbell !== null) {
      const seen = this.doorbell.prepareToPark();
      if (agent.hasWork()) {
        this.doorbell.cancelPark();
      } else {
        await Promise.race([this.doorbell.parkAsync(seen, timeout_ms), woken]);
      }
    } else if (!agent.hasWork()) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((resolve) => { timer = setTimeout(resolve, timeout_ms); }), woken]);
      clearTimeout(timer);
    }
    this.wake_up = null;
    this.woken = false;
  }
}

/** Runs an async agent until `shouldStop()`; `onClose` runs even if `doWork` throws. */
export async function runAsyncAgent(agent: AsyncAgent, idle: AsyncIdleStrategy, shouldStop: () => boolean): Promise<void> {
  await agent.onStart();
  try {
    while (!shouldStop()) {
      const work = await agent.doWork();
      if (shouldStop()) break;
      await idle.idle(work, agent);
    }
  } finally {
    await agent.onClose();
  }
}

/** A plain timer wait. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
