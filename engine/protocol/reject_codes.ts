/**
 * The closed catalogue of reject codes. Every refusal anywhere in the system (edge
 * validation, auth, order lifecycle, pre-trade risk, venue, system) carries one of these
 * codes and a human reason.
 *
 * Codes are banded by the stage that refuses (exchange-core style), so a code alone
 * tells an operator where an order stopped:
 *
 *   0        OK (no error)
 *   100-199  edge validation (io thread, before the engine sees anything)
 *   200-299  authentication and sessions
 *   300-399  order lifecycle (idempotency, unknown or final orders, replace rules)
 *   400-499  pre-trade risk
 *   500-599  venue
 *   600-699  system (backpressure, readiness, capacity)
 *
 * Numbers go on the wire and into the journal: never renumber, never reuse a retired
 * number; add new codes at the end of their band. `test/engine/protocol/reject_codes`
 * pins the catalogue and checks that the docs list every code.
 */

export const RejectCode = {
  OK: 0,

  MALFORMED_BODY: 100,
  MISSING_FIELD: 101,
  INVALID_FIELD_TYPE: 102,
  INVALID_SIDE: 103,
  INVALID_ORDER_TYPE: 104,
  INVALID_TIME_IN_FORCE: 105,
  INVALID_QUANTITY: 106,
  INVALID_PRICE: 107,
  UNKNOWN_SYMBOL: 108,
  PRICE_REQUIRED: 109,
  STOP_PRICE_REQUIRED: 110,
  OFF_TICK: 111,
  OFF_LOT: 112,
  INVALID_CLIENT_ORDER_ID: 113,
  INVALID_EXPIRE_TIME: 114,
  BODY_TOO_LARGE: 115,
  UNSUPPORTED_VERSION: 116,
  UNKNOWN_MESSAGE_TYPE: 117,
  NOTHING_TO_AMEND: 118,
  VALUE_OUT_OF_RANGE: 119,
  UNKNOWN_ROUTE: 120,
  UNKNOWN_ACCOUNT: 121,
  UNKNOWN_FIELD: 122,
  POST_ONLY_NOT_ALLOWED: 123,
  TRIGGER_PRICE_REQUIRED: 124,
  TRAILING_OFFSET_REQUIRED: 125,
  INVALID_TRAILING_OFFSET: 126,
  LIMIT_OFFSET_REQUIRED: 127,
  INVALID_ORDER_LIST: 128,

  MISSING_API_KEY: 200,
  UNKNOWN_API_KEY: 201,
  ACCOUNT_MISMATCH: 202,
  ADMIN_TOKEN_REQUIRED: 203,
  NOT_LOGGED_ON: 204,
  ALREADY_LOGGED_ON: 205,

  DUPLICATE_CLIENT_ORDER_ID: 300,
  UNKNOWN_ORDER: 301,
  ORDER_ALREADY_FINAL: 302,
  ILLEGAL_TRANSITION: 303,
  REPLACE_QTY_BELOW_FILLED: 304,
  REPLACE_NOT_ALLOWED: 305,
  EXPIRE_TIME_IN_PAST: 306,
  UNKNOWN_ORDER_LIST: 307,
  ORDER_LIST_ALREADY_DONE: 308,

  MAX_ORDER_QTY: 400,
  MAX_ORDER_NOTIONAL: 401,
  PRICE_COLLAR: 402,
  POSITION_LIMIT: 403,
  CREDIT_LIMIT: 404,
  MAX_OPEN_ORDERS: 405,
  THROTTLED: 406,
  DAILY_LOSS_LIMIT: 407,
  SYMBOL_HALTED: 408,
  SELF_TRADE: 409,
  KILL_SWITCH_ACCOUNT: 410,
  KILL_SWITCH_GLOBAL: 411,
  NO_REFERENCE_PRICE: 412,
  STALE_MARK: 413,
  STALE_PNL: 414,
  POST_ONLY_WOULD_TAKE: 415,
  REDUCE_ONLY_WOULD_INCREASE: 416,
  TRADING_HALTED: 417,
  TRADING_REDUCING: 418,
  PORTFOLIO_NET_LIMIT: 419,
  PORTFOLIO_GROSS_LIMIT: 420,

  VENUE_REJECTED: 500,

  ENGINE_BUSY: 600,
  NOT_READY: 601,
  SHUTTING_DOWN: 602,
  ORDER_CAPACITY_EXHAUSTED: 603,
  INTERNAL_ERROR: 604,
  SLOW_CONSUMER: 605,
  TIMEOUT: 606,
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];
export type RejectCodeName = keyof typeof RejectCode;

export interface RejectInfo {
  readonly code: RejectCode;
  readonly name: RejectCodeName;
  /** HTTP status the JSON API answers with. */
  readonly http_status: number;
  /** The default human reason; call sites may give a more specific one. */
  readonly reason: string;
}

