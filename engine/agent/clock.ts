/** Time source for agents: wall clock in microseconds, swappable in tests. */
export interface Clock {
  nowUs(): number;
}

export const systemClock: Clock = {
  nowUs: () => Math.floor((performance.timeOrigin + performance.now()) * 1000),
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
