/**
 * The soak's own record of what the journal holds, kept while the run goes on: it reads
 * the OMS's journal files (services/journal/journal_reader.ts) up to the durable sequence
 * the OMS reports, and notes for every sequence whether it is an order event (what the
 * sinks must deliver, each once) or not (a STATE_HASH marker, an admin event). Snapshots
 * retire old segments during the run, so the follower must stay close behind the head:
 * it is called every couple of seconds, and says so if a segment it still needed is gone.
 */
import { decodeEvent } from '../../engine/protocol/event_record.js';
import { JournalTail } from '../../services/journal/journal_reader.js';
import { isOrderEvent } from '../../services/sinks/order_event_json.js';

export const SEQ_UNREAD = 0;
export const SEQ_ORDER_EVENT = 1;
export const SEQ_OTHER_EVENT = 2;

export class JournalFollower {
  private readonly tail: JournalTail;
  /** Per sequence (index = seq): SEQ_UNREAD, SEQ_ORDER_EVENT or SEQ_OTHER_EVENT. */
  private kinds = new Uint8Array(1 << 16);
  /** The last sequence read. */
  read_to = 0;
  order_events = 0;
  /** Why reading stopped for good (a segment retired before it was read), or null. */
  failure: string | null = null;

  constructor(journal_dir: string) {
    this.tail = new JournalTail(journal_dir);
    this.tail.seek(1);
  }

  /** Reads every record up to `durable_seq` that it has not read yet. */
  follow(durable_seq: number): void {
    if (this.failure !== null || durable_seq <= this.read_to) return;
    this.grow(durable_seq);
    try {
      while (this.read_to < durable_seq) {
        const read = this.tail.read(durable_seq, 8192, (views, base) => {
          const event = decodeEvent(views, base);
          const order = isOrderEvent(event.type);
          this.kinds[event.seq] = order ? SEQ_ORDER_EVENT : SEQ_OTHER_EVENT;
          if (order) this.order_events++;
          this.read_to = event.seq;
        });
        if (read === 0) break;
      }
    } catch (error) {
      this.failure = `the journal could not be followed past sequence ${this.read_to}: ${(error as Error).message}`;
    }
  }

  kindOf(seq: number): number {
    return seq < this.kinds.length ? this.kinds[seq] : SEQ_UNREAD;
  }

  close(): void {
    this.tail.close();
  }

  private grow(seq: number): void {
    if (seq < this.kinds.length) return;
    let length = this.kinds.length;
    while (length <= seq) length *= 2;
    const grown = new Uint8Array(length);
    grown.set(this.kinds);
    this.kinds = grown;
  }
}
