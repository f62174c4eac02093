/**
 * The io thread's side of the rings. Requests become commands on the command ring; the
 * engine answers each with one reply on the reply ring; the io thread reads events only
 * up to what the journal has made durable, applies them to the order read model, and
 * releases a reply to its client only once every event the reply depends on
 * (reply.last_seq) is durable and applied. That ordering is the durability rule: no client
 * hears "accepted" or "filled" for an event a crash could take back.
 *
 * The io thread must never block, so it parks with Atomics.waitAsync on its doorbell;
 * the engine (replies) and the journal (durable progress) ring it when it is parked.
 * While there is work it drains, yields to the event loop once (so uWebSockets.js can
 * serve sockets), and drains again.
 */
import { CommandWriter } from '../../engine/protocol/command_writer.js';
import { decodeReply, ReplyRecord } from '../../engine/protocol/event_record.js';
import { EV_SEQ } from '../../engine/protocol/event_layout.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { SlotViews } from '../../engine/protocol/slot_views.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { RingConsumer, RingProducer, SharedRing } from '../../engine/ring/ring.js';
import { EventConsumer } from '../../engine/shared_memory.js';
import { OrderStore } from '../../services/read_model/order_store.js';
import { systemClock } from '../../engine/agent/clock.js';
import { ReplyPump } from './reply_pump.js';
import { REPLY_SPIN_US_MAX, ReplySpin } from './reply_spin.js';
import { StageTimer } from './stage_timer.js';

const PENDING_SLOTS = 1 << 16;
const TIMEOUT_SWEEP_MS = 100;
/** Longest the idle io thread waits on its doorbell before draining anyway (the pump). */
const PUMP_PARK_MS = 50;
/** Answers a request's reply; `context` is what the request was submitted with (undefined if none). */
export type ReplyHandler<C = any> = (reply: ReplyRecord, context: C) => void;
/** Writes a request's command with the request id it gets; false when the ring had no room. */
export type CommandWrite<C = any> = (writer: CommandWriter, request_id: number, context: C) => boolean;
export type EventListener = (views: SlotViews, base: number) => void;

export interface EngineLinkOptions {
  readonly commands: SharedArrayBuffer;
  readonly events: SharedArrayBuffer;
  readonly replies: SharedArrayBuffer;
  readonly io_doorbell: SharedArrayBuffer;
  readonly engine_doorbell: SharedArrayBuffer;
  readonly store: OrderStore;
  /** Above this many published-but-not-durable events, new requests are refused as busy. */
  readonly busy_journal_lag: number;
  readonly request_timeout_ms: number;
  /** False with durability none: events need not wait for the journal (default true). */
  readonly durable?: boolean;
  /** Stage timing of sampled requests (null: none traced). */
  readonly stage_timer?: StageTimer | null;
  /**
   * Longest wait for the engine's reply after a publish while idle, in µs (default
   * REPLY_SPIN_US_MAX with durability none, 0 otherwise: a durable answer waits for the
   * journal's fdatasync, far longer than a spin should last).
   */
  readonly reply_spin_us?: number;
}

/** Traced requests waiting for their command to be published, at most (more are not traced). */
const TRACED_UNPUBLISHED_MAX = 1024;

export type SubmitResult = 'ok' | 'busy';

