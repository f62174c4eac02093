/**
 * EngineState <-> snapshot sections. What is saved is the logical state (open orders with
 * their full terms and lists, the idempotency window in its FIFO order, positions, kill switches,
 * halts, counters); the restore rebuilds every derived aggregate (exposure, self-trade
 * prices, indexes) through the same code the live engine uses, so a restored state hashes
 * equal to the one that was saved.
 */
import { CLIENT_ORDER_ID_MAX_BYTES } from '../../engine/protocol/command_layout.js';
import { EventType, TradingState } from '../../engine/protocol/enums.js';
import {
  EV_ACCOUNT, EV_CL_ORD_ID, EV_CL_ORD_ID_LENGTH, EV_CONTENT_HASH, EV_EXPIRE_AT_MS, EV_FILLED_QTY_LOTS, EV_FILL_NOTIONAL,
  EV_ORDER_ID, EV_ORDER_TYPE, EV_PRICE_TICKS, EV_QTY_LOTS, EV_REF_PRICE_TICKS, EV_SESSION_ID, EV_SIDE, EV_STATUS,
  EV_STOP_PRICE_TICKS, EV_SYMBOL, EV_TIME_IN_FORCE, EV_TRIGGERED, EV_TYPE, EVENT_SLOT_BYTES, EV_EXEC_INST,
  EV_LIMIT_OFFSET_TICKS, EV_TRAILING_OFFSET, EV_TRAILING_OFFSET_TYPE,
} from '../../engine/protocol/event_layout.js';
import { slotViewsOver } from '../../engine/protocol/slot_views.js';
import { EngineCapacity, EngineState } from '../../engine/state/engine_state.js';
import { ColumnarFile, ColumnarWriter } from './columnar_file.js';

export interface EngineMeta {
  readonly last_seq: number;
  readonly next_order_id: number;
  readonly limits_version: number;
  readonly global_kill: number;
  /** Absent in snapshots written before trading states: ACTIVE. */
  readonly global_trading_state?: number;
  readonly capacity: EngineCapacity;
}

const ORDERS = 'engine.orders';
const DEDUPE = 'engine.dedupe';
const POSITIONS = 'engine.positions';
const FLAGS = 'engine.flags';
/** The sections restoreEngineState reads: a reader that restores only the engine needs no others. */
export const ENGINE_SECTIONS: readonly string[] = [ORDERS, DEDUPE, POSITIONS, FLAGS];

export function engineMeta(state: EngineState): EngineMeta {
  return {
    last_seq: state.last_seq,
    next_order_id: state.next_order_id,
    limits_version: state.limits_version,
    global_kill: state.global_kill,
    global_trading_state: state.global_trading_state,
    capacity: state.capacity,
  };
}

