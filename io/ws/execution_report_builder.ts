/**
 * The one ExecutionReport the WebSocket gateway encodes, refilled for every report so
 * that no report allocates. It is filled from one of three sources:
 *
 * - a durable order event in the engine's event slot (the stream every session of the
 *   order's account receives);
 * - an order's current state in the read model (exec_type I, the answer to a resend that
 *   emitted no event);
 * - a NewOrder refused before it became an order (exec_type 8, order id 0).
 *
 * Each source writes the fields it knows. Quantities and prices in lots and ticks (an
 * event, an order) go through the same steps below, so both say "left", "average price"
 * and "last fill" the same way; a refused NewOrder keeps the client's own decimals and
 * reports nothing filled. The report stays as filled until the next `from...` call, so
 * it is encoded right away: once per receiving session, each with its own seq.
 */
import { EventType, OrderStatus, isFinalStatus } from '../../engine/protocol/enums.js';
import {
  EV_CL_ORD_ID, EV_CL_ORD_ID_LENGTH, EV_FILLED_QTY_LOTS, EV_FILL_NOTIONAL, EV_LAST_FILL_PRICE_TICKS,
  EV_LAST_FILL_QTY_LOTS, EV_ORDER_ID, EV_ORDER_TYPE, EV_ORIG_ORDER_ID, EV_PRICE_TICKS, EV_QTY_LOTS, EV_REASON,
  EV_REJECT_CODE, EV_SEQ, EV_SIDE, EV_STATUS, EV_STOP_PRICE_TICKS, EV_SYMBOL, EV_TIME_IN_FORCE, EV_TS_US, EV_TYPE,
  EV_FLAG, EVENT_FLAG_TRIMMED,
} from '../../engine/protocol/event_layout.js';
import { SlotViews } from '../../engine/protocol/slot_views.js';
import { Instrument, InstrumentTable } from '../../engine/reference/instruments.js';
import { OrderRecord } from '../../services/read_model/order_store.js';
import {
  ExecType, ExecutionReportInput, MutableDecimal, NewOrder, NewTrailingOrder, OrdStatus, ReportFlag, TemplateId, averagePriceDecimal, execTypeOf, ordStatusOf,
  unitsToDecimal,
} from '../binary/index.js';
import { asciiText } from '../../engine/protocol/ascii_text.js';

type DecimalField = 'qty' | 'price' | 'stop' | 'cum' | 'leaves' | 'avg' | 'last_qty' | 'last_px';

export class ExecutionReportBuilder {
  /**
   * Its fields are written from trusted engine values, or from a NewOrder the decoder
   * already checked, hence the loose type; the encoder checks every field anyway.
   */
  private readonly report: Record<keyof ExecutionReportInput, unknown>;
  /** One decimal per field, refilled in place by unitsToDecimal and averagePriceDecimal. */
  private readonly decimals: Record<DecimalField, MutableDecimal>;

  constructor(private readonly instruments: InstrumentTable) {
    const d = (): MutableDecimal => ({ mantissa: 0, scale: 0 });
    this.decimals = { qty: d(), price: d(), stop: d(), cum: d(), leaves: d(), avg: d(), last_qty: d(), last_px: d() };
    this.report = {
      seq: 0, reject_code: 0, exec_type: ExecType.NEW, ord_status: OrdStatus.NEW, exec_id: 1, order_id: 0, orig_order_id: 0,
      transact_time_us: 0, order_qty: this.decimals.qty, price: undefined, stop_price: undefined, cum_qty: this.decimals.cum,
      leaves_qty: this.decimals.leaves, avg_px: this.decimals.avg, last_qty: this.decimals.last_qty, last_px: undefined,
      side: 1, order_type: 1, time_in_force: 1, exec_reason: 0, symbol: '', client_order_id: '', report_flags: 0,
    };
  }

  /** ReportFlag bits of the report last filled, sent only to sessions that asked for them. */
  private flags = 0;

