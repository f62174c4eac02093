/**
 * Real journal files for service tests: events encoded into event slots exactly as the
 * engine lays them out, appended with the production JournalWriter (small segments, so
 * readers cross segment boundaries), and "durable up to" published in a real journal
 * progress table the way the journal agent does.
 *
 * OrderFlow generates plausible order lifecycles (accept, partial and full fills,
 * cancels, replaces, rejects) interleaved with admin events, deterministic per seed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventType, ExecReason, OrderStatus, OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import {
  EV_ACCOUNT, EV_ARG, EV_CL_ORD_ID, EV_CL_ORD_ID_LENGTH, EV_EXPIRE_AT_MS, EV_FILLED_QTY_LOTS, EV_FILL_NOTIONAL, EV_FLAG,
  EV_LAST_FILL_PRICE_TICKS, EV_LAST_FILL_QTY_LOTS, EV_ORDER_ID, EV_ORDER_TYPE, EV_ORIG_ORDER_ID, EV_PRICE_TICKS,
  EV_QTY_LOTS, EV_REASON, EV_REF_PRICE_TICKS, EV_REJECT_CODE, EV_SEQ, EV_SIDE, EV_STATUS, EV_SYMBOL, EV_TIME_IN_FORCE,
  EV_TRIGGERED, EV_TS_US, EV_TYPE, EVENT_SLOT_BYTES, EV_EXEC_INST,
} from '../../../engine/protocol/event_layout.js';
import { EventRecord } from '../../../engine/protocol/event_record.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { SlotViews, slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { SeqlockTable } from '../../../engine/reference/seqlock_table.js';
import { allocateJournalProgress, JOURNAL_PROGRESS_FIELDS, JournalProgressField } from '../../../engine/reference/journal_progress.js';
import { JournalWriter } from '../../../services/journal/journal_writer.js';
import { JournalTail, scanJournal } from '../../../services/journal/journal_reader.js';

export type EventInput = Partial<Omit<EventRecord, 'seq'>> & { type: number };

export function encodeEvent(e: EventInput & { seq: number }, v: SlotViews, base: number): void {
  v.u8.fill(0, base, base + EVENT_SLOT_BYTES);
  const f64 = (offset: number, value: number | undefined) => { v.f64[(base + offset) >> 3] = value ?? 0; };
  f64(EV_SEQ, e.seq);
  f64(EV_TS_US, e.ts_us);
  f64(EV_ORDER_ID, e.order_id);
  f64(EV_ORIG_ORDER_ID, e.orig_order_id);
  f64(EV_QTY_LOTS, e.qty_lots);
  f64(EV_PRICE_TICKS, e.price_ticks);
  f64(EV_FILLED_QTY_LOTS, e.filled_qty_lots);
  f64(EV_FILL_NOTIONAL, e.fill_notional);
  f64(EV_LAST_FILL_QTY_LOTS, e.last_fill_qty_lots);
  f64(EV_LAST_FILL_PRICE_TICKS, e.last_fill_price_ticks);
  f64(EV_EXPIRE_AT_MS, e.expire_at_ms);
  f64(EV_REF_PRICE_TICKS, e.ref_price_ticks ?? e.price_ticks);
  f64(EV_ARG, e.arg);
  v.i32[(base + EV_ACCOUNT) >> 2] = e.account ?? 0;
  v.i32[(base + EV_SYMBOL) >> 2] = e.symbol ?? 0;
  v.u16[(base + EV_REJECT_CODE) >> 1] = e.reject_code ?? 0;
  v.u8[base + EV_TYPE] = e.type;
  v.u8[base + EV_SIDE] = e.side ?? Side.BUY;
  v.u8[base + EV_ORDER_TYPE] = e.order_type ?? OrderType.LIMIT;
  v.u8[base + EV_TIME_IN_FORCE] = e.time_in_force ?? TimeInForce.GTC;
  v.u8[base + EV_STATUS] = e.status ?? 0;
  v.u8[base + EV_REASON] = e.reason ?? 0;
  v.u8[base + EV_TRIGGERED] = e.triggered ?? 0;
  v.u8[base + EV_EXEC_INST] = e.exec_inst ?? 0;
  v.u8[base + EV_FLAG] = e.flag ?? 0;
  const id = e.client_order_id ?? '';
  v.u8[base + EV_CL_ORD_ID_LENGTH] = id.length;
  for (let i = 0; i < id.length; i++) v.u8[base + EV_CL_ORD_ID + i] = id.charCodeAt(i);
}

/** A journal directory with a writer and a progress table, like the journal worker keeps. */
export class TestJournal {
  readonly data_dir: string;
  readonly journal_dir: string;
  readonly progress: SeqlockTable;
  readonly events: EventRecord[] = [];
  private writer: JournalWriter;
  private readonly slot = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
  private readonly progress_values = new Float64Array(JOURNAL_PROGRESS_FIELDS);
  next_seq = 1;
  /** Events are stamped from now on, 1 ms apart, unless an input gives its own ts_us. */
  ts_us = Date.now() * 1000;

