/** Small steps every route repeats: authenticate, parse and validate the JSON body, parse ids and queries. */
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { IoContext } from '../../io_context.js';
import { validateNewOrder, ValidatedOrder } from '../../orders/order_validation.js';
import { HttpRequest, HttpResponder } from '../http_types.js';
import { sendRefusal } from '../json_reply.js';

/** The caller's account, or -1 after answering 401. */
export function authenticate(ctx: IoContext, req: HttpRequest, res: HttpResponder): number {
  const result = ctx.auth.account(req.headers.api_key);
  if (!result.ok) {
    sendRefusal(res, result.code);
    return -1;
  }
  return result.account;
}

/** True if the caller holds the admin token; else answers 403 and returns false. */
export function requireAdmin(ctx: IoContext, req: HttpRequest, res: HttpResponder): boolean {
  if (!ctx.auth.adminEnabled()) {
    sendRefusal(res, RejectCode.ADMIN_TOKEN_REQUIRED, 'the admin API is disabled: start the OMS with OMS_ADMIN_TOKEN set');
    return false;
  }
  if (!ctx.auth.isAdmin(req.headers)) {
    sendRefusal(res, RejectCode.ADMIN_TOKEN_REQUIRED);
    return false;
  }
  return true;
}

/** The parsed body, or undefined after answering 400. */
export function parseJsonBody(req: HttpRequest, res: HttpResponder): unknown {
  if (req.body === null || req.body.length === 0) {
    sendRefusal(res, RejectCode.MALFORMED_BODY, 'a JSON body is required');
    return undefined;
  }
  try {
    return JSON.parse(req.body.toString('utf8')) as unknown;
  } catch {
    sendRefusal(res, RejectCode.MALFORMED_BODY, 'the body is not valid JSON');
    return undefined;
  }
}

/** The parsed body if it is a JSON object (not null, not an array), or undefined after answering 400. */
export function parseJsonObject(req: HttpRequest, res: HttpResponder): Record<string, unknown> | undefined {
  const body = parseJsonBody(req, res);
  if (body === undefined) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    sendRefusal(res, RejectCode.MALFORMED_BODY, 'the body must be a JSON object');
    return undefined;
  }
  return body as Record<string, unknown>;
}

/**
 * The new order in the body of a request from `account` (POST /orders, POST /check):
 * parsed, validated, and if it names an account, checked to be the caller's own. Returns
 * undefined after answering the refusal.
 */
export function readNewOrder(ctx: IoContext, account: number, req: HttpRequest, res: HttpResponder): ValidatedOrder | undefined {
  const body = parseJsonBody(req, res);
  if (body === undefined) return undefined;
  const validation = validateNewOrder(body, ctx.instruments);
  if (!validation.ok) {
    sendRefusal(res, validation.refusal.code, validation.refusal.reason);
    return undefined;
  }
  const order = validation.value;
  if (order.account_name !== null && order.account_name !== ctx.accounts.nameOf(account)) {
    sendRefusal(res, RejectCode.ACCOUNT_MISMATCH, 'the API key does not belong to that account');
    return undefined;
  }
  return order;
}

/** Order ids are positive integers below 2^53, written in decimal. */
export function parseOrderId(text: string): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}

export function queryParams(query: string): URLSearchParams {
  return new URLSearchParams(query);
}
