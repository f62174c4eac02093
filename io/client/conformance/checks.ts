/**
 * The conformance checks: what PROTOCOL.md says a server does, one scripted exchange each,
 * against any server. Well-behaved exchanges (orders, fills, cancels, replaces, dedupe)
 * go through OmsClient, so they also show the library working against that server;
 * misbehaving ones (garbage, gaps, text frames, silence) through a RawSession. Each check
 * places its own orders under fresh client order ids and cancels what it leaves open.
 */
import { randomBytes } from 'node:crypto';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { ExecReason, OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { Decimal, parseDecimal } from '../../../engine/reference/decimal.js';
import { CloseReason, encodeClientBatch, ExecType, OrdStatus, TemplateId, WsCloseCode } from '../../binary/index.js';
import type { ExecutionReport as WireReport, NewOrderInput } from '../../binary/index.js';
import { LogonRefused, OrderRejected } from '../client_errors.js';
import type { ExecutionReport } from '../execution_report.js';
import { OmsClient } from '../oms_client.js';
import type { OmsClientOptions } from '../client_options.js';
import type { NewOrderRequest } from '../order_input.js';
import type { OrderHandle } from '../order_handle.js';
import { MAX_PAYLOAD_BYTES, OutgoingMessage } from '../connection.js';
import { RawSession } from './raw_session.js';
import type { OrderTerms } from './reference_data.js';

export interface CheckContext {
  readonly url: string;
  readonly api_key: string;
  readonly timeout_ms: number;
  /** The order terms from the server's reference data; throws why there are none. */
  terms(): OrderTerms;
  /** A client order id no earlier run used. */
  id(): string;
  /** A logged-on OmsClient, closed after the run. */
  client(options?: Partial<OmsClientOptions>): Promise<OmsClient>;
  /** A raw session logged on with a Logon message, ended after the run. */
  raw(): Promise<{ session: RawSession; heartbeat_interval_ms: number }>;
  /** A raw session not logged on. */
  rawOpen(): Promise<RawSession>;
}

export interface Check {
  readonly name: string;
  /**
   * Waits on the server's heartbeat interval, on a session nothing else is sent to: run
   * after the others (whose reports reach every session of the account), beside each other.
   */
  readonly slow?: boolean;
  /** Resolves with what was seen; throws what was wrong. */
  run(ctx: CheckContext): Promise<string>;
}

export class CheckFailed extends Error {}

function expect(condition: boolean, what: string): asserts condition {
  if (!condition) throw new CheckFailed(what);
}

function json(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
}

function sameDecimal(a: string | null, b: string): boolean {
  const x = a === null ? undefined : parseDecimal(a);
  const y = parseDecimal(b);
  return x !== undefined && y !== undefined && x.mantissa * 10n ** BigInt(y.scale) === y.mantissa * 10n ** BigInt(x.scale);
}

function dec(text: string): Decimal {
  return parseDecimal(text)!;
}

async function reportsOf(order: OrderHandle): Promise<ExecutionReport[]> {
  const reports: ExecutionReport[] = [];
  for await (const report of order) reports.push(report);
  return reports;
}

async function refusalOf(answer: PromiseLike<unknown>): Promise<OrderRejected> {
  try {
    await answer;
  } catch (error) {
    if (error instanceof OrderRejected) return error;
    throw error;
  }
  throw new CheckFailed('expected a refusal, got an answer');
}

function restingBuy(ctx: CheckContext, price = ctx.terms().resting_price): NewOrderRequest {
  const terms = ctx.terms();
  return {
    symbol: terms.symbol, side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC,
    quantity: terms.quantity, price, client_order_id: ctx.id(),
  };
}

/** A NewOrder for a raw session (decimals as the codec takes them). */
function rawOrder(ctx: CheckContext, fields: Partial<NewOrderInput> = {}): OutgoingMessage {
  const terms = ctx.terms();
  return {
    template_id: TemplateId.NEW_ORDER, side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC,
    expire_time_ms: 0, quantity: dec(terms.quantity), price: dec(terms.resting_price), stop_price: undefined,
    symbol: terms.symbol, client_order_id: ctx.id(), ...fields,
  } as OutgoingMessage;
}

/** A bare header of `length` bytes with these fields, zeros after: bytes no encoder makes. */
function header(length: number, template_id: number, seq: number): Uint8Array {
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, length, true);
  view.setUint16(2, template_id, true);
  view.setUint16(4, 1, true);
  view.setUint32(8, seq, true);
  return bytes;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const CHECKS: readonly Check[] = [
  {
    name: 'logon with a Logon message is answered by a LogonAck',
    async run(ctx) {
      const session = await ctx.rawOpen();
      session.send({ template_id: TemplateId.LOGON, api_key: ctx.api_key, cancel_on_disconnect: false });
      const ack = await session.waitFor((m) => m.template_id === TemplateId.LOGON_ACK, 'a LogonAck');
      expect(ack.template_id === TemplateId.LOGON_ACK && ack.seq === 1, `the LogonAck is the server's message 1, got seq ${ack.seq}`);
      expect(ack.heartbeat_interval_ms > 0, 'a heartbeat interval above 0');
      session.terminate();
      return `account ${ack.account}, session ${ack.session_id}, heartbeat ${ack.heartbeat_interval_ms} ms`;
    },
  },
  {
    name: 'an unknown API key gets a Reject (UNKNOWN_API_KEY) and close 1008',
    async run(ctx) {
      const session = await ctx.rawOpen();
      const [seq] = session.send({ template_id: TemplateId.LOGON, api_key: `${ctx.api_key}-not-a-key`, cancel_on_disconnect: false });
      const reject = await session.rejectFor(seq);
      expect(reject.code === RejectCode.UNKNOWN_API_KEY, `code ${RejectCode.UNKNOWN_API_KEY}, got ${reject.code} ${reject.reason}`);
      const closed = await session.waitForClose();
      expect(closed.code === WsCloseCode.POLICY, `close 1008, got ${closed.code} ${closed.reason}`);
      return `Reject ${reject.code} "${reject.reason}", close ${closed.code} "${closed.reason}"`;
    },
  },
  {
    name: 'the client library is refused the same way (LogonRefused)',
    async run(ctx) {
      try {
        await ctx.client({ api_key: `${ctx.api_key}-not-a-key`, reconnect: false });
      } catch (error) {
        expect(error instanceof LogonRefused && error.code === RejectCode.UNKNOWN_API_KEY, `LogonRefused UNKNOWN_API_KEY, got ${error}`);
        return String((error as Error).message);
      }
      throw new CheckFailed('the logon was accepted');
    },
  },
  {
    name: 'reference data gives a symbol, its smallest quantity and a resting price',
    async run(ctx) {
      const terms = ctx.terms();
      return `${terms.symbol}: quantity ${terms.quantity}, resting buy at ${terms.resting_price}`;
    },
  },
  {
    name: 'a marketable order is accepted, then filled',
    async run(ctx) {
      const client = await ctx.client();
      const terms = ctx.terms();
      const order = client.newOrder({
        symbol: terms.symbol, side: Side.BUY, order_type: OrderType.MARKET, time_in_force: TimeInForce.IOC,
        quantity: terms.quantity, client_order_id: ctx.id(),
      });
      const reports = await reportsOf(order);
      expect(reports[0]?.exec_type === ExecType.NEW, `first report NEW, got ${json(reports[0])}`);
      const last = reports[reports.length - 1];
      expect(last.ord_status === OrdStatus.FILLED && sameDecimal(last.cum_qty, terms.quantity), `last report FILLED ${terms.quantity}, got ${json(last)}`);
      expect(reports.some((r) => r.exec_type === ExecType.TRADE && r.last_px !== null), 'a TRADE report with a fill price');
      expect(reports.every((r, i) => i === 0 || r.exec_id > reports[i - 1].exec_id), 'exec_id increases');
      return `${reports.map((r) => r.exec_type).join(', ')}; filled ${last.cum_qty} at ${last.avg_px}`;
    },
  },
  {
    name: 'a resting order is accepted and canceled',
    async run(ctx) {
      const client = await ctx.client();
      const order = client.newOrder(restingBuy(ctx));
      const accepted = await order;
      expect(accepted.ord_status === OrdStatus.NEW && sameDecimal(accepted.leaves_qty, ctx.terms().quantity), `NEW with all of it working, got ${json(accepted)}`);
      const canceled = await client.cancel(accepted.order_id);
      expect(canceled.exec_type === ExecType.CANCELED && canceled.exec_reason === ExecReason.CLIENT_CANCEL && sameDecimal(canceled.leaves_qty, '0'),
        `CANCELED by the client, nothing left, got ${json(canceled)}`);
      return `order ${accepted.order_id}: ${(await reportsOf(order)).map((r) => r.exec_type).join(', ')}`;
    },
  },
  {
    name: 'a replace creates a new order and ends the old one',
    async run(ctx) {
      const client = await ctx.client();
      const original = client.newOrder(restingBuy(ctx));
      const accepted = await original;
      const replacement = client.replace(accepted.order_id, { price: ctx.terms().lower_price });
      const replaced = await replacement;
      expect(replaced.exec_type === ExecType.REPLACED && replaced.orig_order_id === accepted.order_id && replaced.order_id !== accepted.order_id,
        `REPLACED with a new order id naming the old one, got ${json(replaced)}`);
      expect(sameDecimal(replaced.price, ctx.terms().lower_price), `the new price ${ctx.terms().lower_price}, got ${replaced.price}`);
      expect(original.done, 'the replaced order is final');
      await client.cancel(replaced.order_id);
      return `order ${accepted.order_id} replaced by ${replaced.order_id} at ${replaced.price}`;
    },
  },
  {
    name: 'a Cancel of an unknown or final order is a Reject (UNKNOWN_ORDER, ORDER_ALREADY_FINAL)',
    async run(ctx) {
      const client = await ctx.client();
      const unknown = await refusalOf(client.cancel(9_007_199_254_740_000));
      expect(unknown.code === RejectCode.UNKNOWN_ORDER, `UNKNOWN_ORDER, got ${unknown.message}`);
      const accepted = await client.newOrder(restingBuy(ctx));
      await client.cancel(accepted.order_id);
      const final = await refusalOf(client.cancel(accepted.order_id));
      expect(final.code === RejectCode.ORDER_ALREADY_FINAL, `ORDER_ALREADY_FINAL, got ${final.message}`);
      return `${unknown.code_name}, ${final.code_name}`;
    },
  },
  {
    name: 'refusals before the engine are Rejects naming the seq; the session goes on',
    async run(ctx) {
      const { session } = await ctx.raw();
      const [no_price, off_tick] = session.send(
        rawOrder(ctx, { price: undefined }),
        rawOrder(ctx, { price: dec(ctx.terms().off_tick_price) }),
      );
      const first = await session.rejectFor(no_price);
      const second = await session.rejectFor(off_tick);
      expect(first.code === RejectCode.PRICE_REQUIRED && first.ref_template_id === TemplateId.NEW_ORDER, `PRICE_REQUIRED, got ${json(first)}`);
      expect(second.code === RejectCode.OFF_TICK, `OFF_TICK, got ${json(second)}`);
      expect(!session.messages.some((m) => m.template_id === TemplateId.EXECUTION_REPORT), 'no report: no order was created');
      expect(session.closed_with === null, 'still open');
      return `${first.code} "${first.reason}"; ${second.code} "${second.reason}"`;
    },
  },
  {
    name: 'a risk refusal is an ExecutionReport with exec_type 8 and an order id',
    async run(ctx) {
      const client = await ctx.client();
      // Above the symbol's largest order quantity: refused by pre-trade risk (MAX_ORDER_QTY, or another 4xx checked first).
      const refused = await refusalOf(client.newOrder({ ...restingBuy(ctx), quantity: ctx.terms().over_max_quantity }));
      expect(refused.report !== undefined && refused.report.order_id > 0 && refused.report.ord_status === OrdStatus.REJECTED,
        `an exec_type 8 report with an order id, got ${refused.message} ${json(refused.report)}`);
      expect(refused.code >= 400 && refused.code < 500, `a pre-trade risk code (4xx), got ${refused.code}`);
      return `order ${refused.report.order_id} REJECTED ${refused.code_name} (${refused.code})`;
    },
  },
  {
    name: 'dedupe: a resend with the same client order id gets the same order; other terms DUPLICATE_CLIENT_ORDER_ID',
    async run(ctx) {
      const first = await ctx.client();
      const request = restingBuy(ctx);
      const placed = await first.newOrder(request);
      const second = await ctx.client();
      const again = await second.newOrder(request);
      expect(again.exec_type === ExecType.ORDER_STATUS && again.order_id === placed.order_id,
        `exec_type I with order ${placed.order_id}, got ${json(again)}`);
      const third = await ctx.client();
      const other = await refusalOf(third.newOrder({ ...request, price: ctx.terms().lower_price }));
      expect(other.code === RejectCode.DUPLICATE_CLIENT_ORDER_ID && other.report?.order_id === 0,
        `DUPLICATE_CLIENT_ORDER_ID in a report with order id 0, got ${other.message} ${json(other.report)}`);
      await first.cancel(placed.order_id);
      return `order ${placed.order_id} answered again with exec_type I; other terms refused ${other.code}`;
    },
  },
  {
    name: 'every session of the account receives the reports of its orders',
    async run(ctx) {
      const seen: ExecutionReport[] = [];
      await ctx.client({ on_report: (r) => seen.push(r) });
      const placer = await ctx.client();
      const accepted = await placer.newOrder(restingBuy(ctx));
      await placer.cancel(accepted.order_id);
      const deadline = Date.now() + ctx.timeout_ms;
      while (!seen.some((r) => r.order_id === accepted.order_id && r.exec_type === ExecType.CANCELED) && Date.now() < deadline) await sleep(10);
      const kinds = seen.filter((r) => r.order_id === accepted.order_id).map((r) => r.exec_type);
      expect(kinds.join() === [ExecType.NEW, ExecType.CANCELED].join(), `the other session saw NEW, CANCELED; got ${kinds.join(', ') || 'nothing'}`);
      return `the other session saw ${kinds.join(', ')}`;
    },
  },
  {
    name: 'garbage: an unknown template and an invalid field are refused with their codes, and the session goes on',
    async run(ctx) {
      const { session } = await ctx.raw();
      const unknown_seq = session.next_seq++;
      session.sendRaw(header(16, 77, unknown_seq));
      const bad_side = session.next_seq++;
      // The encoder refuses side 3, so write a valid NewOrder and change its side byte (offset 12).
      const order = encodeClientBatch([{ ...rawOrder(ctx), seq: bad_side } as never]);
      order[12] = 3;
      session.sendRaw(order);
      const unknown = await session.rejectFor(unknown_seq);
      expect(unknown.code === RejectCode.UNKNOWN_MESSAGE_TYPE && unknown.ref_template_id === 77, `UNKNOWN_MESSAGE_TYPE for template 77, got ${json(unknown)}`);
      const side = await session.rejectFor(bad_side);
      expect(side.code === RejectCode.INVALID_SIDE, `INVALID_SIDE, got ${json(side)}`);
      expect(session.closed_with === null, 'still open');
      return `${unknown.code} "${unknown.reason}"; ${side.code} "${side.reason}"`;
    },
  },
  {
    name: 'garbage: a cut-off message is refused MALFORMED_BODY and the session closed with 1002',
    async run(ctx) {
      const { session } = await ctx.raw();
      const whole = encodeClientBatch([{ ...rawOrder(ctx), seq: session.next_seq } as never]);
      session.sendRaw(whole.subarray(0, 40));
      const reject = await session.waitFor((m) => m.template_id === TemplateId.REJECT, 'a Reject');
      expect(reject.template_id === TemplateId.REJECT && reject.code === RejectCode.MALFORMED_BODY, `MALFORMED_BODY, got ${json(reject)}`);
      const closed = await session.waitForClose();
      expect(closed.code === WsCloseCode.PROTOCOL_ERROR, `close 1002, got ${closed.code} ${closed.reason}`);
      return `Reject ${reject.code}, close ${closed.code} "${closed.reason}"`;
    },
  },
  {
    name: 'a sequence gap is refused MALFORMED_BODY and the session closed with 1002',
    async run(ctx) {
      const { session } = await ctx.raw();
      const wrong = session.next_seq + 5;
      session.sendRaw(encodeClientBatch([{ template_id: TemplateId.HEARTBEAT, seq: wrong }]));
      const reject = await session.rejectFor(wrong);
      expect(reject.code === RejectCode.MALFORMED_BODY, `MALFORMED_BODY, got ${json(reject)}`);
      const closed = await session.waitForClose();
      expect(closed.code === WsCloseCode.PROTOCOL_ERROR, `close 1002, got ${closed.code} ${closed.reason}`);
      return `Reject "${reject.reason}", close ${closed.code}`;
    },
  },
  {
    name: 'a text frame closes the session with 1003',
    async run(ctx) {
      const { session } = await ctx.raw();
      session.sendText('hello');
      const closed = await session.waitForClose();
      expect(closed.code === WsCloseCode.UNSUPPORTED_DATA, `close 1003, got ${closed.code} ${closed.reason}`);
      return `close ${closed.code} "${closed.reason}"`;
    },
  },
  {
    name: 'a WebSocket message over 65,536 bytes closes the session with 1009',
    async run(ctx) {
      const { session } = await ctx.raw();
      session.sendRaw(new Uint8Array(MAX_PAYLOAD_BYTES + 16));
      const closed = await session.waitForClose();
      expect(closed.code === WsCloseCode.MESSAGE_TOO_BIG, `close 1009, got ${closed.code} ${closed.reason}`);
      return `close ${closed.code} "${closed.reason}"`;
    },
  },
  {
    name: 'a Logout is answered: what is due first, then close 1000',
    async run(ctx) {
      const { session } = await ctx.raw();
      const terms = ctx.terms();
      const id = ctx.id();
      session.send(
        rawOrder(ctx, { client_order_id: id, order_type: OrderType.MARKET, time_in_force: TimeInForce.IOC, price: undefined, quantity: dec(terms.quantity) }),
        { template_id: TemplateId.LOGOUT },
      );
      const closed = await session.waitForClose();
      const reports = session.messages.filter((m): m is WireReport => m.template_id === TemplateId.EXECUTION_REPORT && m.client_order_id === id);
      expect(reports.length > 0 && reports[0].exec_type === ExecType.NEW, `the order's NEW report before the close, got ${reports.length} reports`);
      expect(closed.code === WsCloseCode.NORMAL, `close 1000, got ${closed.code} ${closed.reason}`);
      return `${reports.map((r) => r.exec_type).join(', ')}, then close ${closed.code}`;
    },
  },
  {
    name: 'heartbeats: a silent session gets ServerHeartbeats, then close 1008 "heartbeat timeout" after three intervals',
    slow: true,
    async run(ctx) {
      const { session, heartbeat_interval_ms: interval } = await ctx.raw();
      const started = Date.now();
      await session.waitFor((m) => m.template_id === TemplateId.SERVER_HEARTBEAT, 'a ServerHeartbeat', 1.5 * interval + 1000);
      const first_ms = Date.now() - started;
      const closed = await session.waitForClose(4 * interval + 2000);
      const closed_ms = Date.now() - started;
      expect(closed.code === WsCloseCode.POLICY && closed.reason === CloseReason.HEARTBEAT_TIMEOUT, `close 1008 "heartbeat timeout", got ${closed.code} "${closed.reason}"`);
      expect(closed_ms >= 3 * interval - 100, `closed after three intervals (${3 * interval} ms), not after ${closed_ms} ms`);
      return `first ServerHeartbeat after ${first_ms} ms, closed after ${closed_ms} ms (interval ${interval} ms)`;
    },
  },
  {
    name: 'heartbeats: a session that sends Heartbeats stays open past three intervals',
    slow: true,
    async run(ctx) {
      const { session, heartbeat_interval_ms: interval } = await ctx.raw();
      const until = Date.now() + 4 * interval;
      while (Date.now() < until && session.closed_with === null) {
        session.send({ template_id: TemplateId.HEARTBEAT });
        await sleep(interval / 2);
      }
      expect(session.closed_with === null, `closed ${json(session.closed_with)}`);
      session.send({ template_id: TemplateId.LOGOUT });
      const closed = await session.waitForClose();
      expect(closed.code === WsCloseCode.NORMAL, `Logout closes with 1000, got ${closed.code}`);
      return `open after ${4 * interval} ms of Heartbeats every ${interval / 2} ms`;
    },
  },
];

/** Client order ids for one run: a random prefix, so reruns against one server never collide. */
export function idSource(): () => string {
  const prefix = `conf-${randomBytes(6).toString('base64url')}`;
  let next = 0;
  return () => `${prefix}-${++next}`;
}