  constructor(data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-journal-')), segment_bytes = 64 * 1024) {
    this.data_dir = data_dir;
    this.journal_dir = path.join(data_dir, 'journal');
    this.progress = allocateJournalProgress();
    this.writer = new JournalWriter({ directory: this.journal_dir, durability: 'write', segment_bytes, buffer_records: 256 });
    this.writer.open(1);
  }

  get durable_seq(): number {
    return this.next_seq - 1;
  }

  /** Appends events (seq and, unless given, ts assigned here), flushes and publishes durability. */
  append(inputs: readonly EventInput[]): EventRecord[] {
    const added: EventRecord[] = [];
    for (const input of inputs) {
      this.ts_us = input.ts_us ?? this.ts_us + 1000;
      const record = completeRecord({ ...input, ts_us: this.ts_us }, this.next_seq++);
      encodeEvent(record, this.slot, 0);
      this.writer.append(this.slot, 0);
      added.push(record);
    }
    this.writer.flush();
    this.events.push(...added);
    this.publish();
    return added;
  }

  publish(): void {
    this.progress_values[JournalProgressField.DURABLE_SEQ] = this.writer.durable_seq;
    this.progress_values[JournalProgressField.DURABLE_AT_MS] = Date.now();
    this.progress.write(0, this.progress_values);
  }

  close(): void {
    this.writer.close();
  }

  remove(): void {
    this.close();
    fs.rmSync(this.data_dir, { recursive: true, force: true });
  }
}

function completeRecord(input: EventInput, seq: number): EventRecord {
  return {
    seq, ts_us: 0, order_id: 0, orig_order_id: 0, account: 0, symbol: 0, session_id: 0, side: Side.BUY,
    order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, status: 0, reason: 0, reject_code: 0, triggered: 0,
    flag: 0, exec_inst: 0, trailing_offset_type: 0, trailing_offset: 0, limit_offset_ticks: 0, qty_lots: 0, price_ticks: 0, stop_price_ticks: 0, filled_qty_lots: 0, fill_notional: 0,
    last_fill_qty_lots: 0, last_fill_price_ticks: 0, expire_at_ms: 0, ref_price_ticks: 0, arg: 0, content_hash: 0,
    client_order_id: '', ...input,
  };
}

interface OpenOrder {
  order_id: number;
  account: number;
  symbol: number;
  side: number;
  qty_lots: number;
  price_ticks: number;
  filled_qty_lots: number;
  fill_notional: number;
  last_fill_qty_lots: number;
  last_fill_price_ticks: number;
  client_order_id: string;
}

/** Plausible order lifecycles over `accounts` x `symbols`, with prices near `base_ticks`. */
export class OrderFlow {
  private next_order_id = 1;
  private readonly open: OpenOrder[] = [];

  constructor(
    private readonly random: () => number,
    private readonly accounts: number,
    private readonly base_ticks: readonly number[],
  ) {}

  /** About `count` events (a step may make two). */
  events(count: number): EventInput[] {
    const out: EventInput[] = [];
    while (out.length < count) out.push(...this.step());
    return out;
  }

  step(): EventInput[] {
    const r = this.random();
    if (this.open.length === 0 || r < 0.3) return [this.accept()];
    if (r < 0.34) return [this.reject()];
    if (r < 0.37) return [{ type: EventType.KILL_SWITCH, account: -1, flag: this.random() < 0.5 ? 1 : 0 }];
    const order = this.open[Math.floor(this.random() * this.open.length)];
    if (r < 0.78) return [this.fill(order)];
    if (r < 0.9) return [this.finish(order, EventType.CANCELED, OrderStatus.CANCELED, ExecReason.CLIENT_CANCEL)];
    if (r < 0.93) return [this.finish(order, EventType.EXPIRED, OrderStatus.EXPIRED, ExecReason.TIME_IN_FORCE_EXPIRED)];
    return [this.replace(order)];
  }

