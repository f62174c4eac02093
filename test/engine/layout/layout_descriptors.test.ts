/**
 * Pins every shared-memory layout: record sizes, field offsets (they are the wire and
 * journal formats), no two fields overlapping, every field aligned to its element size,
 * and hot counters alone on their cache lines.
 */
import t from 'tap';
import { CACHE_LINE_BYTES, LayoutBuilder } from '../../../engine/layout/layout_builder.js';
import * as cmd from '../../../engine/protocol/command_layout.js';
import { CommandType, EventType } from '../../../engine/protocol/enums.js';
import * as ev from '../../../engine/protocol/event_layout.js';
import { allRejectCodes } from '../../../engine/protocol/reject_codes.js';
import * as rp from '../../../engine/protocol/reply_layout.js';
import { LIMITS_HEADER_F64, limitsBankBytes, limitsOffsets } from '../../../engine/reference/limits_layout.js';
import { MARK_FIELD_COUNT } from '../../../engine/reference/mark_table.js';
import { PNL_FIELD_COUNT } from '../../../engine/reference/pnl_table.js';
import * as seqlock from '../../../engine/reference/seqlock_table_layout.js';
import * as doorbell from '../../../engine/ring/doorbell_layout.js';
import * as ring from '../../../engine/ring/ring_layout.js';
import * as counters from '../../../engine/telemetry/engine_counters.js';
import * as health from '../../../engine/telemetry/worker_health_layout.js';
import * as flushLog from '../../../engine/telemetry/flush_log_layout.js';

interface Field {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** Element size the field must be aligned to (1 for byte arrays). */
  readonly align: number;
}

function fromDescribe(fields: readonly { name: string; offset: number; size: number }[]): Field[] {
  return fields.map((f) => ({ ...f, align: f.size === 1 || f.size === 2 || f.size === 4 || f.size === 8 ? f.size : 1 }));
}

type Asserts = Pick<typeof t, 'equal' | 'ok'>;

/** Asserts no overlap, natural alignment, and that every field fits in `record_bytes`. */
function checkFields(t: Asserts, layout: string, fields: readonly Field[], record_bytes: number): void {
  const sorted = [...fields].sort((a, b) => a.offset - b.offset);
  for (let i = 0; i < sorted.length; i++) {
    const f = sorted[i];
    t.equal(f.offset % f.align, 0, `${layout}.${f.name} at ${f.offset} is aligned to ${f.align}`);
    t.ok(f.offset >= 0 && f.offset + f.size <= record_bytes, `${layout}.${f.name} fits in ${record_bytes} bytes`);
    const next = sorted[i + 1];
    if (next !== undefined) t.ok(f.offset + f.size <= next.offset, `${layout}.${f.name} ends before ${next.name} starts`);
  }
}

function offsetsOf(fields: readonly Field[]): Record<string, number> {
  return Object.fromEntries(fields.map((f) => [f.name, f.offset]));
}

t.test('the command slot is 128 bytes with pinned, aligned, non-overlapping fields', (t) => {
  t.equal(cmd.COMMAND_SLOT_BYTES, 128);
  const fields = fromDescribe(cmd.commandLayoutFields);
  checkFields(t, 'command', fields, cmd.COMMAND_SLOT_BYTES);
  t.same(offsetsOf(fields), {
    qty_lots: 0, price_ticks: 8, stop_price_ticks: 16, expire_at_ms: 24, order_id: 32, arg: 40,
    request_id: 48, account: 52, symbol: 56, session_id: 60,
    type: 64, side: 65, order_type: 66, time_in_force: 67, flag: 68, cl_ord_id_length: 69, cl_ord_id: 70, sent_at_us: 112, trace: 120,
    trailing_offset_type: 121, trailing_offset: 124,
  });
  t.equal(cmd.commandLayoutFields.find((f) => f.name === 'cl_ord_id')?.size, cmd.CLIENT_ORDER_ID_MAX_BYTES);
  t.same([cmd.CMD_QTY_LOTS, cmd.CMD_ORDER_ID, cmd.CMD_ACCOUNT, cmd.CMD_TYPE, cmd.CMD_FLAG, cmd.CMD_CL_ORD_ID], [0, 32, 52, 64, 68, 70],
    'the exported constants are the described offsets');
  t.end();
});

