/**
 * The engine on its own worker thread, wired the way the OMS process wires it: buffers
 * from allocateOmsBuffers, commands through CommandWriter, replies and events read from
 * their rings, stopped through the health block and the engine's doorbell.
 */
import t from 'tap';
import { Worker } from 'node:worker_threads';
import { DEFAULT_ENGINE_CONFIG, EngineConfig } from '../../../engine/config/engine_config.js';
import { engineInitFor } from '../../../engine/engine_factory.js';
import { CommandWriter, OrderTerms } from '../../../engine/protocol/command_writer.js';
import { EventType, OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { decodeEvent, decodeReply, EventRecord, ReplyRecord } from '../../../engine/protocol/event_record.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { AccountTable } from '../../../engine/reference/accounts.js';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import { MARK_FIELD_COUNT, MarkField } from '../../../engine/reference/mark_table.js';
import { buildRiskLimits, RiskLimits } from '../../../engine/reference/risk_limits.js';
import { SeqlockTable } from '../../../engine/reference/seqlock_table.js';
import { Doorbell } from '../../../engine/ring/doorbell.js';
import { RingConsumer, RingProducer, SharedRing } from '../../../engine/ring/ring.js';
import { allocateOmsBuffers, EventConsumer } from '../../../engine/shared_memory.js';
import { EngineState } from '../../../engine/state/engine_state.js';
import { stateHash } from '../../../engine/state/state_hash.js';
import { EngineCounter } from '../../../engine/telemetry/engine_counters.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import { TEST_ACCOUNTS } from '../../support/engine_harness.js';

const ENGINE_WORKER_URL = new URL('../../../io/process/engine_worker.js', import.meta.url);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, predicate: () => boolean, timeout_ms = 10_000): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