  private accept(): EventInput {
    const symbol = Math.floor(this.random() * this.base_ticks.length);
    const order: OpenOrder = {
      order_id: this.next_order_id++,
      account: Math.floor(this.random() * this.accounts),
      symbol,
      side: this.random() < 0.5 ? Side.BUY : Side.SELL,
      qty_lots: 1 + Math.floor(this.random() * 50),
      price_ticks: this.base_ticks[symbol] + Math.floor(this.random() * 200) - 100,
      filled_qty_lots: 0,
      fill_notional: 0,
      last_fill_qty_lots: 0,
      last_fill_price_ticks: 0,
      client_order_id: `c-${this.next_order_id}`,
    };
    this.open.push(order);
    return { type: EventType.ACCEPTED, status: OrderStatus.ACCEPTED, ...this.state(order) };
  }

  private reject(): EventInput {
    const order_id = this.next_order_id++;
    return {
      type: EventType.REJECTED, status: OrderStatus.REJECTED, order_id, account: 0, symbol: 0, side: Side.BUY,
      qty_lots: 5, price_ticks: this.base_ticks[0], reject_code: RejectCode.CREDIT_LIMIT, client_order_id: `c-${order_id}`,
    };
  }

  private fill(order: OpenOrder): EventInput {
    const leaves = order.qty_lots - order.filled_qty_lots;
    const qty = Math.max(1, Math.min(leaves, Math.floor(this.random() * leaves) + 1));
    const price = order.price_ticks + (order.side === Side.BUY ? -Math.floor(this.random() * 3) : Math.floor(this.random() * 3));
    order.filled_qty_lots += qty;
    order.fill_notional += qty * price;
    order.last_fill_qty_lots = qty;
    order.last_fill_price_ticks = price;
    const done = order.filled_qty_lots === order.qty_lots;
    if (done) this.close(order);
    return { type: EventType.FILL, status: done ? OrderStatus.FILLED : OrderStatus.PARTIALLY_FILLED, ...this.state(order) };
  }

  private finish(order: OpenOrder, type: number, status: number, reason: number): EventInput {
    this.close(order);
    return { type, status, reason, ...this.state(order) };
  }

  private replace(order: OpenOrder): EventInput {
    this.close(order);
    const replacement: OpenOrder = {
      ...order,
      order_id: this.next_order_id++,
      qty_lots: order.qty_lots + 5,
      price_ticks: order.price_ticks + 1,
      client_order_id: `c-${this.next_order_id}`,
    };
    this.open.push(replacement);
    return {
      type: EventType.REPLACED,
      status: replacement.filled_qty_lots > 0 ? OrderStatus.PARTIALLY_FILLED : OrderStatus.ACCEPTED,
      orig_order_id: order.order_id,
      ...this.state(replacement),
    };
  }

  private close(order: OpenOrder): void {
    this.open.splice(this.open.indexOf(order), 1);
  }

  private state(o: OpenOrder): Omit<EventInput, 'type'> {
    return {
      order_id: o.order_id, account: o.account, symbol: o.symbol, side: o.side, qty_lots: o.qty_lots,
      price_ticks: o.price_ticks, filled_qty_lots: o.filled_qty_lots, fill_notional: o.fill_notional,
      last_fill_qty_lots: o.last_fill_qty_lots, last_fill_price_ticks: o.last_fill_price_ticks,
      client_order_id: o.client_order_id,
    };
  }
}

/** Polls `condition` every 10 ms until it holds or `timeout_ms` passes (then throws with `what`). */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeout_ms: number, what: string): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout_ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every sequence the journal holds, in file order (reading it as a sink does). */
export function journaledSeqs(journal_dir: string): number[] {
  const scan = scanJournal(journal_dir);
  const seqs: number[] = [];
  const tail = new JournalTail(journal_dir);
  tail.seek(1);
  while (tail.nextSeq <= scan.last_seq) {
    if (tail.read(scan.last_seq, 1000, (v, base) => seqs.push(v.f64[(base + EV_SEQ) >> 3])) === 0) break;
  }
  tail.close();
  return seqs;
}
