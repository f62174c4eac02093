/**
 * The hop echo's io side: the OMS's thread handoff with no order logic around it, for the
 * floor of durability none (bench/README.md, "Ninth pass"). Each request claims command
 * slots on the production command ring and the answer is held until the worker standing
 * where the engine stands (ring_echo_worker.ts: the engine's rings, doorbell and idle
 * strategy, an OK reply per command at once) has answered its last one. The io side is
 * io/engine_link/engine_link.ts's, with the same code where it can be:
 *
 *  - everything claimed in one event-loop turn is published together (one publish, at
 *    most one ring of the parked worker);
 *  - the OMS's ReplyPump (io/engine_link/reply_pump.ts): an idle io thread that just
 *    published waits a bounded, adaptive time for the replies itself (the OMS's default
 *    with durability none), marked awake so the worker does not ring it; otherwise it
 *    parks with Atomics.waitAsync on its doorbell, which the worker rings after it
 *    publishes replies.
 *
 * So an OMS order at durability none costs what this costs plus the engine's own work,
 * decoding, the read model and the answer's encoding.
 */
import { CMD_REQUEST_ID, CMD_TYPE } from '../../engine/protocol/command_layout.js';
import { CommandType } from '../../engine/protocol/enums.js';
import { RP_REQUEST_ID } from '../../engine/protocol/reply_layout.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { RingConsumer, RingProducer, SharedRing } from '../../engine/ring/ring.js';
import { ReplyPump } from '../../io/engine_link/reply_pump.js';
import { REPLY_SPIN_US_MAX, ReplySpin } from '../../io/engine_link/reply_spin.js';
import { EngineSideWorker, prepareEngineFixture } from '../scenarios/engine_fixture.js';
import { HeldQueue } from './held_queue.js';

/** The ring-echo worker: the engine's stand-in (also the engine scenario's baseline). */
export const RING_ECHO_WORKER = new URL('./ring_echo_worker.js', import.meta.url);
/** Longest park without a ring, as the OMS's io pump: a missed wake-up (there should be none) costs at most this. */
const PARK_TIMEOUT_MS = 50;

interface HeldAnswer {
  /** The request id of the request's last command: its reply releases the answer. */
  readonly last_request_id: number;
  readonly answer: () => void;
}

export class HopAnswers {
  private readonly commands: RingProducer;
  private readonly replies: RingConsumer;
  private readonly reply_pump: ReplyPump;
  /** Answers waiting for their replies, in request order (the worker answers in order). */
  private readonly held = new HeldQueue<HeldAnswer>();
  private next_request_id = 1;
  private publish_scheduled = false;

  private constructor(private readonly worker: EngineSideWorker, buffers: { commands: SharedArrayBuffer; replies: SharedArrayBuffer; engine_doorbell: SharedArrayBuffer; io_doorbell: SharedArrayBuffer }) {
    this.commands = new RingProducer(new SharedRing(buffers.commands), [new Doorbell(buffers.engine_doorbell)]);
    this.replies = new RingConsumer(new SharedRing(buffers.replies), 0);
    this.reply_pump = new ReplyPump(new Doorbell(buffers.io_doorbell), this.replies, new ReplySpin(REPLY_SPIN_US_MAX), PARK_TIMEOUT_MS,
      { drain: () => this.answerReplies(), hasWork: () => this.replies.available() > 0 });
  }

  /** Starts the worker on production-sized rings and begins answering. */
  static async start(): Promise<HopAnswers> {
    const fixture = prepareEngineFixture('hop');
    const worker = await EngineSideWorker.start(RING_ECHO_WORKER, { ...fixture.init, profile_gc: false }, fixture.buffers);
    const hop = new HopAnswers(worker, fixture.buffers);
    hop.reply_pump.start();
    return hop;
  }

  /** Replies the worker has published so far (the reply ring's producer position, which only the worker moves). */
  workerReplies(): number {
    return this.replies.ring.producerPosition();
  }

  /** The worker's Linux thread id (null: unknown), for CPU by thread. */
  workerTid(): number | null {
    return this.worker.osTid();
  }

  /** Called once if the worker fails or exits unasked: nothing would be answered any more. */
  onFailure(listener: (reason: string) => void): void {
    this.worker.onFailure(listener);
  }

  /** Stops answering and stops the worker. */
  async stop(): Promise<void> {
    this.reply_pump.stop();
    await this.worker.stop();
  }

  /**
   * Sends `commands` commands through the worker for one request and calls `answer` once
   * the last one's reply is back. False, and nothing claimed, when the command ring has no
   * room (the OMS answers busy then too).
   */
  hold(commands: number, answer: () => void): boolean {
    const producer = this.commands;
    if (!producer.hasCapacity(commands)) return false;
    const ring = producer.ring;
    let request_id = 0;
    for (let k = 0; k < commands; k++) {
      const slot = producer.claim();
      request_id = this.next_request_id;
      this.next_request_id = request_id >= 0xffffffff ? 1 : request_id + 1;
      ring.u32[(slot + CMD_REQUEST_ID) >> 2] = request_id;
      ring.u8[slot + CMD_TYPE] = CommandType.NEW_ORDER;
    }
    this.held.push({ last_request_id: request_id, answer });
    if (!this.publish_scheduled) {
      this.publish_scheduled = true;
      setImmediate(this.publishCommands);
    }
    return true;
  }

  private readonly publishCommands = (): void => {
    this.publish_scheduled = false;
    this.reply_pump.publish(this.publishNow);
  };

  private readonly publishNow = (): void => {
    this.commands.publish();
  };

  /** Takes every published reply and answers each request whose last reply came; returns the replies taken. */
  private answerReplies(): number {
    const available = this.replies.available();
    if (available === 0) return 0;
    const ring = this.replies.ring;
    for (let k = 0; k < available; k++) {
      const request_id = ring.u32[(this.replies.slotAt(k) + RP_REQUEST_ID) >> 2];
      const next = this.held.peek();
      if (next === undefined) throw new Error(`hop echo: reply ${request_id} with no request waiting`);
      if (request_id !== next.last_request_id) continue;
      this.held.drop();
      try {
        next.answer();
      } catch (error) {
        // One broken answer must not stop every later one: report it and go on.
        process.emitWarning(`hop echo answer failed: ${(error as Error).stack ?? String(error)}`);
      }
    }
    this.replies.release(available);
    return available;
  }
}