export class EngineLink {
  readonly writer: CommandWriter;
  private readonly events: RingConsumer;
  private readonly replies: RingConsumer;
  private readonly event_ring: SharedRing;
  private readonly store: OrderStore;
  private readonly handlers: (ReplyHandler | undefined)[] = new Array(PENDING_SLOTS);
  /** Each pending request's context, handed back to its handler. */
  private readonly contexts: unknown[] = new Array(PENDING_SLOTS).fill(undefined);
  private readonly handler_ids = new Float64Array(PENDING_SLOTS);
  private readonly sent_at_ms = new Float64Array(PENDING_SLOTS);
  /** Replies whose events are not yet durable, in arrival order (last_seq never decreases). */
  private waiting: ReplyRecord[] = [];
  private waiting_head = 0;
  private readonly listeners: EventListener[] = [];
  private readonly drained_listeners: (() => void)[] = [];
  private next_request_id = 1;
  private publish_scheduled = false;
  private readonly publishCommands = (): void => {
    this.publish_scheduled = false;
    this.reply_pump.publish(this.publishNow);
  };
  private readonly publishNow = (): void => {
    // Stamped before the commands become visible, not after: publish also rings a parked
    // engine, which may take them and answer before this thread returns from the ring (a
    // wake-up that costs the ringer 7-10 µs here, and ms when it then waits for a core).
    // Stamped after, that time counted in io_queue and again in the engine's stages, whose
    // to_engine was negative and shown as 0: the stages no longer added up to the total.
    if (this.traced_unpublished > 0) this.stampPublished();
    this.writer.publish();
  };
  /** The bounded wait for replies after a publish from idle. */
  private readonly reply_spin: ReplySpin;
  /** Drains while there is work, parks on the io doorbell otherwise (reply_pump.ts). */
  private readonly reply_pump: ReplyPump;
  // Stage timing (see stage_timer.ts): per pending slot, when a traced request was written
  // at the edge (0: not traced) and when its command was published.
  readonly stage_timer: StageTimer | null;
  private readonly traced_edge_us = new Float64Array(PENDING_SLOTS);
  private readonly traced_published_us = new Float64Array(PENDING_SLOTS);
  private readonly traced_unpublished_slots = new Int32Array(TRACED_UNPUBLISHED_MAX);
  private traced_unpublished = 0;
  /** Traced replies delivered in this drain, recorded once their answers are written. */
  private readonly traced_delivered: ReplyRecord[] = [];
  private traced_seen_us = 0;
  private oldest_in_flight = 1;
  private running = false;
  /** Why the order path stopped for good (fail-stop), or null while it runs. */
  private failure_reason: string | null = null;
  private readonly fail_stop_listeners: ((reason: string) => void)[] = [];
  private sweep_timer: NodeJS.Timeout | undefined;
  private readonly options: EngineLinkOptions;
  /** Counters for metrics. */
  in_flight = 0;
  busy_refusals = 0;
  timeouts = 0;
  events_applied = 0;
  /** Event listeners that threw; the event still counts as delivered (see drainEvents). */
  listener_failures = 0;

  /** Spins that found the engine's reply, and spins that gave up (for tests and the benchmark notes). */
  get reply_spin_hits(): number {
    return this.reply_spin.hits;
  }
  get reply_spin_misses(): number {
    return this.reply_spin.misses;
  }

  constructor(options: EngineLinkOptions) {
    this.options = options;
    const engine_doorbell = new Doorbell(options.engine_doorbell);
    this.writer = new CommandWriter(new RingProducer(new SharedRing(options.commands), [engine_doorbell]));
    this.event_ring = new SharedRing(options.events);
    // Events are read behind the journal, so only durable ones are applied and answered; with
    // nothing to make durable (durability none) the journal only releases slots, and the
    // io thread reads right behind the engine, one thread hop fewer per answer.
    this.events = new RingConsumer(this.event_ring, EventConsumer.IO, [],
      options.durable === false ? undefined : EventConsumer.JOURNAL, engine_doorbell);
    this.replies = new RingConsumer(new SharedRing(options.replies), 0, [], undefined, engine_doorbell);
    this.store = options.store;
    this.stage_timer = options.stage_timer ?? null;
    this.reply_spin = new ReplySpin(options.reply_spin_us ?? (options.durable === false ? REPLY_SPIN_US_MAX : 0));
    this.reply_pump = new ReplyPump(new Doorbell(options.io_doorbell), this.replies, this.reply_spin, PUMP_PARK_MS,
      { drain: () => this.drainSafely(), hasWork: () => this.hasWork() });
  }

  /** Called for every durable event after the read model applied it (execution reports, metrics). */
  onEvent(listener: EventListener): void {
    this.listeners.push(listener);
  }

  /** Called once, with the reason, when the order path stops for good (see failStop). */
  onFailStop(listener: (reason: string) => void): void {
    this.fail_stop_listeners.push(listener);
  }

  /** Why the order path stopped (fail-stop), or null while it runs. */
  get failure(): string | null {
    return this.failure_reason;
  }

  /**
   * Fail-stop for the order path: the engine or journal died, or the read model could not
   * apply a durable event. From now on nothing is drained or sent: every request in flight
   * is answered NOT_READY at once rather than after request_timeout_ms, and so is every
   * new one (on the next event-loop turn, through its own reply handler, so every caller
   * answers it the way it answers any refusal). Listeners are told once; the process
   * wiring logs the reason and exits so that the supervisor restarts it.
   */
  failStop(reason: string): void {
    if (this.failure_reason !== null) return;
    this.failure_reason = reason;
    this.stop();
    for (let request_id = this.oldest_in_flight; request_id !== this.next_request_id; request_id = request_id >= 0xffffffff ? 1 : request_id + 1) {
      const index = request_id & (PENDING_SLOTS - 1);
      const handler = this.handlers[index];
      if (handler === undefined || this.handler_ids[index] !== request_id) continue;
      const context = this.takeContext(index);
      this.traced_edge_us[index] = 0;
      this.in_flight--;
      handler(refusal(request_id, RejectCode.NOT_READY), context);
    }
    this.oldest_in_flight = this.next_request_id;
    this.notifyDrained();
    for (const listener of this.fail_stop_listeners) listener(reason);
  }

