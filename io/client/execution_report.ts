/**
 * An ExecutionReport as the client hands it out: the wire report (PROTOCOL.md §7.2) with
 * its exact decimals as plain decimal strings ("0.01", "45001.37"; null where the wire
 * says absent), so a caller can print, compare and parse them without knowing the
 * mantissa/exponent encoding and without binary floating point.
 */
import type { ExecReason, OrderType, Side, TimeInForce } from '../../engine/protocol/enums.js';
import { Decimal, formatDecimal, normalize } from '../../engine/reference/decimal.js';
import { ExecType, OrdStatus, ReportFlag } from '../binary/index.js';
import type { ExecutionReport as WireExecutionReport } from '../binary/index.js';

export interface ExecutionReport {
  /** What happened (§8.5): NEW '0', CANCELED '4', REPLACED '5', REJECTED '8', EXPIRED 'C', TRADE 'F', TRIGGERED 'L', ORDER_STATUS 'I'. */
  readonly exec_type: ExecType;
  /** The order's status after it (§8.6). */
  readonly ord_status: OrdStatus;
  /** exec_type 8: why (a reject code); otherwise 0. */
  readonly reject_code: number;
  readonly exec_id: number;
  readonly order_id: number;
  /** exec_type 5: the order this one replaced; otherwise 0. */
  readonly orig_order_id: number;
  readonly transact_time_us: number;
  readonly client_order_id: string;
  readonly symbol: string;
  readonly side: Side;
  readonly order_type: OrderType;
  readonly time_in_force: TimeInForce;
  readonly exec_reason: ExecReason;
  readonly order_qty: string;
  readonly price: string | null;
  readonly stop_price: string | null;
  readonly cum_qty: string;
  readonly leaves_qty: string;
  readonly avg_px: string;
  /** exec_type F: this fill's quantity; otherwise "0". */
  readonly last_qty: string;
  readonly last_px: string | null;
  /** exec_type 0 of a reduce-only order: accepted with order_qty trimmed to the position, below what was sent (report_flags TRIMMED, §8.10). */
  readonly trimmed: boolean;
}

const FINAL_STATUSES: ReadonlySet<string> = new Set([
  OrdStatus.FILLED, OrdStatus.CANCELED, OrdStatus.REPLACED, OrdStatus.REJECTED, OrdStatus.EXPIRED,
]);

/** The order is done: nothing more will happen to it (filled, canceled, replaced, rejected or expired). */
export function isFinal(report: Pick<ExecutionReport, 'ord_status'>): boolean {
  return FINAL_STATUSES.has(report.ord_status);
}

function text(value: Decimal): string {
  return formatDecimal(normalize(value));
}

function optionalText(value: Decimal | undefined): string | null {
  return value === undefined ? null : text(value);
}

export function fromWire(r: WireExecutionReport): ExecutionReport {
  return {
    exec_type: r.exec_type,
    ord_status: r.ord_status,
    reject_code: r.reject_code,
    exec_id: r.exec_id,
    order_id: r.order_id,
    orig_order_id: r.orig_order_id,
    transact_time_us: r.transact_time_us,
    client_order_id: r.client_order_id,
    symbol: r.symbol,
    side: r.side,
    order_type: r.order_type,
    time_in_force: r.time_in_force,
    exec_reason: r.exec_reason,
    order_qty: text(r.order_qty),
    price: optionalText(r.price),
    stop_price: optionalText(r.stop_price),
    cum_qty: text(r.cum_qty),
    leaves_qty: text(r.leaves_qty),
    avg_px: text(r.avg_px),
    last_qty: text(r.last_qty),
    last_px: optionalText(r.last_px),
    trimmed: (r.report_flags & ReportFlag.TRIMMED) !== 0,
  };
}

export { ExecType, OrdStatus };