t.test('the event slot is 192 bytes with pinned, aligned, non-overlapping fields', (t) => {
  t.equal(ev.EVENT_SLOT_BYTES, 192);
  t.equal(ev.EVENT_LAYOUT_VERSION, 1);
  const fields = fromDescribe(ev.eventLayoutFields);
  checkFields(t, 'event', fields, ev.EVENT_SLOT_BYTES);
  t.same(offsetsOf(fields), {
    seq: 0, ts_us: 8, order_id: 16, orig_order_id: 24, qty_lots: 32, price_ticks: 40, stop_price_ticks: 48,
    filled_qty_lots: 56, fill_notional: 64, last_fill_qty_lots: 72, last_fill_price_ticks: 80, expire_at_ms: 88,
    ref_price_ticks: 96, arg: 104, account: 112, symbol: 116, session_id: 120, content_hash: 124, reject_code: 128,
    type: 130, side: 131, order_type: 132, time_in_force: 133, status: 134, reason: 135, triggered: 136, flag: 137,
    cl_ord_id_length: 138, cl_ord_id: 139, exec_inst: 179, trailing_offset_type: 180, trailing_offset: 184, limit_offset_ticks: 188,
  });
  t.same([ev.EV_SEQ, ev.EV_ACCOUNT, ev.EV_REJECT_CODE, ev.EV_TYPE, ev.EV_CL_ORD_ID, ev.EV_EXEC_INST], [0, 112, 128, 130, 139, 179]);
  // The engine clears a reused slot with f64.fill over 24 words: that must be the whole slot.
  t.equal(ev.EVENT_SLOT_BYTES / 8, 24);
  t.end();
});

t.test('the reply slot is 64 bytes with pinned, aligned, non-overlapping fields', (t) => {
  t.equal(rp.REPLY_SLOT_BYTES, 64);
  const fields = fromDescribe(rp.replyLayoutFields);
  checkFields(t, 'reply', fields, rp.REPLY_SLOT_BYTES);
  t.same(offsetsOf(fields), {
    order_id: 0, last_seq: 8, arg: 16, request_id: 24, warnings: 28, code: 32, command_type: 34, risk_level: 35, flag: 36,
    engine_in_us: 40, engine_out_us: 48, amount: 56,
  });
  t.equal(rp.REPLY_FLAG_DUPLICATE, 1);
  t.end();
});

t.test('the layout builder refuses duplicate names and records too small for their fields', (t) => {
  const b = new LayoutBuilder('demo');
  t.equal(b.u8('a'), 0);
  t.equal(b.f64('b'), 8, 'an f64 after a byte is padded to 8');
  t.equal(b.u16('c'), 16);
  t.equal(b.u32('d'), 20);
  b.align(CACHE_LINE_BYTES);
  t.equal(b.i32('e'), 64, 'align pads to the next cache line');
  t.throws(() => b.u8('a'), /defined twice/);
  t.throws(() => b.finish(64), /needs 72 bytes/);
  t.throws(() => b.finish(76), /multiple of 8/);
  t.equal(b.finish(), 72);
  t.end();
});

t.test('every ring position sits alone on its own cache line, before the slots', (t) => {
  t.equal(ring.RING_MAGIC_INDEX, 0);
  t.same([ring.RING_SLOT_SIZE_INDEX, ring.RING_CAPACITY_INDEX, ring.RING_CONSUMER_COUNT_INDEX, ring.RING_GATING_MASK_INDEX],
    [1, 2, 3, 4], 'the header words share line 0');
  t.ok(ring.MAX_RING_CONSUMERS <= 31, 'the gating mask has a bit for every consumer');
  t.equal(ring.RING_PRODUCER_POSITION_INDEX * 4, CACHE_LINE_BYTES);
  const line = (byte: number) => Math.floor(byte / CACHE_LINE_BYTES);
  for (let consumers = 1; consumers <= ring.MAX_RING_CONSUMERS; consumers++) {
    const counter_bytes = [ring.RING_PRODUCER_POSITION_INDEX * 4];
    for (let c = 0; c < consumers; c++) counter_bytes.push(ring.ringConsumerPositionIndex(c) * 4);
    const lines = new Set(counter_bytes.map(line));
    t.equal(lines.size, counter_bytes.length, `${consumers} consumer(s): one line per position`);
    t.notOk(lines.has(0), 'no position shares the header line');
    t.notOk(lines.has(line(ring.RING_FULL_COUNT_F64 * 8)), 'no position shares the producer statistics line');
    const data = ring.ringDataOffsetBytes(consumers);
    t.equal(data % CACHE_LINE_BYTES, 0);
    t.ok(Math.max(...counter_bytes) + 4 <= data, 'the slots start after the last position');
    t.ok(ring.ringConsumerDoorbellsF64(consumers - 1) * 8 + 8 <= data, 'and after the last statistic');
    t.equal(data, (3 + consumers) * CACHE_LINE_BYTES);
    t.equal(ring.ringTotalBytes(1024, 128, consumers), data + 1024 * 128);
  }
  t.end();
});

