/**
 * Wakes an event-loop generator when its next order is due. setTimeout cannot wake
 * earlier than ~1 ms and often fires a little late; every bit of lateness would be
 * added to the measured latency of the orders waiting for it. So the pacer sleeps with
 * setTimeout only while the next order is more than SLEEP_MIN_MS away (waking one
 * TIMER_SLACK_MS early), and otherwise turns the loop with setImmediate, which still lets
 * socket I/O run between turns. At rates above ~500/s it therefore keeps one core busy:
 * the price of sub-millisecond send accuracy, reported as lateness in every result.
 */

const SLEEP_MIN_MS = 2;
const TIMER_SLACK_MS = 1;

export interface PacedLoop {
  /** Sends whatever is due at `now_ms`. */
  tick(now_ms: number): void;
  /** Intended time of the next order not yet sent (Infinity once everything is sent). */
  nextDueMs(): number;
}

/** Runs `loop` until it has nothing left to send (or `stop()` is called); resolves then. */
export function pace(loop: PacedLoop): { done: Promise<void>; stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let resolve_done!: () => void;
  const done = new Promise<void>((resolve) => { resolve_done = resolve; });
  const turn = (): void => {
    timer = null;
    if (stopped) return;
    loop.tick(performance.now());
    const next = loop.nextDueMs();
    if (next === Infinity) {
      resolve_done();
      return;
    }
    const wait_ms = next - performance.now();
    if (wait_ms > SLEEP_MIN_MS) timer = setTimeout(turn, Math.floor(wait_ms - TIMER_SLACK_MS));
    else setImmediate(turn);
  };
  setImmediate(turn);
  return {
    done,
    stop(): void {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      resolve_done();
    },
  };
}