  /**
   * The report last filled, numbered with the receiving session's next seq; its
   * report_flags only if the session asked for them at logon (else zero, as version 1's
   * padding was).
   */
  numbered(seq: number, with_flags = false): ExecutionReportInput {
    this.report.seq = seq;
    this.report.report_flags = with_flags ? this.flags : 0;
    return this.report as unknown as ExecutionReportInput;
  }

  /** From a durable order event (EventType ACCEPTED through TRIGGERED). */
  fromEvent(v: SlotViews, base: number): void {
    const r = this.report;
    const instrument = this.instruments.at(v.i32[(base + EV_SYMBOL) >> 2]);
    const type = v.u8[base + EV_TYPE];
    const status = v.u8[base + EV_STATUS];
    const qty_lots = v.f64[(base + EV_QTY_LOTS) >> 3];
    r.reject_code = type === EventType.REJECTED ? v.u16[(base + EV_REJECT_CODE) >> 1] : 0;
    this.flags = type === EventType.ACCEPTED && (v.u8[base + EV_FLAG] & EVENT_FLAG_TRIMMED) !== 0 ? ReportFlag.TRIMMED : 0;
    r.exec_type = execTypeOf(type);
    r.ord_status = ordStatusOf(status);
    r.exec_id = v.f64[(base + EV_SEQ) >> 3];
    r.order_id = v.f64[(base + EV_ORDER_ID) >> 3];
    r.orig_order_id = type === EventType.REPLACED ? v.f64[(base + EV_ORIG_ORDER_ID) >> 3] : 0;
    r.transact_time_us = v.f64[(base + EV_TS_US) >> 3];
    this.termsInUnits(instrument, qty_lots, v.f64[(base + EV_PRICE_TICKS) >> 3], v.f64[(base + EV_STOP_PRICE_TICKS) >> 3]);
    this.fillsInUnits(instrument, status, qty_lots, v.f64[(base + EV_FILLED_QTY_LOTS) >> 3], v.f64[(base + EV_FILL_NOTIONAL) >> 3]);
    if (type === EventType.FILL) {
      this.lastFill(instrument, v.f64[(base + EV_LAST_FILL_QTY_LOTS) >> 3], v.f64[(base + EV_LAST_FILL_PRICE_TICKS) >> 3]);
    } else {
      this.noLastFill(instrument);
    }
    r.side = v.u8[base + EV_SIDE];
    r.order_type = v.u8[base + EV_ORDER_TYPE];
    r.time_in_force = v.u8[base + EV_TIME_IN_FORCE];
    r.exec_reason = v.u8[base + EV_REASON];
    r.symbol = instrument.spec.symbol;
    const id_at = base + EV_CL_ORD_ID;
    r.client_order_id = asciiText(v.u8, id_at, id_at + v.u8[base + EV_CL_ORD_ID_LENGTH]);
  }

  /** ExecType I: an order's current state, from the read model, as of event `exec_id`. */
  fromOrder(o: OrderRecord, exec_id: number): void {
    this.flags = 0;
    const r = this.report;
    const instrument = this.instruments.at(o.symbol);
    r.reject_code = o.status === OrderStatus.REJECTED ? o.reject_code : 0;
    r.exec_type = ExecType.ORDER_STATUS;
    r.ord_status = ordStatusOf(o.status);
    r.exec_id = Math.max(1, exec_id);
    r.order_id = o.order_id;
    r.orig_order_id = o.orig_order_id;
    r.transact_time_us = o.updated_us;
    this.termsInUnits(instrument, o.qty_lots, o.price_ticks, o.stop_price_ticks);
    this.fillsInUnits(instrument, o.status, o.qty_lots, o.filled_qty_lots, o.fill_notional);
    this.noLastFill(instrument);
    r.side = o.side;
    r.order_type = o.order_type;
    r.time_in_force = o.time_in_force;
    r.exec_reason = o.reason;
    r.symbol = instrument.spec.symbol;
    r.client_order_id = o.client_order_id;
  }

