/**
 * The io thread's bounded wait for the engine's answer, right after it published commands
 * while idle (engine_link.ts spinForReplies; the benchmark's hop echo waits the same way).
 * At a few thousand orders per second each order would otherwise pay a second wake-up,
 * the io thread's, on top of the engine's.
 *
 * The spin adapts as the engine's does (engine/ring/idle_strategy.ts): one that found
 * nothing halves the next (down to a short probe), one that paid restores the full
 * budget, so under a load the engine cannot answer quickly the io thread stops spending
 * its core on spinning.
 */
import { systemClock } from '../../engine/agent/clock.js';
import { RingConsumer } from '../../engine/ring/ring.js';

/**
 * How long, at most, the io thread waits for the engine's answer itself: enough for a
 * parked engine to wake (16-24 µs on this machine) and answer, less than the io thread's
 * own wake-up through Atomics.waitAsync (26-32 µs, bench/floor/wake_latency.ts) plus the
 * event-loop turn after it.
 */
export const REPLY_SPIN_US_MAX = 50;
/** The shortest spin misses shrink it to: a probe that still finds an engine awake, so one hit can restore the full spin. */
const REPLY_SPIN_US_MIN = 4;
/** Reply-ring polls between two clock reads while spinning (a poll is ~10 ns). */
const POLLS_PER_CLOCK_READ = 256;

export class ReplySpin {
  /** How long the next spin may last, µs. */
  private budget_us: number;
  /** Spins that found the engine's reply, and spins that gave up (for tests and the benchmark notes). */
  hits = 0;
  misses = 0;

  /** @param max_us the longest spin, µs (0: never spin) */
  constructor(private readonly max_us: number) {
    if (!(max_us >= 0)) throw new Error('reply_spin_us must be >= 0');
    this.budget_us = max_us;
  }

  /** False when configured never to spin. */
  get enabled(): boolean {
    return this.max_us > 0;
  }

  /** Polls `replies` until it holds a reply or the budget is spent; true if a reply came. */
  spin(replies: RingConsumer): boolean {
    const until_us = systemClock.nowUs() + this.budget_us;
    let found = false;
    while (!found && systemClock.nowUs() < until_us) {
      for (let k = 0; k < POLLS_PER_CLOCK_READ; k++) {
        if (replies.available() > 0) {
          found = true;
          break;
        }
      }
    }
    if (found) {
      this.hits++;
      this.budget_us = this.max_us;
    } else {
      this.misses++;
      this.budget_us = Math.max(Math.min(REPLY_SPIN_US_MIN, this.max_us), this.budget_us / 2);
    }
    return found;
  }
}