const info: Record<RejectCodeName, [http_status: number, reason: string]> = {
  OK: [200, 'ok'],

  MALFORMED_BODY: [400, 'the request body is not valid JSON or not a valid message'],
  MISSING_FIELD: [400, 'a required field is missing'],
  INVALID_FIELD_TYPE: [400, 'a field has the wrong type'],
  INVALID_SIDE: [400, 'side must be "buy" or "sell"'],
  INVALID_ORDER_TYPE: [400, 'order_type must be MARKET, LIMIT, STOP, STOP_LIMIT, MARKET_IF_TOUCHED, LIMIT_IF_TOUCHED, TRAILING_STOP or TRAILING_STOP_LIMIT'],
  INVALID_TIME_IN_FORCE: [400, 'time_in_force must be DAY, GTC, IOC, FOK or GTD'],
  INVALID_QUANTITY: [400, 'quantity must be a finite number greater than zero'],
  INVALID_PRICE: [400, 'price must be a finite number greater than zero'],
  UNKNOWN_SYMBOL: [400, 'the symbol is not traded here'],
  PRICE_REQUIRED: [400, 'limit, stop-limit and limit-if-touched orders need a price'],
  STOP_PRICE_REQUIRED: [400, 'stop and stop-limit orders need a stop_price'],
  OFF_TICK: [400, 'the price is not a multiple of the symbol\'s tick size'],
  OFF_LOT: [400, 'the quantity is not a multiple of the symbol\'s lot size'],
  INVALID_CLIENT_ORDER_ID: [400, 'client_order_id must be 1 to 40 printable ASCII characters'],
  INVALID_EXPIRE_TIME: [400, 'GTD orders need expire_time (epoch milliseconds or ISO-8601); other orders must not send one'],
  BODY_TOO_LARGE: [413, 'the request body is larger than the server accepts'],
  UNSUPPORTED_VERSION: [400, 'the message schema version is not supported'],
  UNKNOWN_MESSAGE_TYPE: [400, 'the message template id is not known'],
  NOTHING_TO_AMEND: [400, 'a replace must change the quantity or the price'],
  VALUE_OUT_OF_RANGE: [400, 'a number is outside the range the system can represent exactly'],
  UNKNOWN_ROUTE: [404, 'no such route'],
  UNKNOWN_ACCOUNT: [404, 'no such account'],
  UNKNOWN_FIELD: [400, 'the request carries a field this API does not know; nothing was done (a field is never ignored)'],
  POST_ONLY_NOT_ALLOWED: [400, 'post_only is only allowed on LIMIT orders with time_in_force DAY, GTC or GTD'],
  TRIGGER_PRICE_REQUIRED: [400, 'market-if-touched and limit-if-touched orders need a trigger_price'],
  TRAILING_OFFSET_REQUIRED: [400, 'trailing stop and trailing stop-limit orders need a trailing_offset'],
  INVALID_TRAILING_OFFSET: [400, 'trailing_offset must be a price distance > 0 on the tick grid (PRICE) or whole basis points 1 to 9999 (BASIS_POINTS); trailing_offset, trailing_offset_type and limit_offset only on the trailing types that take them'],
  LIMIT_OFFSET_REQUIRED: [400, 'trailing stop-limit orders need a limit_offset (the limit price\'s distance from the trigger), not a price'],
  INVALID_ORDER_LIST: [400, 'an order list needs contingency OCO, OUO, OTO or BRACKET, a list_client_id, and orders: 2 for OCO and OUO, a parent and 1 to 3 children for OTO, an entry, a take-profit LIMIT and a stop-loss for BRACKET; one account and distinct client_order_ids; held members take no post_only or reduce_only'],

  MISSING_API_KEY: [401, 'the x-api-key header is required'],
  UNKNOWN_API_KEY: [401, 'the API key is not known'],
  ACCOUNT_MISMATCH: [403, 'the API key does not belong to that account'],
  ADMIN_TOKEN_REQUIRED: [403, 'this operation needs the admin token'],
  NOT_LOGGED_ON: [401, 'log on before sending orders'],
  ALREADY_LOGGED_ON: [409, 'this session is already logged on'],

  DUPLICATE_CLIENT_ORDER_ID: [409, 'this client_order_id was already used for a different order'],
  UNKNOWN_ORDER: [404, 'no such order for this account'],
  ORDER_ALREADY_FINAL: [409, 'the order is already filled, canceled, replaced, rejected or expired'],
  ILLEGAL_TRANSITION: [409, 'the order cannot move to that state from its current state'],
  REPLACE_QTY_BELOW_FILLED: [409, 'the new quantity is not above the quantity already filled'],
  REPLACE_NOT_ALLOWED: [409, 'market orders and orders on another symbol or side cannot be replaced'],
  EXPIRE_TIME_IN_PAST: [400, 'expire_time is already in the past'],
  UNKNOWN_ORDER_LIST: [404, 'no such order list for this account'],
  ORDER_LIST_ALREADY_DONE: [409, 'every order of the list is already filled, canceled, replaced, rejected or expired'],

  MAX_ORDER_QTY: [422, 'the quantity is above the symbol\'s maximum order quantity'],
  MAX_ORDER_NOTIONAL: [422, 'the notional is above the symbol\'s maximum order notional'],
  PRICE_COLLAR: [422, 'the price is too far from the current mark (fat-finger collar)'],
  POSITION_LIMIT: [422, 'the position, counting open orders, would exceed the account\'s limit for this symbol'],
  CREDIT_LIMIT: [422, 'gross exposure would exceed the account\'s credit limit'],
  MAX_OPEN_ORDERS: [422, 'the account already has its maximum number of open orders'],
  THROTTLED: [429, 'the account is sending new orders or replaces faster than its rate limit (each has its own; cancels are never throttled)'],
  DAILY_LOSS_LIMIT: [422, 'the account has reached its daily loss limit'],
  SYMBOL_HALTED: [422, 'trading in this symbol is halted'],
  SELF_TRADE: [422, 'the order would cross a resting order of the same account'],
  KILL_SWITCH_ACCOUNT: [422, 'the account\'s kill switch is engaged'],
  KILL_SWITCH_GLOBAL: [422, 'the global kill switch is engaged'],
  NO_REFERENCE_PRICE: [422, 'there is no market price for this symbol yet'],
  STALE_MARK: [422, 'the symbol\'s market price is older than the OMS allows (OMS_MAX_MARK_AGE_MS); the market-data feed is behind'],
  STALE_PNL: [422, 'the account\'s PnL figure is older than the OMS allows (OMS_MAX_PNL_AGE_MS); the daily loss cannot be checked'],
  POST_ONLY_WOULD_TAKE: [422, 'the post-only order would take liquidity on arrival (its price reaches the other side\'s touch); nothing was placed'],
  REDUCE_ONLY_WOULD_INCREASE: [422, 'the reduce-only order would open or grow a position: nothing is left to reduce on that side (the position less the account\'s other open reduce-only orders)'],
  TRADING_HALTED: [422, 'trading is HALTED for this account or globally: only cancels are accepted'],
  TRADING_REDUCING: [422, 'trading is REDUCING for this account or globally: only reduce-only orders are accepted'],
  PORTFOLIO_NET_LIMIT: [422, 'the order would take the account\'s net notional across all symbols (at the mark, open orders counted) past its max_net_notional; send position-reducing orders reduce-only'],
  PORTFOLIO_GROSS_LIMIT: [422, 'the order would take the account\'s gross notional across all symbols (at the mark, open orders counted) past its max_gross_notional; send position-reducing orders reduce-only'],

  VENUE_REJECTED: [422, 'the venue refused the order'],

  ENGINE_BUSY: [503, 'the engine is busy; retry after the delay given'],
  NOT_READY: [503, 'the OMS is not ready to take orders'],
  SHUTTING_DOWN: [503, 'the OMS is shutting down'],
  ORDER_CAPACITY_EXHAUSTED: [503, 'the OMS has reached its configured order capacity (OMS_MAX_OPEN_ORDERS)'],
  INTERNAL_ERROR: [500, 'internal error'],
  SLOW_CONSUMER: [503, 'the client is not reading fast enough'],
  TIMEOUT: [504, 'the engine did not answer in time'],
};

const by_code = new Map<number, RejectInfo>();
for (const name of Object.keys(RejectCode) as RejectCodeName[]) {
  const [http_status, reason] = info[name];
  const code = RejectCode[name];
  if (by_code.has(code)) throw new Error(`reject code ${code} used twice`);
  by_code.set(code, Object.freeze({ code, name, http_status, reason }));
}

export function rejectInfo(code: number): RejectInfo {
  const found = by_code.get(code);
  if (found === undefined) throw new Error(`unknown reject code ${code}`);
  return found;
}

export function isRejectCode(code: number): code is RejectCode {
  return by_code.has(code);
}

export function allRejectCodes(): readonly RejectInfo[] {
  return [...by_code.values()];
}

/** The band a code belongs to: its hundreds digit names the refusing stage. */
export function rejectStage(code: number): 'ok' | 'edge' | 'auth' | 'lifecycle' | 'risk' | 'venue' | 'system' {
  const band = Math.floor(code / 100);
  switch (band) {
    case 0: return 'ok';
    case 1: return 'edge';
    case 2: return 'auth';
    case 3: return 'lifecycle';
    case 4: return 'risk';
    case 5: return 'venue';
    case 6: return 'system';
    default: throw new Error(`code ${code} is outside every band`);
  }
}