  /** Called after every drain that did work: where batched output (WebSocket reports) is flushed. */
  onDrained(listener: () => void): void {
    this.drained_listeners.push(listener);
  }

  /**
   * Writes one command (via `write`, which gets the request id to put in it) and
   * registers `handler` for its reply. 'busy' means nothing was sent: the command ring is
   * full, the journal is too far behind, or too many requests are in flight.
   *
   * `context` is passed to both and kept until the reply: a caller on the hot path binds
   * `write` and `handler` once and carries each request's particulars in its context,
   * rather than allocating two closures per request (the io thread's garbage, bench/README.md
   * "Sixth pass").
   */
  submit<C>(write: CommandWrite<C>, handler: ReplyHandler<C>, context?: C): SubmitResult {
    if (this.failure_reason !== null) {
      setImmediate(() => {
        handler(refusal(0, RejectCode.NOT_READY), context as C);
        this.notifyDrained(); // the pump no longer runs: flush batched output (WebSocket rejects) here
      });
      return 'ok';
    }
    const request_id = this.next_request_id;
    const index = request_id & (PENDING_SLOTS - 1);
    if (this.handlers[index] !== undefined || this.journalLag() > this.options.busy_journal_lag) {
      this.busy_refusals++;
      return 'busy';
    }
    if (!write(this.writer, request_id, context as C)) {
      this.busy_refusals++;
      return 'busy';
    }
    // Publish once per event-loop turn: requests that arrived together reach the engine as
    // one batch, with at most one wake-up, instead of a publish and a syscall each.
    if (!this.publish_scheduled) {
      this.publish_scheduled = true;
      setImmediate(this.publishCommands);
    }
    this.next_request_id = request_id >= 0xffffffff ? 1 : request_id + 1;
    if (this.stage_timer !== null && this.traced_unpublished < TRACED_UNPUBLISHED_MAX && this.stage_timer.shouldTrace()) {
      this.writer.traceLast();
      this.traced_edge_us[index] = systemClock.nowUs();
      this.traced_unpublished_slots[this.traced_unpublished++] = index;
    }
    this.handlers[index] = handler;
    this.contexts[index] = context;
    this.handler_ids[index] = request_id;
    this.sent_at_ms[index] = Date.now();
    this.in_flight++;
    return 'ok';
  }

  /** Events published by the engine but not yet durable. */
  journalLag(): number {
    return (this.event_ring.producerPosition() - this.event_ring.consumerPosition(EventConsumer.JOURNAL)) | 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.sweep_timer = setInterval(() => this.sweepTimeouts(), TIMEOUT_SWEEP_MS);
    this.sweep_timer.unref();
    this.reply_pump.start();
  }

  stop(): void {
    this.running = false;
    if (this.sweep_timer !== undefined) clearInterval(this.sweep_timer);
    this.reply_pump.stop();
  }

  /**
   * Applies durable events and releases ready replies, in sequence order; returns the work
   * done. Also used at start-up.
   *
   * A reply that needs events up to last_seq goes out before any later event is applied
   * and reported: a resent order's status report (as of its last_seq) must not follow the
   * report of a cancel that came after it, or its session would see the order come back
   * to life after its final report.
   */
  drain(): number {
    const work = this.takeReplies() + this.drainEvents() + this.deliverReady();
    if (work > 0) this.notifyDrained();
    // Answers are written by now: HTTP ones in their handlers, WebSocket ones in the flush above.
    if (this.traced_delivered.length > 0) this.recordTraced();
    return work;
  }

  private notifyDrained(): void {
    for (const listener of this.drained_listeners) listener();
  }

  hasWork(): boolean {
    return this.events.available() > 0 || this.replies.available() > 0;
  }

  /** drain(), but a bug in it must not stop replies forever: it is reported and draining goes on. */
  private drainSafely(): number {
    try {
      return this.drain();
    } catch (error) {
      process.emitWarning(`engine link drain failed: ${(error as Error).stack ?? String(error)}`);
      return 0;
    }
  }

