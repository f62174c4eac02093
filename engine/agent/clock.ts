/** Time source for agents: wall clock in microseconds, swappable in tests. */
export interface Clock {
  nowUs(): number;
}

export const systemClock: Clock = {
  nowUs: () => Math.floor((performance.timeOrigin + performance.now()) * 1000),
};

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(public now_us = Date.UTC(2026, 0, 5, 12) * 1000) {}
  nowUs(): number {
    return this.now_us;
  }
  advanceMs(ms: number): void {
    this.now_us += ms * 1000;
  }
}
