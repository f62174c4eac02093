/**
 * The engine load generator, run on a thread of its own (engine_load_worker.ts). It plays
 * the io thread's part: it writes commands into the command ring at their scheduled
 * times (everything due is written as one batch and published once), reads the reply
 * ring, and releases the event ring for every consumer position (journal, io, PnL), since
 * no journal or PnL worker runs in this benchmark.
 *
 * Latency is taken when the generator sees an order's reply, which the engine publishes
 * right after the order's events: open loop from the order's intended time, closed loop
 * from when it was written. When it has nothing to do, the generator parks on its own
 * doorbell (the one the engine rings after publishing replies, as it would ring the io
 * thread's), with a timeout that ends at the next order's intended time.
 */
import { EV_TYPE } from '../../engine/protocol/event_layout.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { RP_CODE, RP_REQUEST_ID } from '../../engine/protocol/reply_layout.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { RingConsumer, RingProducer, SharedRing } from '../../engine/ring/ring.js';
import { GcProfile } from '../harness/gc_profile.js';
import { encodeHistogram, newLatencyHistogram, recordLatencyUs } from '../harness/latency_histogram.js';
import { LoadResult } from '../harness/load_result.js';
import { OpenLoopSchedule } from '../harness/open_loop_schedule.js';
import { LoadMode } from '../harness/run_spec.js';
import { EngineOrderPlan, EngineOrderStream } from './engine_order_stream.js';
import { GeneratorProgress } from './generator_process.js';

export interface EngineLoadConfig {
  readonly commands: SharedArrayBuffer;
  readonly events: SharedArrayBuffer;
  readonly replies: SharedArrayBuffer;
  /** Rung (if parked) after every batch of commands. */
  readonly engine_doorbell: SharedArrayBuffer;
  /** The generator parks on this one; the engine rings it after publishing replies. */
  readonly own_doorbell: SharedArrayBuffer;
  readonly plan: EngineOrderPlan;
  readonly mode: LoadMode;
  readonly rate_per_s: number;
  readonly window: number;
  readonly warmup_s: number;
  readonly duration_s: number;
  readonly drain_timeout_ms: number;
  readonly progress_interval_ms: number;
  /** Common start as epoch ms (performance.timeOrigin + performance.now() of the parent). */
  readonly start_at_epoch_ms: number;
}

/** Stamps of closed-loop orders in flight, by index; larger than any window the command ring allows. */
const STAMP_RING = 1 << 16;
/** Keep polling for a reply this long before parking: the engine answers within µs when healthy. */
const REPLY_SPIN_MS = 1;
/** Wake (or keep spinning) this long before the next order is due, to send it on time. */
const DUE_SPIN_MS = 0.3;
/** Reply-ring polls between two clock reads while spinning (a few µs: each clock read allocates in Node 20). */
const SPIN_POLLS = 1024;
/** Longest single park, so progress and deadlines are still checked when nothing happens. */
const MAX_PARK_MS = 20;