t.test('the engine worker takes orders through the rings, answers each once, and stops cleanly', async (t) => {
  const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
  const accounts = new AccountTable(TEST_ACCOUNTS, instruments);
  // With the OMS's start-up warm-up (engine/warm_up.ts): every check below (events from seq
  // 1, one answer per order, the command count, the replayed state hash) also shows that
  // the throwaway engine left the real one untouched.
  const config: EngineConfig = {
    ...DEFAULT_ENGINE_CONFIG, max_open_orders: 1024, dedupe_window: 4096,
    command_ring_capacity: 64, event_ring_capacity: 256, reply_ring_capacity: 64, spin_limit: 1000, park_timeout_ms: 50,
    warmup_orders: 2000,
  };
  const buffers = allocateOmsBuffers(config, accounts.count, instruments.count);
  buildRiskLimits(new RiskLimits(buffers.limits[0]), instruments, accounts, 1);
  const marks = new SeqlockTable(buffers.marks);
  const tick = new Float64Array(MARK_FIELD_COUNT);
  tick[MarkField.BID_TICKS] = 4_499_900;
  tick[MarkField.ASK_TICKS] = 4_500_100;
  tick[MarkField.LAST_TICKS] = 4_500_000;
  tick[MarkField.BID_SIZE_LOTS] = 1_000_000;
  tick[MarkField.ASK_SIZE_LOTS] = 1_000_000;
  marks.write(instruments.indexOf('BTCUSDT'), tick);

  const init = engineInitFor(buffers, {
    config,
    accounts: accounts.count,
    notional_scale: instruments.instruments.map((i) => i.notional_scale),
    active_limits_bank: 0,
  });
  const health = new WorkerHealthBlock(buffers.health);
  const worker = new Worker(ENGINE_WORKER_URL, { workerData: init });
  const errors: Error[] = [];
  worker.on('error', (error) => errors.push(error));
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  await until('the engine to run', () => health.state(WorkerId.ENGINE) === WorkerState.RUNNING || errors.length > 0);
  t.same(errors, [], 'the worker started without error');

  const engine_doorbell = new Doorbell(buffers.engine_doorbell);
  const writer = new CommandWriter(new RingProducer(new SharedRing(buffers.commands), [engine_doorbell]));
  const event_ring = new SharedRing(buffers.events);
  // The journal reads first; io and PnL read only what it released, as in the OMS.
  const journal = new RingConsumer(event_ring, EventConsumer.JOURNAL);
  const downstream = [EventConsumer.IO, EventConsumer.PNL].map((c) => new RingConsumer(event_ring, c, [], EventConsumer.JOURNAL));
  const reply_reader = new RingConsumer(new SharedRing(buffers.replies), 0);
  const events: EventRecord[] = [];
  let raw = new Uint8Array(EVENT_SLOT_BYTES * 1024);
  const replies = new Map<number, ReplyRecord[]>();
  const drain = (): void => {
    const available = journal.available();
    for (let i = 0; i < available; i++) {
      const off = journal.slotAt(i);
      if ((events.length + 1) * EVENT_SLOT_BYTES > raw.length) {
        const grown = new Uint8Array(raw.length * 2);
        grown.set(raw);
        raw = grown;
      }
      raw.set(event_ring.u8.subarray(off, off + EVENT_SLOT_BYTES), events.length * EVENT_SLOT_BYTES);
      events.push(decodeEvent(event_ring, off));
    }
    journal.release(available);
    for (const consumer of downstream) consumer.release(consumer.available());
    const ready = reply_reader.available();
    for (let i = 0; i < ready; i++) {
      const reply = decodeReply(reply_reader.ring, reply_reader.slotAt(i));
      replies.set(reply.request_id, [...(replies.get(reply.request_id) ?? []), reply]);
    }
    reply_reader.release(ready);
  };

  const terms = (request_id: number, price_ticks: number, side: number = Side.BUY): OrderTerms => ({
    request_id, account: request_id % 2, symbol: 0, side, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC,
    qty_lots: 100, price_ticks, stop_price_ticks: 0, expire_at_ms: 0, session_id: 1, client_order_id: `w-${request_id}`,
  });
  // 300 orders, more than the rings hold at once: resting buys, marketable buys, and fat-finger prices.
  const total = 300;
  let sent = 0;
  while (sent < total) {
    const request_id = sent + 1;
    const price = request_id % 3 === 0 ? 4_500_100 : request_id % 3 === 1 ? 4_490_000 : 100;
    if (!writer.newOrder(terms(request_id, price))) {
      writer.publish();
      drain();
      await sleep(0);
      continue;
    }
    sent++;
    if (sent % 16 === 0) writer.publish();
  }
  writer.publish();
  await until('every order to be answered', () => { drain(); return replies.size === total; });
  for (let request_id = 1; request_id <= total; request_id++) {
    const answers = replies.get(request_id) ?? [];
    if (answers.length !== 1) t.fail(`request ${request_id} was answered ${answers.length} times`);
    const expected = request_id % 3 === 2 ? RejectCode.PRICE_COLLAR : RejectCode.OK;
    if (answers[0]?.code !== expected) t.fail(`request ${request_id} answered ${answers[0]?.code}, expected ${expected}`);
  }
  t.equal(replies.size, total, 'every order was answered exactly once with the expected code');

  const resting = replies.get(1)![0].order_id;
  t.ok(writer.cancel(total + 1, 1, resting));
  t.ok(writer.stateHash(total + 2));
  writer.publish();
  await until('the cancel and the state hash', () => { drain(); return replies.has(total + 2); });
  t.equal(replies.get(total + 1)![0].code, RejectCode.OK, 'the cancel was applied');
  const hash_reply = replies.get(total + 2)![0];

  t.same(events.map((e) => e.seq), events.map((_, i) => i + 1), 'events carry a gap-free sequence from 1');
  t.equal(events.filter((e) => e.type === EventType.FILL).length, total / 3, 'every marketable order filled');
  t.equal(events.at(-1)?.type, EventType.STATE_HASH);
  const replayed = new EngineState({ accounts: accounts.count, symbols: instruments.count, max_open_orders: 1024, dedupe_window: 4096 },
    init.notional_scale);
  const views = slotViewsOver(raw.buffer);
  for (let i = 0; i < events.length - 1; i++) replayed.apply(views, i * EVENT_SLOT_BYTES);
  t.equal(stateHash(replayed), hash_reply.arg, "replaying the worker's events reproduces the hash it reported");

  const counters = new Float64Array(buffers.engine_counters);
  await sleep(200);
  t.ok(counters[EngineCounter.PARKS] > 0, `an idle engine parks (${counters[EngineCounter.PARKS]} parks)`);
  const heartbeat = health.view(WorkerId.ENGINE).heartbeat;
  await sleep(120);
  t.ok(health.view(WorkerId.ENGINE).heartbeat > heartbeat, 'and still beats its heartbeat while idle');

  health.requestStop(WorkerId.ENGINE);
  engine_doorbell.ringIfParked();
  t.equal(await exited, 0, 'the worker exits with code 0');
  t.equal(health.state(WorkerId.ENGINE), WorkerState.STOPPED, 'and reports itself stopped');
  t.equal(counters[EngineCounter.COMMANDS], total + 2);
  t.same(errors, []);
});