export function writeEngineSections(writer: ColumnarWriter, state: EngineState): void {
  const slab = state.slab;
  const slots: number[] = [];
  for (let account = 0; account < slab.account_head.length; account++) {
    for (let slot = slab.account_head[account]; slot >= 0; slot = slab.nextInAccount(slot)) slots.push(slot);
  }
  slots.sort((a, b) => slab.order_id[a] - slab.order_id[b]);
  const n = slots.length;
  const pick64 = (source: Float64Array) => Float64Array.from(slots, (s) => source[s]);
  const pick32 = (source: Int32Array) => Int32Array.from(slots, (s) => source[s]);
  const pickU32 = (source: Uint32Array) => Uint32Array.from(slots, (s) => source[s]);
  const pick8 = (source: Uint8Array) => Uint8Array.from(slots, (s) => source[s]);
  // Each order's contingent list, if any: the list is rebuilt from its open members.
  const lists = state.lists;
  const list_of = (slot: number) => lists.list_of[slot];
  const list_id = Float64Array.from(slots, (s) => (list_of(s) >= 0 ? lists.id[list_of(s)] : 0));
  const list_contingency = Uint8Array.from(slots, (s) => (list_of(s) >= 0 ? lists.contingency[list_of(s)] : 0));
  const list_member = Uint8Array.from(slots, (s) => lists.member[s]);
  const list_held = Uint8Array.from(slots, (s) => lists.held[s]);
  const cl = new Uint8Array(n * CLIENT_ORDER_ID_MAX_BYTES);
  slots.forEach((slot, i) => slab.copyClientOrderId(slot, cl, i * CLIENT_ORDER_ID_MAX_BYTES));
  writer.section(ORDERS, n)
    .add('order_id', 'f64', pick64(slab.order_id))
    .add('qty_lots', 'f64', pick64(slab.qty_lots))
    .add('price_ticks', 'f64', pick64(slab.price_ticks))
    .add('stop_price_ticks', 'f64', pick64(slab.stop_price_ticks))
    .add('filled_qty_lots', 'f64', pick64(slab.filled_qty_lots))
    .add('fill_notional', 'f64', pick64(slab.fill_notional))
    .add('expire_at_ms', 'f64', pick64(slab.expire_at_ms))
    .add('ref_price_ticks', 'f64', pick64(slab.ref_price_ticks))
    .add('account', 'i32', pick32(slab.account))
    .add('symbol', 'i32', pick32(slab.symbol))
    .add('session_id', 'u32', pickU32(slab.session_id))
    .add('content_hash', 'i32', pick32(slab.content_hash))
    .add('side', 'u8', pick8(slab.side))
    .add('order_type', 'u8', pick8(slab.order_type))
    .add('time_in_force', 'u8', pick8(slab.time_in_force))
    .add('status', 'u8', pick8(slab.status))
    .add('triggered', 'u8', pick8(slab.triggered))
    .add('exec_inst', 'u8', pick8(slab.exec_inst))
    .add('trailing_offset_type', 'u8', pick8(slab.trailing_offset_type))
    .add('trailing_offset', 'i32', pick32(slab.trailing_offset))
    .add('limit_offset_ticks', 'i32', pick32(slab.limit_offset_ticks))
    .add('list_id', 'f64', list_id)
    .add('list_contingency', 'u8', list_contingency)
    .add('list_member', 'u8', list_member)
    .add('list_held', 'u8', list_held)
    .add('cl_ord_id_length', 'u8', pick8(slab.cl_ord_id_length))
    .add('cl_ord_id', 'u8', cl);

  const dedupe = state.dedupe;
  const d_account = new Int32Array(dedupe.count);
  const d_order = new Float64Array(dedupe.count);
  const d_hash = new Uint32Array(dedupe.count);
  const d_length = new Uint8Array(dedupe.count);
  const d_bytes = new Uint8Array(dedupe.count * CLIENT_ORDER_ID_MAX_BYTES);
  let i = 0;
  dedupe.forEach((account, bytes, order_id, content_hash) => {
    d_account[i] = account;
    d_order[i] = order_id;
    d_hash[i] = content_hash;
    d_length[i] = bytes.length;
    d_bytes.set(bytes, i * CLIENT_ORDER_ID_MAX_BYTES);
    i++;
  });
  writer.section(DEDUPE, dedupe.count)
    .add('account', 'i32', d_account).add('order_id', 'f64', d_order).add('content_hash', 'u32', d_hash)
    .add('cl_ord_id_length', 'u8', d_length).add('cl_ord_id', 'u8', d_bytes);

  const book = state.book;
  const cells: number[] = [];
  for (let cell = 0; cell < book.position_lots.length; cell++) if (book.position_lots[cell] !== 0) cells.push(cell);
  writer.section(POSITIONS, cells.length)
    .add('cell', 'i32', Int32Array.from(cells))
    .add('position_lots', 'f64', Float64Array.from(cells, (c) => book.position_lots[c]));
  writer.section(FLAGS, 1)
    .add('kill_switch', 'u8', Uint8Array.from(book.kill_switch))
    .add('halted', 'u8', Uint8Array.from(state.halted))
    .add('trading_state', 'u8', Uint8Array.from(book.trading_state));
}

/** Rebuilds an EngineState from a snapshot. The capacity may grow between runs, never shrink below use. */
export function readEngineState(file: ColumnarFile, capacity: EngineCapacity, notional_scale: ArrayLike<number>): EngineState {
  const state = new EngineState(capacity, notional_scale);
  restoreEngineState(file, state);
  return state;
}

/**
 * Restores a snapshot into `state`, which must be new or just reset (EngineState.reset):
 * a worker that restores again and again reuses one state instead of allocating another.
 */