export function runEngineLoad(config: EngineLoadConfig, on_progress: (p: GeneratorProgress) => void): LoadResult {
  const c = config;
  if (c.mode === 'closed' && !(c.window >= 1 && c.window < STAMP_RING)) throw new Error(`window must be 1..${STAMP_RING - 1}`);
  const gc = new GcProfile().start();
  const command_ring = new SharedRing(c.commands);
  const producer = new RingProducer(command_ring, [new Doorbell(c.engine_doorbell)]);
  if (c.mode === 'closed' && c.window > command_ring.capacity) throw new Error(`window ${c.window} exceeds the command ring (${command_ring.capacity})`);
  const orders = new EngineOrderStream(producer, c.plan);
  const reply_ring = new SharedRing(c.replies);
  const replies = new RingConsumer(reply_ring, 0);
  const event_ring = new SharedRing(c.events);
  const event_readers: RingConsumer[] = [];
  for (let k = 0; k < event_ring.consumer_count; k++) event_readers.push(new RingConsumer(event_ring, k));
  const doorbell = new Doorbell(c.own_doorbell);
  const time_origin_ms = performance.timeOrigin;

  const latency = newLatencyHistogram();
  const lateness = newLatencyHistogram();
  const outcomes: Record<string, number> = {};
  const events_by_type = new Float64Array(256);
  const stamps = new Float64Array(STAMP_RING);

  // Never start in the past: if this thread came up late (a loaded machine), the run starts
  // now rather than opening with a burst of overdue orders that are the generator's fault.
  const start_ms = Math.max(c.start_at_epoch_ms - performance.timeOrigin, performance.now());
  const schedule = c.mode === 'open' ? OpenLoopSchedule.forRun(c.rate_per_s, start_ms, c.warmup_s, c.duration_s) : null;
  const measure_start_ms = schedule !== null ? schedule.measured_start_ms : start_ms + c.warmup_s * 1000;
  const measure_end_ms = schedule !== null ? schedule.end_ms : measure_start_ms + c.duration_s * 1000;
  const deadline_ms = measure_end_ms + c.drain_timeout_ms;

  let next = 0; // next order index to write
  let answered = 0;
  let sent = 0;
  let completed = 0;
  let errors = 0;
  let errors_total = 0;
  let ring_full_waits = 0;
  let last_answer_ms = 0;
  let last_send_ms = 0;
  let next_progress_ms = performance.now() + c.progress_interval_ms;
  let idle_since_ms = -1;

  // Sleep until the common start (Atomics.wait is allowed on a worker and needs no event loop).
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let wait = start_ms - performance.now(); wait > 0; wait = start_ms - performance.now()) Atomics.wait(sleeper, 0, 0, wait);

  for (;;) {
    let now = performance.now();
    let work = 0;

    // 1. Write what is due (open loop) or what the window allows (closed loop), one publish per batch.
    const sending = schedule !== null ? next < schedule.total : now < measure_end_ms;
    if (sending) {
      const target = schedule !== null ? schedule.dueBy(now) : answered + c.window;
      const first = next;
      // The generator has just read the clock: stamp the batch with it rather than let the
      // writer read it again (a clock read allocates in Node 20; a field write does not).
      if (next < target) orders.writer.batch_us = (time_origin_ms + now) * 1000;
      while (next < target && orders.write(next)) {
        if (schedule !== null) {
          if (schedule.isMeasured(next)) {
            sent++;
            recordLatencyUs(lateness, (now - schedule.intendedMs(next)) * 1000);
            last_send_ms = now;
          }
        } else {
          stamps[next & (STAMP_RING - 1)] = now;
          if (now >= measure_start_ms) sent++;
        }
        next++;
      }
      if (next < target) ring_full_waits++;
      if (next > first) {
        orders.publish();
        work += next - first;
      }
    }

    // 2. Read replies; one clock read per batch.
    const available = replies.available();
    if (available > 0) {
      now = performance.now();
      const rp = reply_ring;
      for (let k = 0; k < available; k++) {
        const slot = replies.slotAt(k);
        const index = rp.u32[(slot + RP_REQUEST_ID) >> 2] - 1;
        const code = rp.u16[(slot + RP_CODE) >> 1];
        const measured = schedule !== null ? schedule.isMeasured(index) : now >= measure_start_ms && now < measure_end_ms;
        if (!measured) {
          if (code !== RejectCode.OK) errors_total++;
          continue;
        }
        last_answer_ms = now;
        if (code === RejectCode.OK) {
          completed++;
          const from_ms = schedule !== null ? schedule.intendedMs(index) : stamps[index & (STAMP_RING - 1)];
          recordLatencyUs(latency, (now - from_ms) * 1000);
        } else {
          errors++;
          errors_total++;
          const key = `reject:${rejectName(code)}`;
          outcomes[key] = (outcomes[key] ?? 0) + 1;
        }
      }
      replies.release(available);
      answered += available;
      work += available;
    }

    // 3. Release the events for every consumer position (no journal/PnL runs here), counting them by type.
    const events = event_readers[0].available();
    if (events > 0) {
      for (let k = 0; k < events; k++) events_by_type[event_ring.u8[event_readers[0].slotAt(k) + EV_TYPE]]++;
      for (const reader of event_readers) reader.release(events);
    }

    // 4. Done, progress, idle.
    const all_sent = schedule !== null ? next >= schedule.total : now >= measure_end_ms;
    if (all_sent && answered >= next) break;
    if (now > deadline_ms) break;
    if (c.progress_interval_ms > 0 && now >= next_progress_ms) {
      next_progress_ms = now + c.progress_interval_ms;
      on_progress({ sent: next, answered, errors: errors_total, in_flight: next - answered });
    }
    if (work > 0) {
      idle_since_ms = -1;
      continue;
    }
    // 5. Idle. Stay awake while a reply is expected soon or the next order is close: a park
    // costs a futex wake-up (tens of µs, more in a VM) that would be added to the latency
    // measured. Otherwise park on the doorbell until the next order is due.
    if (idle_since_ms < 0) idle_since_ms = now;
    const next_due_ms = schedule !== null && next < schedule.total ? schedule.intendedMs(next) : Infinity;
    const awaiting_reply = next > answered && now - idle_since_ms < REPLY_SPIN_MS;
    const wait_ms = Math.min(next_due_ms - now - DUE_SPIN_MS, MAX_PARK_MS, deadline_ms - now);
    if (awaiting_reply || wait_ms <= 0) {
      // performance.now() allocates a heap number per call (Node 20), so spin on the reply
      // ring (an atomic load, no allocation) and read the clock only every SPIN_POLLS polls.
      for (let k = 0; k < SPIN_POLLS && replies.available() === 0; k++) { /* spin */ }
      continue;
    }
    // Announce the park, re-check for replies, then wait (see engine/ring/doorbell.ts for why no wake-up is lost).
    const seen = doorbell.prepareToPark();
    if (replies.available() > 0) {
      doorbell.cancelPark();
      continue;
    }
    doorbell.park(seen, wait_ms);
  }

  const timeouts = countMeasuredInFlight(schedule, next, answered);
  if (timeouts > 0) {
    errors += timeouts;
    outcomes.timeout = timeouts;
  }
  if (completed > 0) outcomes.ok = completed;
  const by_type: Record<string, number> = {};
  for (let t = 0; t < events_by_type.length; t++) if (events_by_type[t] > 0) by_type[String(t)] = events_by_type[t];
  return {
    sent,
    completed,
    errors,
    timeouts,
    outcomes,
    latency_hist: encodeHistogram(latency),
    lateness_hist: encodeHistogram(lateness),
    window_ms: schedule !== null ? Math.max(last_answer_ms - measure_start_ms, 1) : measure_end_ms - measure_start_ms,
    send_window_ms: schedule !== null ? Math.max(last_send_ms - measure_start_ms + schedule.interval_ms, 1) : measure_end_ms - measure_start_ms,
    generator_gc: gc.stop(),
    extra: { events_by_type: by_type, command_ring_full_waits: ring_full_waits },
  };
}

/** Orders written but never answered by the deadline, counting only measured ones (open loop: by index). */
function countMeasuredInFlight(schedule: OpenLoopSchedule | null, next: number, answered: number): number {
  const in_flight = next - answered;
  if (in_flight <= 0) return 0;
  if (schedule === null) return in_flight;
  // Replies come in command order, so the unanswered orders are the last `in_flight` written.
  let measured = 0;
  for (let i = answered; i < next; i++) if (schedule.isMeasured(i)) measured++;
  return measured;
}

const REJECT_NAMES = new Map<number, string>(Object.entries(RejectCode).map(([name, code]) => [code, name]));

function rejectName(code: number): string {
  return REJECT_NAMES.get(code) ?? String(code);
}
