import t from 'tap';
import { readFileSync } from 'node:fs';
import {
  allRejectCodes, isRejectCode, RejectCode, rejectInfo, rejectStage,
} from '../../../engine/protocol/reject_codes.js';

/** The wire values. A name keeps its number forever: change this map only to append. */
const PINNED: Record<string, number> = {
  OK: 0,
  MALFORMED_BODY: 100, MISSING_FIELD: 101, INVALID_FIELD_TYPE: 102, INVALID_SIDE: 103, INVALID_ORDER_TYPE: 104,
  INVALID_TIME_IN_FORCE: 105, INVALID_QUANTITY: 106, INVALID_PRICE: 107, UNKNOWN_SYMBOL: 108, PRICE_REQUIRED: 109,
  STOP_PRICE_REQUIRED: 110, OFF_TICK: 111, OFF_LOT: 112, INVALID_CLIENT_ORDER_ID: 113, INVALID_EXPIRE_TIME: 114,
  BODY_TOO_LARGE: 115, UNSUPPORTED_VERSION: 116, UNKNOWN_MESSAGE_TYPE: 117, NOTHING_TO_AMEND: 118,
  VALUE_OUT_OF_RANGE: 119, UNKNOWN_ROUTE: 120, UNKNOWN_ACCOUNT: 121, UNKNOWN_FIELD: 122,
  POST_ONLY_NOT_ALLOWED: 123, TRIGGER_PRICE_REQUIRED: 124, TRAILING_OFFSET_REQUIRED: 125,
  INVALID_TRAILING_OFFSET: 126, LIMIT_OFFSET_REQUIRED: 127, INVALID_ORDER_LIST: 128,
  MISSING_API_KEY: 200, UNKNOWN_API_KEY: 201, ACCOUNT_MISMATCH: 202, ADMIN_TOKEN_REQUIRED: 203, NOT_LOGGED_ON: 204,
  ALREADY_LOGGED_ON: 205,
  DUPLICATE_CLIENT_ORDER_ID: 300, UNKNOWN_ORDER: 301, ORDER_ALREADY_FINAL: 302, ILLEGAL_TRANSITION: 303,
  REPLACE_QTY_BELOW_FILLED: 304, REPLACE_NOT_ALLOWED: 305, EXPIRE_TIME_IN_PAST: 306, UNKNOWN_ORDER_LIST: 307,
  ORDER_LIST_ALREADY_DONE: 308,
  MAX_ORDER_QTY: 400, MAX_ORDER_NOTIONAL: 401, PRICE_COLLAR: 402, POSITION_LIMIT: 403, CREDIT_LIMIT: 404,
  MAX_OPEN_ORDERS: 405, THROTTLED: 406, DAILY_LOSS_LIMIT: 407, SYMBOL_HALTED: 408, SELF_TRADE: 409,
  KILL_SWITCH_ACCOUNT: 410, KILL_SWITCH_GLOBAL: 411, NO_REFERENCE_PRICE: 412,
  STALE_MARK: 413, STALE_PNL: 414, POST_ONLY_WOULD_TAKE: 415, REDUCE_ONLY_WOULD_INCREASE: 416,
  TRADING_HALTED: 417, TRADING_REDUCING: 418, PORTFOLIO_NET_LIMIT: 419, PORTFOLIO_GROSS_LIMIT: 420,
  VENUE_REJECTED: 500,
  ENGINE_BUSY: 600, NOT_READY: 601, SHUTTING_DOWN: 602, ORDER_CAPACITY_EXHAUSTED: 603, INTERNAL_ERROR: 604,
  SLOW_CONSUMER: 605, TIMEOUT: 606,
};

const STAGE_OF_BAND = ['ok', 'edge', 'auth', 'lifecycle', 'risk', 'venue', 'system'];

t.test('the catalogue has every pinned name at its pinned number, and nothing else', (t) => {
  t.same({ ...RejectCode }, PINNED);
  t.equal(allRejectCodes().length, 74);
  t.end();
});

t.test('reject codes are unique and each one is looked up to itself', (t) => {
  const codes = allRejectCodes().map((info) => info.code);
  t.equal(new Set(codes).size, codes.length);
  for (const info of allRejectCodes()) {
    t.equal(rejectInfo(info.code), info);
    t.equal(RejectCode[info.name], info.code);
    t.ok(isRejectCode(info.code));
  }
  t.notOk(isRejectCode(199));
  t.throws(() => rejectInfo(999), /unknown reject code/);
  t.end();
});

t.test('every code sits inside a stage band and only OK is zero', (t) => {
  for (const info of allRejectCodes()) {
    const band = Math.floor(info.code / 100);
    t.ok(band >= 0 && band < STAGE_OF_BAND.length, `${info.name} (${info.code}) is in a known band`);
    t.equal(rejectStage(info.code), STAGE_OF_BAND[band]);
    if (band === 0) t.equal(info.code, 0, 'the ok band holds OK alone');
  }
  t.throws(() => rejectStage(700));
  t.end();
});

t.test('every code has an HTTP status that matches what it is, and a reason', (t) => {
  for (const info of allRejectCodes()) {
    t.ok(info.reason.length > 0, `${info.name} has a reason`);
    if (info.code === RejectCode.OK) t.equal(info.http_status, 200);
    else t.ok(info.http_status >= 400 && info.http_status <= 599, `${info.name} answers an error status (${info.http_status})`);
    if (rejectStage(info.code) === 'system' && info.code !== RejectCode.INTERNAL_ERROR) {
      t.ok(info.http_status === 503 || info.http_status === 504, `${info.name} is a retryable 5xx`);
    }
  }
  t.equal(rejectInfo(RejectCode.THROTTLED).http_status, 429);
  t.equal(rejectInfo(RejectCode.DUPLICATE_CLIENT_ORDER_ID).http_status, 409);
  t.equal(rejectInfo(RejectCode.UNKNOWN_ORDER).http_status, 404);
  t.end();
});

t.test('REJECT_CODES.md lists every code once, with the same number, HTTP status and stage', (t) => {
  // Tests run from dist-*/test/...; the doc lives in the source tree.
  const doc = readFileSync(new URL('../../../../engine/protocol/REJECT_CODES.md', import.meta.url), 'utf8');
  const rows = new Map<string, { code: number; http_status: number; stage: string }>();
  for (const line of doc.split('\n')) {
    const match = /^\|\s*(\d+)\s*\|\s*([A-Z_]+)\s*\|\s*(\d+)\s*\|\s*([a-z]+)\s*\|/.exec(line);
    if (match === null) continue;
    t.notOk(rows.has(match[2]), `${match[2]} is listed once`);
    rows.set(match[2], { code: Number(match[1]), http_status: Number(match[3]), stage: match[4] });
  }
  t.equal(rows.size, allRejectCodes().length, 'the doc lists as many codes as the catalogue');
  for (const info of allRejectCodes()) {
    t.same(rows.get(info.name), { code: info.code, http_status: info.http_status, stage: rejectStage(info.code) },
      `${info.name} is documented as ${info.code} / ${info.http_status}`);
  }
  t.end();
});
