/**
 * The durable echo's io side, in the shape of io/engine_link/engine_link.ts: each request
 * claims event slots on the journal's ring and writes a gap-free sequence number (EV_SEQ)
 * into each; everything claimed in one event-loop turn is published together (one
 * publish, at most one wake-up of the journal); and the request's answer is held until
 * the journal says its last sequence is durable. That is the OMS's durability rule with
 * no order logic around it: no client hears back before its records are on disk.
 *
 * The main thread must never block, so it parks with Atomics.waitAsync on its doorbell,
 * which the journal rings when it releases slots. While answers come due it answers
 * them, yields to the event loop once (so uWebSockets.js can serve sockets), and looks
 * again.
 */
import { EV_SEQ, EVENT_SLOT_BYTES } from '../../engine/protocol/event_layout.js';
import { durableSeq } from '../../engine/reference/journal_progress.js';
import { RingProducer } from '../../engine/ring/ring.js';
import { EchoJournal } from './echo_journal.js';
import { HeldQueue } from './held_queue.js';

/** Longest park without a ring: a missed wake-up (there should be none) costs at most this. */
const PARK_TIMEOUT_MS = 50;

interface HeldAnswer {
  /** The request's last sequence: it may be answered once this is durable. */
  readonly seq: number;
  readonly answer: () => void;
}

export class DurableAnswers {
  private readonly producer: RingProducer;
  private next_seq = 1;
  /** Answers waiting for durability, in sequence order (sequences only grow). */
  private readonly held = new HeldQueue<HeldAnswer>();
  private publish_scheduled = false;
  private running = false;
  private readonly publishEvents = (): void => {
    this.publish_scheduled = false;
    this.producer.publish();
  };

  constructor(private readonly journal: EchoJournal) {
    this.producer = new RingProducer(journal.events, [journal.journal_doorbell]);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.pump();
  }

  /** Stops answering; whatever is claimed is published so the journal can finish it. */
  stop(): void {
    this.running = false;
    this.producer.publish();
    this.journal.echo_doorbell.cancelPark();
  }

  /**
   * Journals `records` events for one request and calls `answer` once they are durable.
   * False, and nothing claimed, when the ring has no room for them (the journal is that
   * far behind): the caller answers busy, as the OMS does.
   */
  hold(records: number, answer: () => void): boolean {
    const producer = this.producer;
    if (!producer.hasCapacity(records)) return false;
    const f64 = producer.ring.f64;
    for (let k = 0; k < records; k++) {
      const slot = producer.claim();
      // The journal copies the whole slot: clear what the slot's last lap left, as the
      // engine writes every field of an event it publishes.
      f64.fill(0, slot >> 3, (slot + EVENT_SLOT_BYTES) >> 3);
      f64[(slot + EV_SEQ) >> 3] = this.next_seq++;
    }
    this.held.push({ seq: this.next_seq - 1, answer });
    // Publish once per event-loop turn: requests that arrived together reach the journal
    // as one batch, with at most one wake-up, instead of a publish and a syscall each.
    if (!this.publish_scheduled) {
      this.publish_scheduled = true;
      setImmediate(this.publishEvents);
    }
    return true;
  }

  private async pump(): Promise<void> {
    const doorbell = this.journal.echo_doorbell;
    while (this.running) {
      let answered = 0;
      try {
        answered = this.answerDurable();
      } catch (error) {
        // One broken answer must not stop every later one: report it and go on.
        process.emitWarning(`durable echo answer failed: ${(error as Error).stack ?? String(error)}`);
      }
      if (answered > 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const seen = doorbell.prepareToPark();
      if (this.hasDueAnswer()) {
        doorbell.cancelPark();
        continue;
      }
      await doorbell.parkAsync(seen, PARK_TIMEOUT_MS);
    }
  }

  private hasDueAnswer(): boolean {
    const next = this.held.peek();
    return next !== undefined && next.seq <= durableSeq(this.journal.progress);
  }

  /** Answers every held request whose last sequence is durable now; returns how many. */
  private answerDurable(): number {
    if (this.held.peek() === undefined) return 0;
    const durable = durableSeq(this.journal.progress);
    let answered = 0;
    for (let next = this.held.peek(); next !== undefined && next.seq <= durable; next = this.held.peek()) {
      this.held.drop();
      answered++;
      next.answer();
    }
    return answered;
  }
}
