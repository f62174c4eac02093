/**
 * The one ExecutionReport builder behind every report the WebSocket gateway sends: from a
 * durable event, from an order's state in the read model, and for a NewOrder refused
 * before it became an order. Each report is encoded and decoded again, as a client reads it.
 */
import t from 'tap';
import { EventType, ExecReason, OrderStatus, OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import {
  EV_CL_ORD_ID, EV_CL_ORD_ID_LENGTH, EV_FILLED_QTY_LOTS, EV_FILL_NOTIONAL, EV_LAST_FILL_PRICE_TICKS, EV_LAST_FILL_QTY_LOTS,
  EV_ORDER_ID, EV_ORDER_TYPE, EV_PRICE_TICKS, EV_QTY_LOTS, EV_REASON, EV_SEQ, EV_SIDE, EV_STATUS, EV_SYMBOL,
  EV_TIME_IN_FORCE, EV_TS_US, EV_TYPE, EVENT_SLOT_BYTES,
} from '../../../engine/protocol/event_layout.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import {
  decodeServerMessages, encodeExecutionReport, ExecType, NewOrder, OrdStatus, Refusal, TemplateId,
} from '../../../io/binary/index.js';
import type { ExecutionReport } from '../../../io/binary/index.js';
import { ExecutionReportBuilder } from '../../../io/ws/execution_report_builder.js';
import { OrderRecord } from '../../../services/read_model/order_store.js';

// BTCUSDT: tick 0.01, lot 0.0001. The order: buy 0.5 at 45000.12, 0.2 filled at that price.
const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
const BTCUSDT = instruments.indexOf('BTCUSDT');
const QTY_LOTS = 5000;
const FILLED_LOTS = 2000;
const PRICE_TICKS = 4_500_012;

function eventSlot(type: number, status: number): ReturnType<typeof slotViewsOver> {
  const v = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
  v.u8[EV_TYPE] = type;
  v.u8[EV_STATUS] = status;
  v.f64[EV_SEQ >> 3] = 41;
  v.f64[EV_ORDER_ID >> 3] = 7;
  v.f64[EV_TS_US >> 3] = 1_767_614_400_000_000;
  v.i32[EV_SYMBOL >> 2] = BTCUSDT;
  v.f64[EV_QTY_LOTS >> 3] = QTY_LOTS;
  v.f64[EV_PRICE_TICKS >> 3] = PRICE_TICKS;
  v.f64[EV_FILLED_QTY_LOTS >> 3] = FILLED_LOTS;
  v.f64[EV_FILL_NOTIONAL >> 3] = FILLED_LOTS * PRICE_TICKS;
  v.f64[EV_LAST_FILL_QTY_LOTS >> 3] = FILLED_LOTS;
  v.f64[EV_LAST_FILL_PRICE_TICKS >> 3] = PRICE_TICKS;
  v.u8[EV_SIDE] = Side.BUY;
  v.u8[EV_ORDER_TYPE] = OrderType.LIMIT;
  v.u8[EV_TIME_IN_FORCE] = TimeInForce.GTC;
  v.u8[EV_REASON] = type === EventType.CANCELED ? ExecReason.CLIENT_CANCEL : ExecReason.NONE;
  const id = 'ord-1';
  v.u8[EV_CL_ORD_ID_LENGTH] = id.length;
  for (let i = 0; i < id.length; i++) v.u8[EV_CL_ORD_ID + i] = id.charCodeAt(i);
  return v;
}

const order: OrderRecord = {
  order_id: 7, orig_order_id: 0, replaced_by: 0, account: 0, symbol: BTCUSDT, session_id: 3, side: Side.BUY,
  order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, status: OrderStatus.PARTIALLY_FILLED, reason: 0,
  triggered: 0, exec_inst: 0, trailing_offset_type: 0, trailing_offset: 0, limit_offset_ticks: 0, reject_code: 0, qty_lots: QTY_LOTS, price_ticks: PRICE_TICKS, stop_price_ticks: 0,
  filled_qty_lots: FILLED_LOTS, fill_notional: FILLED_LOTS * PRICE_TICKS, last_fill_qty_lots: FILLED_LOTS,
  last_fill_price_ticks: PRICE_TICKS, expire_at_ms: 0, created_us: 1_767_614_399_000_000,
  updated_us: 1_767_614_400_000_000, last_seq: 41, list_id: 0, trimmed: 0, client_order_id: 'ord-1',
};

/** Encodes the builder's report as session seq `seq` and decodes it as a client would. */
function sent(builder: ExecutionReportBuilder, seq: number): ExecutionReport {
  const out = new Uint8Array(256);
  const length = encodeExecutionReport(out, 0, builder.numbered(seq));
  const [message] = decodeServerMessages(out.subarray(0, length));
  if (message === undefined || message instanceof Refusal || message.template_id !== TemplateId.EXECUTION_REPORT) {
    throw new Error('not an ExecutionReport');
  }
  return message;
}

