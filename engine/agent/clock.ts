/** Time source for agents: wall clock in microseconds, swappable in tests. */
export interface Clock {
  nowUs(): number;
}

/**
 * The thread's time origin, read once: it never changes, and reading `performance.timeOrigin`
 * goes through a getter that returns a fresh heap number each time (the io thread's reply
 * spin read it about twenty times per order: a tenth of its garbage, bench/README.md "Sixth pass").
 */
const TIME_ORIGIN_MS = performance.timeOrigin;

export const systemClock: Clock = {
  nowUs: () => Math.floor((TIME_ORIGIN_MS + performance.now()) * 1000),
};

/** A clock tests move by hand; it counts how often it is read. */
export class ManualClock implements Clock {
  reads = 0;
  constructor(public now_us = Date.UTC(2026, 0, 5, 12) * 1000) {}
  nowUs(): number {
    this.reads++;
    return this.now_us;
  }
  advanceMs(ms: number): void {
    this.now_us += ms * 1000;
  }
}