  /**
   * Applies durable events to the read model, then hands each to the listeners, and
   * releases them. Whatever happens, an event is applied and reported once, never again:
   * a listener that throws (a bug in reports or metrics) is counted and reported, and the
   * event still counts as delivered, since the read model already holds it. The read model
   * throwing is fatal for the order path: it is the source of every answer, so the OMS
   * stops taking orders loudly (failStop) rather than answer from a model that missed an
   * event. The events applied before it are released either way.
   */
  private drainEvents(): number {
    const available = this.events.available();
    if (available === 0) return 0;
    const ring = this.event_ring;
    const listeners = this.listeners;
    let applied = 0;
    try {
      for (; applied < available; applied++) {
        const base = this.events.slotAt(applied);
        if (this.waiting_head < this.waiting.length) this.deliverReady(ring.f64[(base + EV_SEQ) >> 3] - 1);
        this.store.apply(ring, base);
        for (let l = 0; l < listeners.length; l++) {
          try {
            listeners[l](ring, base);
          } catch (error) {
            this.listener_failures++;
            process.emitWarning(`engine link event listener failed: ${(error as Error).stack ?? String(error)}`);
          }
        }
      }
    } catch (error) {
      this.failStop(`the read model could not apply a durable event: ${(error as Error).message}`);
    } finally {
      this.events.release(applied);
      this.events_applied += applied;
    }
    return applied;
  }

  /** Moves the replies the engine published into `waiting`, in its order. */
  private takeReplies(): number {
    const available = this.replies.available();
    for (let i = 0; i < available; i++) this.waiting.push(decodeReply(this.replies.ring, this.replies.slotAt(i)));
    this.replies.release(available);
    return available;
  }

  /** Delivers waiting replies that need events up to `up_to_seq` at most (default: all applied). */
  private deliverReady(up_to_seq = this.store.last_seq): number {
    let work = 0;
    while (this.waiting_head < this.waiting.length && this.waiting[this.waiting_head].last_seq <= up_to_seq) {
      this.deliver(this.waiting[this.waiting_head++]);
      work++;
    }
    if (this.waiting_head > 1024 && this.waiting_head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waiting_head);
      this.waiting_head = 0;
    }
    return work;
  }

  private deliver(reply: ReplyRecord): void {
    const index = reply.request_id & (PENDING_SLOTS - 1);
    const handler = this.handlers[index];
    if (handler === undefined || this.handler_ids[index] !== reply.request_id) return; // timed out earlier
    const context = this.takeContext(index);
    this.in_flight--;
    if (this.traced_edge_us[index] !== 0) {
      if (this.traced_delivered.length === 0) this.traced_seen_us = systemClock.nowUs();
      this.traced_delivered.push(reply);
    }
    handler(reply, context);
  }

  /** Frees a pending slot (its handler and context) and returns the context. */
  private takeContext(index: number): unknown {
    const context = this.contexts[index];
    this.handlers[index] = undefined;
    this.contexts[index] = undefined;
    return context;
  }

  private stampPublished(): void {
    const now_us = systemClock.nowUs();
    for (let k = 0; k < this.traced_unpublished; k++) this.traced_published_us[this.traced_unpublished_slots[k]] = now_us;
    this.traced_unpublished = 0;
  }

  private recordTraced(): void {
    const answered_us = systemClock.nowUs();
    const timer = this.stage_timer!;
    for (const reply of this.traced_delivered) {
      const index = reply.request_id & (PENDING_SLOTS - 1);
      timer.record(this.traced_edge_us[index], this.traced_published_us[index], reply, this.traced_seen_us, answered_us);
      this.traced_edge_us[index] = 0;
    }
    this.traced_delivered.length = 0;
  }

  /** Answers requests the engine has not replied to in time (engine stalled or dead). */
  private sweepTimeouts(): void {
    const deadline = Date.now() - this.options.request_timeout_ms;
    while (this.oldest_in_flight !== this.next_request_id) {
      const index = this.oldest_in_flight & (PENDING_SLOTS - 1);
      const handler = this.handlers[index];
      if (handler !== undefined && this.handler_ids[index] === this.oldest_in_flight) {
        if (this.sent_at_ms[index] > deadline) break;
        const context = this.takeContext(index);
        this.traced_edge_us[index] = 0;
        this.in_flight--;
        this.timeouts++;
        handler(refusal(this.oldest_in_flight, RejectCode.TIMEOUT), context);
      }
      this.oldest_in_flight = this.oldest_in_flight >= 0xffffffff ? 1 : this.oldest_in_flight + 1;
    }
  }
}

/** The reply the link itself gives a request the engine did not answer. */
function refusal(request_id: number, code: number): ReplyRecord {
  return { request_id, command_type: 0, code, order_id: 0, last_seq: 0, flag: 0, risk_level: 0, warnings: 0, arg: 0, engine_in_us: 0, engine_out_us: 0, amount: 0 };
}