const terms = {
  order_id: 7, side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, symbol: 'BTCUSDT',
  client_order_id: 'ord-1', order_qty: { mantissa: 5000n, scale: 4 }, price: { mantissa: 4500012n, scale: 2 },
  cum_qty: { mantissa: 2000n, scale: 4 }, leaves_qty: { mantissa: 3000n, scale: 4 }, avg_px: { mantissa: 4500012n, scale: 2 },
};

t.test('a fill event and the order it left behind report the same terms and fills; only the fill has a last fill', (t) => {
  const builder = new ExecutionReportBuilder(instruments);
  builder.fromEvent(eventSlot(EventType.FILL, OrderStatus.PARTIALLY_FILLED), 0);
  const fill = sent(builder, 1);
  t.match(fill, { ...terms, seq: 1, exec_type: ExecType.TRADE, ord_status: OrdStatus.PARTIALLY_FILLED, exec_id: 41 });
  t.same(fill.last_qty, { mantissa: 2000n, scale: 4 });
  t.same(fill.last_px, { mantissa: 4500012n, scale: 2 });
  builder.fromOrder(order, 41);
  const status = sent(builder, 2);
  t.match(status, { ...terms, seq: 2, exec_type: ExecType.ORDER_STATUS, ord_status: OrdStatus.PARTIALLY_FILLED, exec_id: 41 });
  t.same(status.last_qty, { mantissa: 0n, scale: 4 }, 'no last quantity, at the lot\'s scale');
  t.equal(status.last_px, undefined, 'no last price');
  t.equal(status.stop_price, undefined, 'a stop price of 0 ticks is absent');
  t.end();
});

t.test('an order in a final status has nothing left, whatever it did not fill', (t) => {
  const builder = new ExecutionReportBuilder(instruments);
  builder.fromEvent(eventSlot(EventType.CANCELED, OrderStatus.CANCELED), 0);
  const canceled = sent(builder, 1);
  t.match(canceled, { exec_type: ExecType.CANCELED, ord_status: OrdStatus.CANCELED, exec_reason: ExecReason.CLIENT_CANCEL });
  t.same(canceled.cum_qty, { mantissa: 2000n, scale: 4 });
  t.same(canceled.leaves_qty, { mantissa: 0n, scale: 4 });
  t.equal(canceled.last_px, undefined);
  builder.fromOrder({ ...order, status: OrderStatus.CANCELED }, 42);
  t.same(sent(builder, 2).leaves_qty, { mantissa: 0n, scale: 4 });
  t.end();
});

t.test('a NewOrder refused before it became an order reports its terms exactly as sent and nothing filled, even right after a fill', (t) => {
  const builder = new ExecutionReportBuilder(instruments);
  builder.fromEvent(eventSlot(EventType.FILL, OrderStatus.PARTIALLY_FILLED), 0);
  sent(builder, 1);
  const m: NewOrder = {
    template_id: TemplateId.NEW_ORDER, seq: 4, client_order_id: 'ord-1', symbol: 'btcusdt', side: Side.SELL,
    order_type: OrderType.STOP_LIMIT, time_in_force: TimeInForce.DAY, quantity: { mantissa: 50n, scale: 2 },
    price: { mantissa: 450000n, scale: 1 }, stop_price: { mantissa: 44990n, scale: 0 }, expire_time_ms: 0,
  } as NewOrder;
  builder.fromRefusedNewOrder(m, RejectCode.DUPLICATE_CLIENT_ORDER_ID, 0);
  const refused = sent(builder, 2);
  const zero = { mantissa: 0n, scale: 0 };
  t.match(refused, {
    seq: 2, reject_code: RejectCode.DUPLICATE_CLIENT_ORDER_ID, exec_type: ExecType.REJECTED, ord_status: OrdStatus.REJECTED,
    exec_id: 1, order_id: 0, orig_order_id: 0, side: Side.SELL, order_type: OrderType.STOP_LIMIT,
    time_in_force: TimeInForce.DAY, exec_reason: ExecReason.NONE, symbol: 'btcusdt', client_order_id: 'ord-1',
  });
  t.same([refused.order_qty, refused.price, refused.stop_price], [m.quantity, m.price, m.stop_price], 'the client\'s decimals, scale included');
  t.same([refused.cum_qty, refused.leaves_qty, refused.avg_px, refused.last_qty], [zero, zero, zero, zero]);
  t.equal(refused.last_px, undefined, 'the previous fill\'s last price is gone');
  t.end();
});
