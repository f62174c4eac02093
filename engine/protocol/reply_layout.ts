/**
 * The fixed-size reply slot on the reply ring (engine -> io thread). Every command gets
 * exactly one reply, in command order. A reply is not an event: it changes no state and
 * is never journaled. It tells the io thread how a request ended and the last event
 * sequence it depends on; io answers the client once that sequence is durable.
 *
 * ```
 *  0   order_id       f64   the order the request created or touched (0 = none);
 *                           ACCOUNT_STATUS: modification-rate tokens left (it names no order)
 *  8   last_seq       f64   highest event sequence this request produced or depends on
 *  16  arg            f64   CHECK: the highest limit utilisation, in basis points;
 *                           ACCOUNT_STATUS: new-order tokens left
 *  24  request_id     u32   echoed from the command
 *  28  warnings       u32   CHECK: RiskWarning bits
 *  32  code           u16   RejectCode (0 = OK)
 *  34  command_type   u8    CommandType of the request
 *  35  risk_level     u8    CHECK: RiskLevel
 *  36  flag           u8    bits: 1 = idempotent resend: order_id is the original order;
 *                           2 = NEW_ORDER accepted reduce-only with its quantity trimmed to
 *                           the position (arg: the quantity asked for, in lots)
 *  40  engine_in_us   f64   traced commands only (command trace = 1): when the engine took
 *  48  engine_out_us  f64   the command and when it had handled it, epoch microseconds;
 *                           other replies leave both as they were (stale)
 *  56  amount         f64   ACCOUNT_STATUS: gross exposure in micros (open orders plus
 *                           positions at the last price); other replies leave it stale,
 *                           so the hot path pays no store for it
 * ```
 */
import { LayoutBuilder } from '../layout/layout_builder.js';

const b = new LayoutBuilder('reply');
export const RP_ORDER_ID = b.f64('order_id');
export const RP_LAST_SEQ = b.f64('last_seq');
export const RP_ARG = b.f64('arg');
export const RP_REQUEST_ID = b.u32('request_id');
export const RP_WARNINGS = b.u32('warnings');
export const RP_CODE = b.u16('code');
export const RP_COMMAND_TYPE = b.u8('command_type');
export const RP_RISK_LEVEL = b.u8('risk_level');
export const RP_FLAG = b.u8('flag');
export const RP_ENGINE_IN_US = b.f64('engine_in_us');
export const RP_ENGINE_OUT_US = b.f64('engine_out_us');
export const RP_AMOUNT = b.f64('amount');
export const REPLY_SLOT_BYTES = b.finish(64);
export const replyLayoutFields = b.describe();

export const REPLY_FLAG_DUPLICATE = 1;
export const REPLY_FLAG_TRIMMED = 2;

if (RP_REQUEST_ID !== 24 || RP_CODE !== 32 || RP_FLAG !== 36 || RP_ENGINE_IN_US !== 40 || RP_ENGINE_OUT_US !== 48 || RP_AMOUNT !== 56) throw new Error('reply layout moved: update the diagram');
