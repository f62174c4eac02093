/**
 * The fixed-size event slot on the event ring (engine -> journal, io, PnL). The same
 * bytes are the payload of a journal record, so this layout is also the journal format:
 * `EVENT_LAYOUT_VERSION` goes into every segment header; append fields, never move them.
 *
 * Every order event carries the order's full state after the change, so replaying
 * events rebuilds state without re-running any decision (risk, venue, clock).
 *
 * ```
 *  0   seq                 f64   gap-free sequence number, from 1
 *  8   ts_us               f64   engine time, epoch microseconds
 *  16  order_id            f64
 *  24  orig_order_id       f64   REPLACED: the order this one replaces
 *  32  qty_lots            f64   order quantity (total, including what is filled)
 *  40  price_ticks         f64   limit price (0 = market)
 *  48  stop_price_ticks    f64   stop trigger (0 = none)
 *  56  filled_qty_lots     f64   cumulative filled quantity
 *  64  fill_notional       f64   sum of fill qty_lots * fill price_ticks (exact integer)
 *  72  last_fill_qty_lots  f64   FILL: this fill's quantity
 *  80  last_fill_price     f64   FILL: this fill's price in ticks
 *  88  expire_at_ms        f64   epoch ms (0 = never)
 *  96  ref_price_ticks     f64   price the open quantity is valued at for exposure
 *                                (limit price; stop price; for market orders the touch at entry)
 *  104 arg                 f64   admin events: limits version, state hash; ACCEPTED and
 *                                REPLACED of a list member: the list id (0: in no list)
 *  112 account             i32   interned account (-1 = all, KILL_SWITCH)
 *  116 symbol              i32   interned symbol
 *  120 session_id          u32   io session that placed the order
 *  124 content_hash        u32   hash of the order's terms, for idempotent resends
 *  128 reject_code         u16   REJECTED: the RejectCode
 *  130 type                u8    EventType
 *  131 side                u8    Side
 *  132 order_type          u8    OrderType (after a trigger: MARKET or LIMIT)
 *  133 time_in_force       u8    TimeInForce
 *  134 status              u8    OrderStatus after this event
 *  135 reason              u8    ExecReason (CANCELED, EXPIRED)
 *  136 triggered           u8    1 once a stop has triggered
 *  137 flag                u8    admin events: 1 engaged, 0 released (TRADING_STATE: the state);
 *                                ACCEPTED: EVENT_FLAG_TRIMMED when a reduce-only order was
 *                                trimmed to the position (qty_lots is below what was sent);
 *                                ACCEPTED, LIST_UPDATED: EVENT_FLAG_HELD on a held list member;
 *                                ORDER_LIST: the ContingencyType
 *  138 cl_ord_id_length    u8
 *  139 cl_ord_id           40 B
 *  179 exec_inst           u8    order events: ExecInst bits (post-only, reduce-only); 0 in
 *                                records written before it existed, which is what they meant
 *  180 trailing_offset_type u8   TrailingOffsetType of a trailing order (0 = not trailing)
 *  181 (padding to 184)
 *  184 trailing_offset     i32   trailing distance: ticks (PRICE) or basis points
 *  188 limit_offset_ticks  i32   trailing stop-limit: limit price distance from the trigger
 *                                (the three fields are 0 in records written before them)
 * ```
 */
import { LayoutBuilder } from '../layout/layout_builder.js';
import { CLIENT_ORDER_ID_MAX_BYTES } from './command_layout.js';

export const EVENT_LAYOUT_VERSION = 1;

const b = new LayoutBuilder('event');
export const EV_SEQ = b.f64('seq');
export const EV_TS_US = b.f64('ts_us');
export const EV_ORDER_ID = b.f64('order_id');
export const EV_ORIG_ORDER_ID = b.f64('orig_order_id');
export const EV_QTY_LOTS = b.f64('qty_lots');
export const EV_PRICE_TICKS = b.f64('price_ticks');
export const EV_STOP_PRICE_TICKS = b.f64('stop_price_ticks');
export const EV_FILLED_QTY_LOTS = b.f64('filled_qty_lots');
export const EV_FILL_NOTIONAL = b.f64('fill_notional');
export const EV_LAST_FILL_QTY_LOTS = b.f64('last_fill_qty_lots');
export const EV_LAST_FILL_PRICE_TICKS = b.f64('last_fill_price_ticks');
export const EV_EXPIRE_AT_MS = b.f64('expire_at_ms');
export const EV_REF_PRICE_TICKS = b.f64('ref_price_ticks');
export const EV_ARG = b.f64('arg');
export const EV_ACCOUNT = b.i32('account');
export const EV_SYMBOL = b.i32('symbol');
export const EV_SESSION_ID = b.u32('session_id');
export const EV_CONTENT_HASH = b.u32('content_hash');
export const EV_REJECT_CODE = b.u16('reject_code');
export const EV_TYPE = b.u8('type');
export const EV_SIDE = b.u8('side');
export const EV_ORDER_TYPE = b.u8('order_type');
export const EV_TIME_IN_FORCE = b.u8('time_in_force');
export const EV_STATUS = b.u8('status');
export const EV_REASON = b.u8('reason');
export const EV_TRIGGERED = b.u8('triggered');
export const EV_FLAG = b.u8('flag');
/** ACCEPTED event flag: the order is reduce-only and was trimmed to the position (reports say so). */
export const EVENT_FLAG_TRIMMED = 1;
/** ACCEPTED and LIST_UPDATED event flag: a list member held until its parent leaves the book (it does not work). */
export const EVENT_FLAG_HELD = 2;
export const EV_CL_ORD_ID_LENGTH = b.u8('cl_ord_id_length');
export const EV_CL_ORD_ID = b.bytes('cl_ord_id', CLIENT_ORDER_ID_MAX_BYTES);
// Taken from the padding: older journals read 0 here (no instruction), so the version stays.
export const EV_EXEC_INST = b.u8('exec_inst');
// Also from the padding, for trailing orders; 0 in older journals (no trailing orders then).
export const EV_TRAILING_OFFSET_TYPE = b.u8('trailing_offset_type');
export const EV_TRAILING_OFFSET = b.i32('trailing_offset');
export const EV_LIMIT_OFFSET_TICKS = b.i32('limit_offset_ticks');
export const EVENT_SLOT_BYTES = b.finish(192);
export const eventLayoutFields = b.describe();

if (EV_ACCOUNT !== 112 || EV_REJECT_CODE !== 128 || EV_TYPE !== 130 || EV_CL_ORD_ID !== 139 || EV_EXEC_INST !== 179
  || EV_TRAILING_OFFSET_TYPE !== 180 || EV_TRAILING_OFFSET !== 184 || EV_LIMIT_OFFSET_TICKS !== 188) {
  throw new Error('event layout moved: bump EVENT_LAYOUT_VERSION and update the diagram');
}
