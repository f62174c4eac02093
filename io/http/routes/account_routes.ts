/**
 * GET /positions and GET /pnl for the caller's account (`?account=` accepted when it is
 * the caller's own), rendered from the tables the PnL worker keeps in shared memory:
 * netted position, average price, realized and unrealized PnL, daily PnL and drawdown.
 */
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { renderAccountPnl, renderPositions, PositionsViewSource } from '../../../services/pnl/positions_view.js';
import { IoContext } from '../../io_context.js';
import { HttpRequest, HttpResponder } from '../http_types.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';
import { authenticate, queryParams } from './route_helpers.js';

export function addAccountRoutes(router: Router, ctx: IoContext, source: PositionsViewSource): void {
  router.add('GET', '/positions', (req, res) => {
    const account = callerAccount(ctx, req, res);
    if (account < 0) return;
    const symbol_name = queryParams(req.query).get('symbol');
    let symbol: number | undefined;
    if (symbol_name !== null) {
      symbol = ctx.instruments.indexOf(symbol_name.toUpperCase());
      if (symbol < 0) return sendRefusal(res, RejectCode.UNKNOWN_SYMBOL, `unknown symbol ${JSON.stringify(symbol_name)}`);
    }
    const positions = renderPositions(source, { account, symbol });
    sendJson(res, 200, { success: true, account: ctx.accounts.nameOf(account), count: positions.length, positions });
  });
  router.add('GET', '/pnl', (req, res) => {
    const account = callerAccount(ctx, req, res);
    if (account < 0) return;
    const [pnl] = renderAccountPnl(source, account);
    sendJson(res, 200, { success: true, ...pnl });
  });
}

/** The caller's account; `?account=` must name it. -1 after answering an error. */
function callerAccount(ctx: IoContext, req: HttpRequest, res: HttpResponder): number {
  const account = authenticate(ctx, req, res);
  if (account < 0) return -1;
  const named = queryParams(req.query).get('account');
  if (named !== null && named !== ctx.accounts.nameOf(account)) {
    sendRefusal(res, RejectCode.ACCOUNT_MISMATCH, 'the API key does not belong to that account');
    return -1;
  }
  return account;
}
