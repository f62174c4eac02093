/**
 * Sends again, on a new session, what the tracker lists (PROTOCOL.md §16.3), with at most
 * RESEND_WINDOW of them unanswered at a time: the answers to a large resend come back as
 * fast as the server makes them, and a client that fell behind reading them would be
 * closed as a slow consumer (§12). A request made while a resend is under way waits
 * behind it, so requests leave in the order they were made.
 */
import type { OrderTracker, TrackedRequest } from './order_tracker.js';

const RESEND_WINDOW = 512;

export class ResendWindow {
  private queue: TrackedRequest[] = [];
  private next = 0;
  private outstanding = 0;

  constructor(private readonly tracker: OrderTracker, private readonly transmit: (request: TrackedRequest) => void) {
    tracker.onResentAnswered = () => {
      this.outstanding--;
      this.pump();
    };
  }

  /** A new session: send these again, oldest first. */
  start(requests: TrackedRequest[]): void {
    this.queue = requests;
    this.next = 0;
    this.outstanding = 0;
    this.pump();
  }

  /** The session ended: nothing more goes out on it (the tracker forgets what was resent). */
  stop(): void {
    this.queue = [];
    this.next = 0;
    this.outstanding = 0;
  }

  /** True while earlier requests are still waiting to be sent again. */
  get busy(): boolean {
    return this.next < this.queue.length;
  }

  /** A request made during the resend: it goes out after the ones before it. */
  enqueue(request: TrackedRequest): void {
    this.queue.push(request);
    this.pump();
  }

  private pump(): void {
    while (this.next < this.queue.length && this.outstanding < RESEND_WINDOW) {
      const request = this.queue[this.next++];
      // Answered meanwhile (a report of the account's stream, or the client closed).
      if (!this.tracker.isPending(request)) continue;
      request.resent = true;
      this.outstanding++;
      this.transmit(request);
    }
    if (!this.busy) this.clearQueue();
  }

  private clearQueue(): void {
    this.queue = [];
    this.next = 0;
  }
}
