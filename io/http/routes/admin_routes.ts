/**
 * Operator routes, all behind the admin token (OMS_ADMIN_TOKEN; without it they answer
 * 403): the kill switch (global or per account: cancels open orders, refuses new ones),
 * symbol halts, and risk limits (read, and replace atomically).
 */
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { LimitOverrides } from '../../../engine/reference/risk_limits.js';
import { AdminState } from '../../admin/admin_state.js';
import { LimitsManager } from '../../admin/limits_manager.js';
import { IoContext } from '../../io_context.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';
import { parseJsonBody, requireAdmin } from './route_helpers.js';

export function addAdminRoutes(router: Router, ctx: IoContext, admin: AdminState, limits: LimitsManager): void {
  router.add('POST', '/admin/kill-switch', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    const body = parseJsonBody(req, res) as { account?: unknown; engaged?: unknown } | undefined;
    if (body === undefined) return;
    if (typeof body.engaged !== 'boolean') return sendRefusal(res, RejectCode.INVALID_FIELD_TYPE, 'engaged must be true or false');
    let account = -1;
    if (body.account !== undefined && body.account !== null) {
      if (typeof body.account !== 'string') return sendRefusal(res, RejectCode.INVALID_FIELD_TYPE, 'account must be a string (omit it for the global switch)');
      account = ctx.accounts.indexOf(body.account);
      if (account < 0) return sendRefusal(res, RejectCode.UNKNOWN_ACCOUNT, `unknown account ${JSON.stringify(body.account)}`);
    }
    const engaged = body.engaged;
    const submitted = ctx.link.submit((w, id) => w.killSwitch(id, account, engaged), (reply) => {
      if (reply.code !== RejectCode.OK) return sendRefusal(res, reply.code);
      sendJson(res, 200, {
        success: true,
        scope: account < 0 ? 'global' : ctx.accounts.nameOf(account),
        engaged,
        canceled_orders: reply.arg,
      });
    });
    if (submitted === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
  });

  router.add('POST', '/admin/halt', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    const body = parseJsonBody(req, res) as { symbol?: unknown; halted?: unknown } | undefined;
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
    const body = parseJsonBody(req, res) as LimitOverrides | undefined;
    if (body === undefined) return;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendRefusal(res, RejectCode.MALFORMED_BODY, 'the body must be {symbols?: {...}, accounts?: {...}}');
    }
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
      limits.commit(body, prepared.version);
      sendJson(res, 200, { success: true, ...(limits.describe() as object) });
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
      global_kill_switch: admin.global_kill,
      killed_accounts: [...admin.killed_accounts].map((a) => ctx.accounts.nameOf(a)),
      halted_symbols: [...admin.halted_symbols].map((s) => ctx.instruments.at(s).spec.symbol),
      limits_version: limits.version,
    });
  });
}