t.test('each ring statistic is an aligned f64 on a line of its one writer', (t) => {
  t.equal(ring.RING_FULL_COUNT_F64 * 8, 2 * CACHE_LINE_BYTES, 'the full count opens line 2, apart from the position consumers poll');
  t.equal(ring.RING_PRODUCER_DOORBELLS_F64 * 8, 2 * CACHE_LINE_BYTES + 8, 'the producer\'s doorbell count follows it');
  for (let c = 0; c < ring.MAX_RING_CONSUMERS; c++) {
    const position_byte = ring.ringConsumerPositionIndex(c) * 4;
    t.equal(ring.ringConsumerDoorbellsF64(c) * 8, position_byte + 8, `consumer ${c}'s doorbell count is on its own line, after its position`);
  }
  t.end();
});

t.test('the doorbell keeps SEQUENCE and PARKED on separate cache lines', (t) => {
  t.equal(doorbell.DOORBELL_SEQUENCE_INDEX, 0);
  t.equal(doorbell.DOORBELL_PARKED_INDEX * 4, CACHE_LINE_BYTES);
  t.equal(doorbell.DOORBELL_BYTES, 2 * CACHE_LINE_BYTES);
  t.end();
});

t.test('seqlock records are whole cache lines with the version first and the fields inside', (t) => {
  t.equal(seqlock.SEQLOCK_HEADER_BYTES, CACHE_LINE_BYTES);
  t.same([seqlock.SEQLOCK_GLOBAL_VERSION_INDEX, seqlock.SEQLOCK_RECORD_COUNT_INDEX, seqlock.SEQLOCK_FIELD_COUNT_INDEX], [0, 1, 2]);
  t.equal(seqlock.SEQLOCK_FIELDS_OFFSET_BYTES, 8, 'fields start on the first 8-byte boundary after the version');
  for (const field_count of [1, MARK_FIELD_COUNT, PNL_FIELD_COUNT, 7, 8, 9, 15, 16]) {
    const record = seqlock.seqlockRecordBytes(field_count);
    t.equal(record % CACHE_LINE_BYTES, 0, `${field_count} fields: the record is whole lines`);
    t.ok(seqlock.SEQLOCK_FIELDS_OFFSET_BYTES + 8 * field_count <= record, 'the fields fit');
    t.ok(record - CACHE_LINE_BYTES < seqlock.SEQLOCK_FIELDS_OFFSET_BYTES + 8 * field_count, 'with no spare line');
    t.equal(seqlock.seqlockTableBytes(3, field_count), CACHE_LINE_BYTES + 3 * record);
  }
  t.equal(seqlock.seqlockRecordBytes(MARK_FIELD_COUNT), 128, 'a mark record is two lines');
  t.equal(seqlock.seqlockRecordBytes(PNL_FIELD_COUNT), 64, 'a PnL record is one line');
  t.end();
});

t.test('a worker health record fits two cache lines with aligned, non-overlapping fields', (t) => {
  t.equal(health.WORKER_RECORD_BYTES, 2 * CACHE_LINE_BYTES);
  t.equal(health.WORKER_HEALTH_BYTES, health.WORKER_COUNT * 2 * CACHE_LINE_BYTES);
  const i32 = (name: string, index: number): Field => ({ name, offset: index * 4, size: 4, align: 4 });
  const f64 = (name: string, index: number): Field => ({ name, offset: index * 8, size: 8, align: 8 });
  const fields = [
    i32('heartbeat', health.WH_HEARTBEAT_I32), i32('state', health.WH_STATE_I32), i32('restarts', health.WH_RESTARTS_I32),
    i32('stop_requested', health.WH_STOP_REQUESTED_I32), f64('heartbeat_at_ms', health.WH_HEARTBEAT_AT_MS_F64),
    f64('processed', health.WH_PROCESSED_F64), f64('lag', health.WH_LAG_F64), f64('errors', health.WH_ERRORS_F64),
    f64('position', health.WH_POSITION_F64), f64('os_tid', health.WH_OS_TID_F64),
    f64('state_since_ms', health.WH_STATE_SINCE_MS_F64), f64('heap_used_bytes', health.WH_HEAP_USED_BYTES_F64),
    f64('heap_total_bytes', health.WH_HEAP_TOTAL_BYTES_F64), f64('heap_old_bytes', health.WH_HEAP_OLD_BYTES_F64),
    f64('dropped', health.WH_DROPPED_F64), f64('thread_nice', health.WH_THREAD_NICE_F64),
  ];
  checkFields(t, 'worker_health', fields, health.WORKER_RECORD_BYTES);
  t.same(offsetsOf(fields), {
    heartbeat: 0, state: 4, restarts: 8, stop_requested: 12, heartbeat_at_ms: 16, processed: 24, lag: 32, errors: 40, position: 48, os_tid: 56,
    state_since_ms: 64, heap_used_bytes: 72, heap_total_bytes: 80, heap_old_bytes: 88, dropped: 96, thread_nice: 104,
  });
  t.equal(health.WORKER_NAMES.length, health.WORKER_COUNT);
  t.end();
});

