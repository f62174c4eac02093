/**
 * GET /account: the caller's own limits beside its current use of them, so a client can
 * see how close it is to a refusal before it gets one.
 *
 * The use comes from the engine itself (an ACCOUNT_STATUS command: open orders, exposure
 * and message-rate tokens exactly as risk counts them, taking no token), answered once
 * everything the engine had done by then is durable, like every other answer. The daily
 * PnL comes from the shared PnL table risk reads; the limits from the bank the engine
 * checks against now, overrides applied. Money is in the quote currency.
 *
 * The portfolio sums (gross and net notional across the account's symbols at the mark,
 * open orders counted) come from a second ACCOUNT_STATUS (flag: portfolio), sent once the
 * first is answered: one reply slot has no room for both.
 */
import { TradingState } from '../../../engine/protocol/enums.js';
import { ReplyRecord } from '../../../engine/protocol/event_record.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { formatUnits } from '../../../engine/reference/decimal.js';
import { MICRO } from '../../../engine/reference/instruments.js';
import { PNL_FIELD_COUNT, PnlField } from '../../../engine/reference/pnl_table.js';
import { SeqlockTable } from '../../../engine/reference/seqlock_table.js';
import { AdminState, tradingStateName } from '../../admin/admin_state.js';
import { limitOrNull, LimitsManager } from '../../admin/limits_manager.js';
import { IoContext } from '../../io_context.js';
import { RequestKind } from '../../request_latency.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';
import { authenticate, queryParams } from './route_helpers.js';

export interface AccountStatusSource {
  readonly limits: LimitsManager;
  readonly admin: AdminState;
  readonly pnl: SeqlockTable;
}

export function addAccountStatusRoute(router: Router, ctx: IoContext, source: AccountStatusSource): void {
  const pnl_row = new Float64Array(PNL_FIELD_COUNT);
  router.add('GET', '/account', (req, res) => {
    const started = performance.now();
    const account = authenticate(ctx, req, res);
    if (account < 0) return;
    const named = queryParams(req.query).get('account');
    if (named !== null && named !== ctx.accounts.nameOf(account)) {
      return sendRefusal(res, RejectCode.ACCOUNT_MISMATCH, 'the API key does not belong to that account');
    }
    const submitted = ctx.link.submit(
      (writer, request_id) => writer.accountStatus(request_id, account),
      (reply) => {
        if (reply.code !== RejectCode.OK) return sendRefusal(res, reply.code);
        const second = ctx.link.submit((writer, request_id) => writer.accountStatus(request_id, account, true), (portfolio) => {
          if (portfolio.code !== RejectCode.OK) return sendRefusal(res, portfolio.code);
          answer(reply, portfolio);
        });
        if (second === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
      },
    );
    if (submitted === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);

    /** `reply`: the limits' use; `portfolio`: gross in amount, net if every buy filled in arg, if every sell filled in order_id. */
    function answer(reply: ReplyRecord, portfolio: ReplyRecord): void {
        const bank = source.limits.activeLimits();
        source.pnl.read(account, pnl_row);
        const money = (micros: number) => Number(formatUnits(Math.round(micros), MICRO));
        const daily_pnl_micros = pnl_row[PnlField.DAILY_PNL_MICROS];
        const daily_loss_micros = daily_pnl_micros < 0 ? -daily_pnl_micros : 0;
        const open_orders = reply.warnings;
        const exposure_micros = reply.amount;
        const max_open_orders = bank.max_open_orders[account];
        const credit_micros = bank.credit_limit_micros[account];
        const loss_limit_micros = bank.daily_loss_limit_micros[account];
        const max_net_micros = bank.max_net_notional_micros[account];
        const max_gross_micros = bank.max_gross_notional_micros[account];
        const gross_micros = portfolio.amount;
        const net_long_micros = portfolio.arg;
        const net_short_micros = portfolio.order_id;
        sendJson(res, 200, {
          success: true,
          account: ctx.accounts.nameOf(account),
          quote_currency: ctx.instruments.quote_currency,
          trading: !source.admin.global_kill && !source.admin.killed_accounts.has(account)
            && source.admin.effectiveTradingState(account) !== TradingState.HALTED,
          trading_state: tradingStateName(source.admin.effectiveTradingState(account)),
          account_trading_state: tradingStateName(source.admin.accountTradingState(account)),
          global_trading_state: tradingStateName(source.admin.global_trading_state),
          kill_switch: source.admin.accountKilled(account),
          global_kill_switch: source.admin.globalKilled(),
          limits: {
            max_open_orders,
            credit_limit: money(credit_micros),
            rate_per_sec: bank.rate_per_sec[account],
            burst: bank.burst[account],
            modify_rate_per_sec: bank.modify_rate_per_sec[account],
            modify_burst: bank.modify_burst[account],
            daily_loss_limit: money(loss_limit_micros),
            max_net_notional: limitOrNull(max_net_micros),
            max_gross_notional: limitOrNull(max_gross_micros),
            position_limits: Object.fromEntries(ctx.instruments.instruments.map((i) => [
              i.spec.symbol, ctx.instruments.lotsToText(i.index, bank.max_position_lots[account * ctx.instruments.count + i.index]),
            ])),
          },
          usage: {
            open_orders,
            open_orders_left: Math.max(0, max_open_orders - open_orders),
            exposure: money(exposure_micros),
            credit_left: money(Math.max(0, credit_micros - exposure_micros)),
            rate_tokens: Math.floor(reply.arg),
            // The ACCOUNT_STATUS reply carries the modification bucket in order_id (reply_layout.ts).
            modify_rate_tokens: Math.floor(reply.order_id),
            daily_pnl: money(daily_pnl_micros),
            daily_loss: money(daily_loss_micros),
            daily_loss_left: money(Math.max(0, loss_limit_micros - daily_loss_micros)),
            pnl_updated_at: pnl_row[PnlField.UPDATED_AT_MS] > 0 ? new Date(pnl_row[PnlField.UPDATED_AT_MS]).toISOString() : null,
            gross_notional: money(gross_micros),
            net_notional_long: money(net_long_micros),
            net_notional_short: money(net_short_micros),
            gross_notional_left: max_gross_micros === Infinity ? null : money(Math.max(0, max_gross_micros - gross_micros)),
            net_notional_left: max_net_micros === Infinity ? null
              : money(Math.max(0, max_net_micros - Math.max(net_long_micros, -net_short_micros))),
          },
          limits_version: source.limits.version,
        });
        ctx.latency.observe(RequestKind.HTTP_ACCOUNT, (performance.now() - started) / 1000);
    }
  });
}
