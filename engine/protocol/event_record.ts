/**
 * Plain-object views of events and replies, for everything off the hot path (io replies,
 * sinks, tests). Decoding allocates; the engine never calls these.
 */
import {
  EV_ACCOUNT, EV_ARG, EV_CL_ORD_ID, EV_CL_ORD_ID_LENGTH, EV_CONTENT_HASH, EV_EXPIRE_AT_MS, EV_FILLED_QTY_LOTS,
  EV_FILL_NOTIONAL, EV_FLAG, EV_LAST_FILL_PRICE_TICKS, EV_LAST_FILL_QTY_LOTS, EV_ORDER_ID, EV_ORDER_TYPE,
  EV_ORIG_ORDER_ID, EV_PRICE_TICKS, EV_QTY_LOTS, EV_REASON, EV_REF_PRICE_TICKS, EV_REJECT_CODE, EV_SEQ,
  EV_SESSION_ID, EV_SIDE, EV_STATUS, EV_STOP_PRICE_TICKS, EV_SYMBOL, EV_TIME_IN_FORCE, EV_TRIGGERED, EV_TS_US, EV_TYPE, EV_EXEC_INST,
  EV_LIMIT_OFFSET_TICKS, EV_TRAILING_OFFSET, EV_TRAILING_OFFSET_TYPE,
} from './event_layout.js';
import {
  RP_AMOUNT, RP_ARG, RP_CODE, RP_COMMAND_TYPE, RP_ENGINE_IN_US, RP_ENGINE_OUT_US, RP_FLAG, RP_LAST_SEQ, RP_ORDER_ID, RP_REQUEST_ID, RP_RISK_LEVEL, RP_WARNINGS,
} from './reply_layout.js';
import { asciiText } from './ascii_text.js';
import { SlotViews } from './slot_views.js';

export interface EventRecord {
  seq: number;
  ts_us: number;
  type: number;
  order_id: number;
  orig_order_id: number;
  account: number;
  symbol: number;
  session_id: number;
  side: number;
  order_type: number;
  time_in_force: number;
  status: number;
  reason: number;
  reject_code: number;
  triggered: number;
  flag: number;
  /** ExecInst bits (post-only, reduce-only). */
  exec_inst: number;
  /** Trailing orders: TrailingOffsetType (0: none), distance (ticks or basis points), stop-limit's limit offset (ticks). */
  trailing_offset_type: number;
  trailing_offset: number;
  limit_offset_ticks: number;
  qty_lots: number;
  price_ticks: number;
  stop_price_ticks: number;
  filled_qty_lots: number;
  fill_notional: number;
  last_fill_qty_lots: number;
  last_fill_price_ticks: number;
  expire_at_ms: number;
  ref_price_ticks: number;
  arg: number;
  content_hash: number;
  client_order_id: string;
}

export function decodeEvent(v: SlotViews, base: number): EventRecord {
  const client_order_id = asciiText(v.u8, base + EV_CL_ORD_ID, base + EV_CL_ORD_ID + v.u8[base + EV_CL_ORD_ID_LENGTH]);
  return {
    seq: v.f64[(base + EV_SEQ) >> 3],
    ts_us: v.f64[(base + EV_TS_US) >> 3],
    type: v.u8[base + EV_TYPE],
    order_id: v.f64[(base + EV_ORDER_ID) >> 3],
    orig_order_id: v.f64[(base + EV_ORIG_ORDER_ID) >> 3],
    account: v.i32[(base + EV_ACCOUNT) >> 2],
    symbol: v.i32[(base + EV_SYMBOL) >> 2],
    session_id: v.u32[(base + EV_SESSION_ID) >> 2],
    side: v.u8[base + EV_SIDE],
    order_type: v.u8[base + EV_ORDER_TYPE],
    time_in_force: v.u8[base + EV_TIME_IN_FORCE],
    status: v.u8[base + EV_STATUS],
    reason: v.u8[base + EV_REASON],
    reject_code: v.u16[(base + EV_REJECT_CODE) >> 1],
    triggered: v.u8[base + EV_TRIGGERED],
    flag: v.u8[base + EV_FLAG],
    exec_inst: v.u8[base + EV_EXEC_INST],
    trailing_offset_type: v.u8[base + EV_TRAILING_OFFSET_TYPE],
    trailing_offset: v.i32[(base + EV_TRAILING_OFFSET) >> 2],
    limit_offset_ticks: v.i32[(base + EV_LIMIT_OFFSET_TICKS) >> 2],
    qty_lots: v.f64[(base + EV_QTY_LOTS) >> 3],
    price_ticks: v.f64[(base + EV_PRICE_TICKS) >> 3],
    stop_price_ticks: v.f64[(base + EV_STOP_PRICE_TICKS) >> 3],
    filled_qty_lots: v.f64[(base + EV_FILLED_QTY_LOTS) >> 3],
    fill_notional: v.f64[(base + EV_FILL_NOTIONAL) >> 3],
    last_fill_qty_lots: v.f64[(base + EV_LAST_FILL_QTY_LOTS) >> 3],
    last_fill_price_ticks: v.f64[(base + EV_LAST_FILL_PRICE_TICKS) >> 3],
    expire_at_ms: v.f64[(base + EV_EXPIRE_AT_MS) >> 3],
    ref_price_ticks: v.f64[(base + EV_REF_PRICE_TICKS) >> 3],
    arg: v.f64[(base + EV_ARG) >> 3],
    content_hash: v.u32[(base + EV_CONTENT_HASH) >> 2],
    client_order_id,
  };
}

export interface ReplyRecord {
  request_id: number;
  command_type: number;
  code: number;
  order_id: number;
  last_seq: number;
  flag: number;
  risk_level: number;
  warnings: number;
  arg: number;
  /** Stage timing of a traced command (epoch µs); meaningless for others. */
  engine_in_us: number;
  engine_out_us: number;
  /** ACCOUNT_STATUS: gross exposure in micros; meaningless for others. */
  amount: number;
}

export function decodeReply(v: SlotViews, base: number): ReplyRecord {
  return {
    request_id: v.u32[(base + RP_REQUEST_ID) >> 2],
    command_type: v.u8[base + RP_COMMAND_TYPE],
    code: v.u16[(base + RP_CODE) >> 1],
    order_id: v.f64[(base + RP_ORDER_ID) >> 3],
    last_seq: v.f64[(base + RP_LAST_SEQ) >> 3],
    flag: v.u8[base + RP_FLAG],
    risk_level: v.u8[base + RP_RISK_LEVEL],
    warnings: v.u32[(base + RP_WARNINGS) >> 2],
    arg: v.f64[(base + RP_ARG) >> 3],
    engine_in_us: v.f64[(base + RP_ENGINE_IN_US) >> 3],
    engine_out_us: v.f64[(base + RP_ENGINE_OUT_US) >> 3],
    amount: v.f64[(base + RP_AMOUNT) >> 3],
  };
}