t.test('a limits bank lays its tables out back to back after the header', (t) => {
  const geometry = { accounts: 3, symbols: 5 };
  const o = limitsOffsets(geometry);
  const tables: Field[] = [
    { name: 'max_order_qty_lots', offset: o.max_order_qty_lots * 8, size: 5 * 8, align: 8 },
    { name: 'max_order_notional_micros', offset: o.max_order_notional_micros * 8, size: 5 * 8, align: 8 },
    { name: 'collar_bps', offset: o.collar_bps * 8, size: 5 * 8, align: 8 },
    { name: 'credit_limit_micros', offset: o.credit_limit_micros * 8, size: 3 * 8, align: 8 },
    { name: 'max_open_orders', offset: o.max_open_orders * 8, size: 3 * 8, align: 8 },
    { name: 'rate_per_sec', offset: o.rate_per_sec * 8, size: 3 * 8, align: 8 },
    { name: 'burst', offset: o.burst * 8, size: 3 * 8, align: 8 },
    { name: 'daily_loss_limit_micros', offset: o.daily_loss_limit_micros * 8, size: 3 * 8, align: 8 },
    { name: 'max_position_lots', offset: o.max_position_lots * 8, size: 15 * 8, align: 8 },
    { name: 'modify_rate_per_sec', offset: o.modify_rate_per_sec * 8, size: 3 * 8, align: 8 },
    { name: 'modify_burst', offset: o.modify_burst * 8, size: 3 * 8, align: 8 },
    { name: 'max_net_notional_micros', offset: o.max_net_notional_micros * 8, size: 3 * 8, align: 8 },
    { name: 'max_gross_notional_micros', offset: o.max_gross_notional_micros * 8, size: 3 * 8, align: 8 },
  ];
  checkFields(t, 'limits', tables, limitsBankBytes(geometry));
  t.equal(o.max_order_qty_lots, LIMITS_HEADER_F64);
  t.equal(o.total_f64, LIMITS_HEADER_F64 + 3 * 5 + 9 * 3 + 15, 'no gaps between tables');
  t.equal(limitsBankBytes(geometry), o.total_f64 * 8);
  t.throws(() => limitsOffsets({ accounts: 0, symbols: 1 }));
  t.end();
});

t.test('the engine counters have a slot for every event type, command type and reject code', (t) => {
  for (const type of Object.values(EventType)) t.ok(type < counters.EVENT_TYPE_SLOTS, `event type ${type}`);
  for (const type of Object.values(CommandType)) t.ok(type < counters.COMMAND_TYPE_SLOTS, `command type ${type}`);
  for (const info of allRejectCodes()) t.ok(info.code < counters.REJECT_CODE_SLOTS, `reject code ${info.code}`);
  t.equal(counters.ENGINE_COUNTER_NAMES.length, Object.keys(counters.EngineCounter).length);
  t.same(Object.values(counters.EngineCounter), counters.ENGINE_COUNTER_NAMES.map((_, i) => i), 'named counters are numbered 0..n-1');
  t.equal(counters.ENGINE_COUNTERS_LENGTH, counters.REJECTS_BY_CODE_OFFSET + counters.REJECT_CODE_SLOTS);
  t.equal(counters.allocateEngineCounters().length, counters.ENGINE_COUNTERS_LENGTH);
  t.end();
});

t.test('the flush log keeps whole entries after a one-line header, its capacity a power of two', (t) => {
  t.equal(flushLog.FLUSH_LOG_HEADER_BYTES, CACHE_LINE_BYTES);
  t.equal(flushLog.FL_COUNT_I32, 0);
  const fields: Field[] = [
    { name: 'last_seq', offset: flushLog.FE_LAST_SEQ, size: 8, align: 8 },
    { name: 'write_start_us', offset: flushLog.FE_WRITE_START_US, size: 8, align: 8 },
    { name: 'write_done_us', offset: flushLog.FE_WRITE_DONE_US, size: 8, align: 8 },
    { name: 'sync_done_us', offset: flushLog.FE_SYNC_DONE_US, size: 8, align: 8 },
  ];
  checkFields(t, 'flush_log_entry', fields, flushLog.FLUSH_LOG_ENTRY_BYTES);
  t.equal(flushLog.FLUSH_LOG_CAPACITY & (flushLog.FLUSH_LOG_CAPACITY - 1), 0);
  t.equal(flushLog.FLUSH_LOG_BYTES, CACHE_LINE_BYTES + flushLog.FLUSH_LOG_CAPACITY * flushLog.FLUSH_LOG_ENTRY_BYTES);
  t.end();
});
