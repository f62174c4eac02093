/**
 * Operator routes, all behind the admin token (OMS_ADMIN_TOKEN; without it they answer
 * 403): the kill switch (global or per account: the trading state HALTED plus cancel-all;
 * release: ACTIVE), trading states (global or per account: ACTIVE, REDUCING, HALTED, with
 * cancel_open_orders to pull every open order in scope too), symbol halts, and risk limits
 * (read, and replace atomically). Every change is an engine event, journaled: a restart
 * keeps it.
 */
import { TradingState } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { LimitOverrides } from '../../../engine/reference/risk_limits.js';
import { AdminState, tradingStateName } from '../../admin/admin_state.js';
import { LimitsManager } from '../../admin/limits_manager.js';
import { IoContext } from '../../io_context.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';
import { parseJsonObject, requireAdmin } from './route_helpers.js';

export function addAdminRoutes(router: Router, ctx: IoContext, admin: AdminState, limits: LimitsManager): void {
  router.add('POST', '/admin/kill-switch', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    const body = parseJsonObject(req, res);
    if (body === undefined) return;
    if (typeof body.engaged !== 'boolean') return sendRefusal(res, RejectCode.INVALID_FIELD_TYPE, 'engaged must be true or false');
    let account = -1;
    if (body.account !== undefined && body.account !== null) {
      if (typeof body.account !== 'string') return sendRefusal(res, RejectCode.INVALID_FIELD_TYPE, 'account must be a string (omit it for the global switch)');
      account = ctx.accounts.indexOf(body.account);
      if (account < 0) return sendRefusal(res, RejectCode.UNKNOWN_ACCOUNT, `unknown account ${JSON.stringify(body.account)}`);
    }
    const engaged = body.engaged;
    // The kill switch is a trading state: HALTED plus cancel-all (one engine command, so no
    // order can slip in between), and its release is ACTIVE.
    const trading_state = engaged ? TradingState.HALTED : TradingState.ACTIVE;
    const setState = () => ctx.link.submit((w, id) => w.tradingState(id, account, trading_state, engaged), (reply) => {
      if (reply.code !== RejectCode.OK) return sendRefusal(res, reply.code);
      sendJson(res, 200, {
        success: true,
        scope: account < 0 ? 'global' : ctx.accounts.nameOf(account),
        engaged,
        state: tradingStateName(trading_state),
        canceled_orders: engaged ? reply.arg : 0,
      });
    });
    // A journal written before the kill switch became a trading state may have left the old
    // flag on: a release clears it first.
    const legacy = account < 0 ? admin.global_kill : admin.killed_accounts.has(account);
    const submitted = !engaged && legacy
      ? ctx.link.submit((w, id) => w.killSwitch(id, account, false), (reply) => {
        if (reply.code !== RejectCode.OK) return sendRefusal(res, reply.code);
        if (setState() === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
      })
      : setState();
    if (submitted === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
  });

  router.add('POST', '/admin/trading-state', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    const body = parseJsonObject(req, res);
    if (body === undefined) return;
    for (const key of Object.keys(body)) {
      if (key !== 'account' && key !== 'state' && key !== 'cancel_open_orders') {
        return sendRefusal(res, RejectCode.UNKNOWN_FIELD, `unknown field ${JSON.stringify(key)}: the body is {account?, state, cancel_open_orders?}`);
      }
    }
    if (body.cancel_open_orders !== undefined && typeof body.cancel_open_orders !== 'boolean') {
      return sendRefusal(res, RejectCode.INVALID_FIELD_TYPE, 'cancel_open_orders must be true or false');
    }
    const cancel_all = body.cancel_open_orders === true;
    if (body.state === undefined) return sendRefusal(res, RejectCode.MISSING_FIELD, 'state is required (ACTIVE, REDUCING or HALTED)');
    const trading_state = typeof body.state === 'string' ? TradingState[body.state.toUpperCase() as keyof typeof TradingState] : undefined;
    if (trading_state === undefined) return sendRefusal(res, RejectCode.VALUE_OUT_OF_RANGE, 'state must be ACTIVE, REDUCING or HALTED');
    let account = -1;
    if (body.account !== undefined && body.account !== null) {
      if (typeof body.account !== 'string') return sendRefusal(res, RejectCode.INVALID_FIELD_TYPE, 'account must be a string (omit it for the global state)');
      account = ctx.accounts.indexOf(body.account);
      if (account < 0) return sendRefusal(res, RejectCode.UNKNOWN_ACCOUNT, `unknown account ${JSON.stringify(body.account)}`);
    }
    const submitted = ctx.link.submit((w, id) => w.tradingState(id, account, trading_state, cancel_all), (reply) => {
      if (reply.code !== RejectCode.OK) return sendRefusal(res, reply.code);
      sendJson(res, 200, {
        success: true, scope: account < 0 ? 'global' : ctx.accounts.nameOf(account), state: tradingStateName(trading_state),
        canceled_orders: cancel_all ? reply.arg : 0,
      });
    });
    if (submitted === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
  });

  router.add('POST', '/admin/halt', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    const body = parseJsonObject(req, res);
    if (body === undefined) return;
    if (typeof body.symbol !== 'string') return sendRefusal(res, RejectCode.MISSING_FIELD, 'symbol is required');
    if (typeof body.halted !== 'boolean') return sendRefusal(res, RejectCode.INVALID_FIELD_TYPE, 'halted must be true or false');
    const symbol = ctx.instruments.indexOf(body.symbol.toUpperCase());
    if (symbol < 0) return sendRefusal(res, RejectCode.UNKNOWN_SYMBOL);
    const halted = body.halted;
    const submitted = ctx.link.submit((w, id) => w.symbolHalt(id, symbol, halted), (reply) => {
      if (reply.code !== RejectCode.OK) return sendRefusal(res, reply.code);
      sendJson(res, 200, { success: true, symbol: ctx.instruments.at(symbol).spec.symbol, halted });
    });
    if (submitted === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
  });

  router.add('GET', '/admin/limits', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    sendJson(res, 200, { success: true, ...(limits.describe() as object) });
  });

  router.add('PUT', '/admin/limits', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    const parsed = parseJsonObject(req, res);
    if (parsed === undefined) return;
    const shape = checkOverridesShape(parsed, ctx);
    if (shape !== null) return sendRefusal(res, shape.code, shape.reason);
    const body = parsed as LimitOverrides;
    if (limits.swapInFlight()) return sendRefusal(res, RejectCode.ENGINE_BUSY, 'a limits change is already in progress');
    let prepared: { bank: number; version: number };
    try {
      prepared = limits.prepare(body);
    } catch (error) {
      return sendRefusal(res, RejectCode.VALUE_OUT_OF_RANGE, (error as Error).message);
    }
    const submitted = ctx.link.submit((w, id) => w.limitsSwap(id, prepared.bank, prepared.version), (reply) => {
      if (reply.code !== RejectCode.OK) {
        limits.abort();
        return sendRefusal(res, reply.code);
      }
      const saved = limits.commit(body, prepared.version);
      const answer = { success: true, ...(limits.describe() as object) };
      saved.then(() => sendJson(res, 200, answer),
        (error: Error) => sendRefusal(res, RejectCode.INTERNAL_ERROR, `the new limits are live but were not saved: ${error.message}`));
    });
    if (submitted === 'busy') {
      limits.abort();
      sendRefusal(res, RejectCode.ENGINE_BUSY);
    }
  });

  router.add('GET', '/admin/state', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    sendJson(res, 200, {
      success: true,
      global_kill_switch: admin.globalKilled(),
      killed_accounts: ctx.accounts.accounts.flatMap((a, index) => (admin.accountKilled(index) ? [a.name] : [])),
      halted_symbols: [...admin.halted_symbols].map((s) => ctx.instruments.at(s).spec.symbol),
      global_trading_state: tradingStateName(admin.global_trading_state),
      account_trading_states: Object.fromEntries([...admin.account_trading_states].map(([a, s]) => [ctx.accounts.nameOf(a), tradingStateName(s)])),
      limits_version: limits.version,
    });
  });
}

