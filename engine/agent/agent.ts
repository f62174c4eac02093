/**
 * Workers are agents (Agrona's shape): `doWork()` does a bounded amount of work and
 * returns how much it did; the runner hands that count to an idle strategy, which
 * spins briefly and then parks. Housekeeping belongs in the agent's slow tick, which
 * `doWork` runs when its deadline passes, never on every iteration.
 */
import { HasWork, SpinThenParkIdleStrategy } from '../ring/idle_strategy.js';

export interface Agent extends HasWork {
  readonly roleName: string;
  onStart(): void;
  /** Does a bounded amount of work; returns the number of items handled (0 = idle). */
  doWork(): number;
  /** Milliseconds until the agent next needs to run even without new work. */
  msUntilDeadline(): number;
  /** Called after the idle strategy actually parked: time passed, so deadlines may be due. */
  afterPark?(): void;
  onClose(): void;
}

/** Runs an agent on the current thread until `shouldStop()` is true. Blocks. */
export function runAgent(agent: Agent, idle: SpinThenParkIdleStrategy, shouldStop: () => boolean): void {
  agent.onStart();
  try {
    while (!shouldStop()) {
      const work = agent.doWork();
      if (idle.idle(work, agent)) agent.afterPark?.();
    }
  } finally {
    agent.onClose();
  }
}