  /**
   * ExecType 8 for a NewOrder refused without creating an order (a duplicate client order
   * id with other terms): no order id, and the terms exactly as the client sent them.
   */
  fromRefusedNewOrder(m: NewOrder | NewTrailingOrder, reject_code: number, exec_id: number): void {
    this.flags = 0;
    const r = this.report;
    r.reject_code = reject_code;
    r.exec_type = ExecType.REJECTED;
    r.ord_status = OrdStatus.REJECTED;
    r.exec_id = Math.max(1, exec_id);
    r.order_id = 0;
    r.orig_order_id = 0;
    r.transact_time_us = Date.now() * 1000;
    r.order_qty = m.quantity;
    // A NewTrailingOrder has no price; its trigger_price, when sent, is the report's stop price.
    r.price = m.template_id === TemplateId.NEW_ORDER ? m.price : undefined;
    r.stop_price = m.template_id === TemplateId.NEW_ORDER ? m.stop_price : m.trigger_price;
    this.nothingFilled();
    r.side = m.side;
    r.order_type = m.order_type;
    r.time_in_force = m.time_in_force;
    r.exec_reason = 0;
    r.symbol = m.symbol;
    r.client_order_id = m.client_order_id;
  }

  /** Quantity, limit price and stop price from the engine's lots and ticks; a price of 0 is absent. */
  private termsInUnits(instrument: Instrument, qty_lots: number, price_ticks: number, stop_price_ticks: number): void {
    const r = this.report;
    const d = this.decimals;
    r.order_qty = unitsToDecimal(qty_lots, instrument.lot, d.qty);
    r.price = price_ticks > 0 ? unitsToDecimal(price_ticks, instrument.tick, d.price) : undefined;
    r.stop_price = stop_price_ticks > 0 ? unitsToDecimal(stop_price_ticks, instrument.tick, d.stop) : undefined;
  }

  /** Filled, left and average price; nothing is left of an order in a final status, filled or not. */
  private fillsInUnits(instrument: Instrument, status: number, qty_lots: number, filled_qty_lots: number, fill_notional: number): void {
    const r = this.report;
    const d = this.decimals;
    r.cum_qty = unitsToDecimal(filled_qty_lots, instrument.lot, d.cum);
    r.leaves_qty = unitsToDecimal(isFinalStatus(status) ? 0 : qty_lots - filled_qty_lots, instrument.lot, d.leaves);
    r.avg_px = averagePriceDecimal(fill_notional, filled_qty_lots, instrument.tick, d.avg);
  }

  /** The fill this report is about. */
  private lastFill(instrument: Instrument, qty_lots: number, price_ticks: number): void {
    this.report.last_qty = unitsToDecimal(qty_lots, instrument.lot, this.decimals.last_qty);
    this.report.last_px = unitsToDecimal(price_ticks, instrument.tick, this.decimals.last_px);
  }

  /** A report about no fill: last quantity 0 at the lot's scale, no last price. */
  private noLastFill(instrument: Instrument): void {
    this.report.last_qty = unitsToDecimal(0, instrument.lot, this.decimals.last_qty);
    this.report.last_px = undefined;
  }

  /**
   * For a report about no order at all: every fill field 0 with scale 0 (no instrument's
   * scale applies), no last price.
   */
  private nothingFilled(): void {
    const r = this.report;
    const d = this.decimals;
    d.cum.mantissa = 0; d.cum.scale = 0;
    d.leaves.mantissa = 0; d.leaves.scale = 0;
    d.avg.mantissa = 0; d.avg.scale = 0;
    d.last_qty.mantissa = 0; d.last_qty.scale = 0;
    r.cum_qty = d.cum;
    r.leaves_qty = d.leaves;
    r.avg_px = d.avg;
    r.last_qty = d.last_qty;
    r.last_px = undefined;
  }
}