const SYMBOL_LIMIT_FIELDS = new Set(['max_order_qty', 'max_order_notional', 'collar_bps']);
const ACCOUNT_LIMIT_FIELDS = new Set([
  'credit_limit', 'max_open_orders', 'rate_per_sec', 'burst', 'modify_rate_per_sec', 'modify_burst', 'daily_loss_limit',
  'position_limits', 'default_position_limit', 'max_net_notional', 'max_gross_notional',
]);

/**
 * The overrides name only known symbols, accounts and fields, in objects where objects
 * belong. buildRiskLimits checks the values but looks names up, so without this a typo
 * (a misspelt field, a lower-case symbol, an unknown account) would be answered 200,
 * saved, and change nothing.
 */
function checkOverridesShape(body: Record<string, unknown>, ctx: IoContext): { code: RejectCode; reason: string } | null {
  const malformed = (reason: string) => ({ code: RejectCode.MALFORMED_BODY, reason });
  for (const key of Object.keys(body)) {
    if (key !== 'symbols' && key !== 'accounts') return malformed(`unknown key ${JSON.stringify(key)}: the body is {symbols?: {...}, accounts?: {...}}`);
  }
  if (body.symbols !== undefined) {
    if (!isPlainObject(body.symbols)) return malformed('symbols must be an object keyed by symbol');
    for (const [symbol, fields] of Object.entries(body.symbols)) {
      if (ctx.instruments.indexOf(symbol) < 0) return { code: RejectCode.UNKNOWN_SYMBOL, reason: `unknown symbol ${JSON.stringify(symbol)} in symbols` };
      if (!isPlainObject(fields)) return malformed(`symbols.${symbol} must be an object`);
      for (const field of Object.keys(fields)) {
        if (!SYMBOL_LIMIT_FIELDS.has(field)) return malformed(`symbols.${symbol}.${field} is not a symbol limit (${[...SYMBOL_LIMIT_FIELDS].join(', ')})`);
      }
    }
  }
  if (body.accounts !== undefined) {
    if (!isPlainObject(body.accounts)) return malformed('accounts must be an object keyed by account name');
    for (const [account, fields] of Object.entries(body.accounts)) {
      if (ctx.accounts.indexOf(account) < 0) return malformed(`unknown account ${JSON.stringify(account)} in accounts`);
      if (!isPlainObject(fields)) return malformed(`accounts.${account} must be an object`);
      for (const [field, value] of Object.entries(fields)) {
        if (!ACCOUNT_LIMIT_FIELDS.has(field)) return malformed(`accounts.${account}.${field} is not an account limit (${[...ACCOUNT_LIMIT_FIELDS].join(', ')})`);
        if (field !== 'position_limits') continue;
        if (!isPlainObject(value)) return malformed(`accounts.${account}.position_limits must be an object keyed by symbol`);
        for (const symbol of Object.keys(value)) {
          if (ctx.instruments.indexOf(symbol) < 0) {
            return { code: RejectCode.UNKNOWN_SYMBOL, reason: `unknown symbol ${JSON.stringify(symbol)} in accounts.${account}.position_limits` };
          }
        }
      }
    }
  }
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