export function restoreEngineState(file: ColumnarFile, state: EngineState): void {
  const meta = file.meta.engine as EngineMeta;
  const capacity = state.capacity;
  if (meta.capacity.accounts !== capacity.accounts || meta.capacity.symbols !== capacity.symbols) {
    throw new Error(`the snapshot has ${meta.capacity.accounts} accounts and ${meta.capacity.symbols} symbols; this configuration has ${capacity.accounts} and ${capacity.symbols}`);
  }
  if (state.last_seq !== 0 || state.slab.live !== 0 || state.dedupe.count !== 0) {
    throw new Error('a snapshot is restored into a new or reset engine state only');
  }

  const d = DEDUPE;
  const d_account = file.i32(d, 'account');
  const d_order = file.f64(d, 'order_id');
  const d_hash = file.u32(d, 'content_hash');
  const d_length = file.u8(d, 'cl_ord_id_length');
  const d_bytes = file.u8(d, 'cl_ord_id');
  for (let i = 0; i < file.count(d); i++) {
    state.dedupe.insert(d_account[i], d_bytes, i * CLIENT_ORDER_ID_MAX_BYTES, d_length[i], d_order[i], d_hash[i], state);
  }

  const o = ORDERS;
  const scratch = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
  const f64 = (name: string) => file.f64(o, name);
  const columns = {
    order_id: f64('order_id'), qty: f64('qty_lots'), price: f64('price_ticks'), stop: f64('stop_price_ticks'),
    filled: f64('filled_qty_lots'), notional: f64('fill_notional'), expire: f64('expire_at_ms'), ref: f64('ref_price_ticks'),
    account: file.i32(o, 'account'), symbol: file.i32(o, 'symbol'), session: file.u32(o, 'session_id'),
    content_hash: file.i32(o, 'content_hash'), side: file.u8(o, 'side'), type: file.u8(o, 'order_type'),
    tif: file.u8(o, 'time_in_force'), status: file.u8(o, 'status'), triggered: file.u8(o, 'triggered'),
    cl_length: file.u8(o, 'cl_ord_id_length'), cl: file.u8(o, 'cl_ord_id'),
    // Snapshots written before order instructions existed have no such column: none were set.
    exec_inst: file.hasColumn(o, 'exec_inst') ? file.u8(o, 'exec_inst') : new Uint8Array(file.count(o)),
    // Likewise trailing orders' terms: none before they existed.
    trailing_type: file.hasColumn(o, 'trailing_offset_type') ? file.u8(o, 'trailing_offset_type') : new Uint8Array(file.count(o)),
    trailing_offset: file.hasColumn(o, 'trailing_offset') ? file.i32(o, 'trailing_offset') : new Int32Array(file.count(o)),
    limit_offset: file.hasColumn(o, 'limit_offset_ticks') ? file.i32(o, 'limit_offset_ticks') : new Int32Array(file.count(o)),
    // And contingent lists: none before they existed.
    list_id: file.hasColumn(o, 'list_id') ? file.f64(o, 'list_id') : new Float64Array(file.count(o)),
    list_contingency: file.hasColumn(o, 'list_id') ? file.u8(o, 'list_contingency') : new Uint8Array(file.count(o)),
    list_member: file.hasColumn(o, 'list_id') ? file.u8(o, 'list_member') : new Uint8Array(file.count(o)),
    list_held: file.hasColumn(o, 'list_id') ? file.u8(o, 'list_held') : new Uint8Array(file.count(o)),
  };
  for (let i = 0; i < file.count(o); i++) {
    scratch.u8.fill(0);
    scratch.u8[EV_TYPE] = EventType.ACCEPTED;
    scratch.f64[EV_ORDER_ID >> 3] = columns.order_id[i];
    scratch.f64[EV_QTY_LOTS >> 3] = columns.qty[i];
    scratch.f64[EV_PRICE_TICKS >> 3] = columns.price[i];
    scratch.f64[EV_STOP_PRICE_TICKS >> 3] = columns.stop[i];
    scratch.f64[EV_FILLED_QTY_LOTS >> 3] = columns.filled[i];
    scratch.f64[EV_FILL_NOTIONAL >> 3] = columns.notional[i];
    scratch.f64[EV_EXPIRE_AT_MS >> 3] = columns.expire[i];
    scratch.f64[EV_REF_PRICE_TICKS >> 3] = columns.ref[i];
    scratch.i32[EV_ACCOUNT >> 2] = columns.account[i];
    scratch.i32[EV_SYMBOL >> 2] = columns.symbol[i];
    scratch.u32[EV_SESSION_ID >> 2] = columns.session[i];
    scratch.i32[EV_CONTENT_HASH >> 2] = columns.content_hash[i];
    scratch.u8[EV_SIDE] = columns.side[i];
    scratch.u8[EV_ORDER_TYPE] = columns.type[i];
    scratch.u8[EV_TIME_IN_FORCE] = columns.tif[i];
    scratch.u8[EV_STATUS] = columns.status[i];
    scratch.u8[EV_TRIGGERED] = columns.triggered[i];
    scratch.u8[EV_EXEC_INST] = columns.exec_inst[i];
    scratch.u8[EV_TRAILING_OFFSET_TYPE] = columns.trailing_type[i];
    scratch.i32[EV_TRAILING_OFFSET >> 2] = columns.trailing_offset[i];
    scratch.i32[EV_LIMIT_OFFSET_TICKS >> 2] = columns.limit_offset[i];
    scratch.u8[EV_CL_ORD_ID_LENGTH] = columns.cl_length[i];
    scratch.u8.set(columns.cl.subarray(i * CLIENT_ORDER_ID_MAX_BYTES, i * CLIENT_ORDER_ID_MAX_BYTES + columns.cl_length[i]), EV_CL_ORD_ID);
    state.restoreOpenOrder(scratch, 0);
    if (columns.list_id[i] !== 0) {
      state.restoreListMember(columns.order_id[i], columns.list_id[i], columns.list_contingency[i], columns.list_member[i], columns.list_held[i]);
    }
  }

  const p = POSITIONS;
  const cells = file.i32(p, 'cell');
  const lots = file.f64(p, 'position_lots');
  for (let i = 0; i < file.count(p); i++) {
    state.book.addPosition(Math.floor(cells[i] / capacity.symbols), cells[i] % capacity.symbols, lots[i]);
  }
  state.book.kill_switch.set(file.u8(FLAGS, 'kill_switch'));
  state.halted.set(file.u8(FLAGS, 'halted'));
  // Snapshots written before trading states have no column: every account was ACTIVE (the default).
  if (file.hasColumn(FLAGS, 'trading_state')) state.book.trading_state.set(file.u8(FLAGS, 'trading_state'));
  state.restoreCounters(meta.last_seq, meta.next_order_id, meta.limits_version, meta.global_kill,
    meta.global_trading_state ?? TradingState.ACTIVE);
}
