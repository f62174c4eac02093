/**
 * FIFO of timestamps (ms, f64) for the requests in flight on one pipelined connection:
 * HTTP/1.1 answers in request order, so the head of the queue always belongs to the next
 * response. Grows by doubling (an open-loop generator keeps sending while the server
 * stalls, so the in-flight count is not bounded by a window); never shrinks.
 */
export class StampQueue {
  private stamps: Float64Array;
  private head = 0;
  private count = 0;

  constructor(initial_capacity = 1024) {
    this.stamps = new Float64Array(initial_capacity);
  }

  get length(): number {
    return this.count;
  }

  push(stamp_ms: number): void {
    if (this.count === this.stamps.length) this.grow();
    this.stamps[(this.head + this.count) % this.stamps.length] = stamp_ms;
    this.count++;
  }

  /** The k-th oldest entry, without removing it. */
  peek(k: number): number {
    if (k < 0 || k >= this.count) throw new RangeError('peek past the end of the queue');
    return this.stamps[(this.head + k) % this.stamps.length];
  }

  shift(): number {
    if (this.count === 0) throw new Error('answer with no request in flight');
    const stamp = this.stamps[this.head];
    this.head = (this.head + 1) % this.stamps.length;
    this.count--;
    return stamp;
  }

  private grow(): void {
    const bigger = new Float64Array(this.stamps.length * 2);
    for (let k = 0; k < this.count; k++) bigger[k] = this.stamps[(this.head + k) % this.stamps.length];
    this.stamps = bigger;
    this.head = 0;
  }
}
