/**
 * POST /check: the seed's pre-trade risk dry run. The engine runs every risk rule on the
 * order as if it were placed, against the same state and limits, and places nothing.
 * Answers 200 with {approved, risk_level, reason, warnings} whether approved or not;
 * 4xx only for a request that is itself invalid.
 */
import { RiskLevel, RiskWarning, nameOf } from '../../../engine/protocol/enums.js';
import { RejectCode, rejectInfo } from '../../../engine/protocol/reject_codes.js';
import { IoContext } from '../../io_context.js';
import { RequestKind } from '../../request_latency.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';
import { authenticate, readNewOrder } from './route_helpers.js';

const WARNING_TEXT: Record<number, string> = {
  [RiskWarning.ORDER_QTY_NEAR_LIMIT]: 'quantity is at 80% or more of the maximum order quantity',
  [RiskWarning.ORDER_NOTIONAL_NEAR_LIMIT]: 'notional is at 80% or more of the maximum order notional',
  [RiskWarning.POSITION_NEAR_LIMIT]: 'the position would reach 80% or more of the position limit',
  [RiskWarning.CREDIT_NEAR_LIMIT]: 'gross exposure would reach 80% or more of the credit limit',
  [RiskWarning.OPEN_ORDERS_NEAR_LIMIT]: 'open orders would reach 80% or more of the maximum',
  [RiskWarning.PRICE_FAR_FROM_MARK]: 'the price is at 80% or more of the collar distance from the mark',
  [RiskWarning.DAILY_LOSS_NEAR_LIMIT]: 'the daily loss is at 80% or more of the daily loss limit',
  [RiskWarning.THROTTLE_NEAR_LIMIT]: 'the message rate is at 80% or more of the throttle',
  [RiskWarning.PORTFOLIO_NET_NEAR_LIMIT]: 'the net notional across all symbols would reach 80% or more of max_net_notional',
  [RiskWarning.PORTFOLIO_GROSS_NEAR_LIMIT]: 'the gross notional across all symbols would reach 80% or more of max_gross_notional',
};

export function addCheckRoute(router: Router, ctx: IoContext): void {
  router.add('POST', '/check', (req, res) => {
    const started = performance.now();
    const account = authenticate(ctx, req, res);
    if (account < 0) return;
    const order = readNewOrder(ctx, account, req, res);
    if (order === undefined) return;
    const submitted = ctx.link.submit(
      (writer, request_id) => writer.check({
        request_id, account, symbol: order.symbol, side: order.side, order_type: order.order_type,
        time_in_force: order.time_in_force, qty_lots: order.qty_lots, price_ticks: order.price_ticks,
        stop_price_ticks: order.stop_price_ticks, expire_at_ms: 0, session_id: 0, client_order_id: 'check',
        exec_inst: order.exec_inst, trailing_offset_type: order.trailing_offset_type, trailing_offset: order.trailing_offset,
        limit_offset_ticks: order.limit_offset_ticks,
      }),
      (reply) => {
        if (reply.code === RejectCode.TIMEOUT) return sendRefusal(res, RejectCode.TIMEOUT);
        const approved = reply.code === RejectCode.OK;
        const warnings: string[] = [];
        for (const bit of Object.values(RiskWarning)) if ((reply.warnings & bit) !== 0) warnings.push(WARNING_TEXT[bit]);
        sendJson(res, 200, {
          approved,
          risk_level: String(nameOf(RiskLevel, reply.risk_level) ?? 'CRITICAL'),
          reason: approved ? 'within all limits' : rejectInfo(reply.code).reason,
          code: approved ? null : rejectInfo(reply.code).name,
          reject_code: approved ? null : reply.code,
          warnings,
          utilization_pct: reply.arg / 100,
        });
        ctx.latency.observe(RequestKind.HTTP_CHECK, (performance.now() - started) / 1000);
      },
    );
    if (submitted === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
  });
}
