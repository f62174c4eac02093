/**
 * The binary-protocol client (io/client) against the real OMS over real WebSockets:
 * logging on, orders accepted and filled, cancels, replaces, every kind of refusal as a
 * typed error with its code, dedupe by client order id, reports of the account's other
 * orders, and close() draining. One OMS serves the whole file.
 */
import t from 'tap';
import {
  ClientClosed, ClientEvent, ConnectionLost, ExecInst, ExecReason, ExecType, ExecutionReport, LogonRefused, OmsClient,
  OmsClientOptions, OrderRejected, OrderType, OrdStatus, RejectCode, Side, TimeInForce,
} from '../../../io/client/index.js';
import type { NewOrderRequest } from '../../../io/client/index.js';
import { OmsServer } from '../../support/oms_server.js';
import { collect, refusal } from './fixtures/order_outcomes.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
// Exact marks so fills have exact prices: buys fill at the ask.
await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.37, bid_size: 1000, ask_size: 1000 });
const url = `ws://127.0.0.1:${oms.port}/ws`;

const open: OmsClient[] = [];
t.afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function connect(options: Partial<OmsClientOptions> = {}): Promise<OmsClient> {
  const client = await OmsClient.connect({ url, api_key: 'test-key', ...options });
  open.push(client);
  return client;
}

/** A GTC limit buy of 0.01 BTCUSDT at 44000: it rests in this market. */
const resting = (client_order_id: string, more: Partial<NewOrderRequest> = {}): NewOrderRequest => ({
  symbol: 'BTCUSDT', side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC,
  quantity: '0.01', price: '44000', client_order_id, ...more,
});

/** An IOC market buy of 0.01 BTCUSDT: it fills at once at the ask. */
const marketBuy = (client_order_id: string): NewOrderRequest => ({
  symbol: 'BTCUSDT', side: Side.BUY, order_type: OrderType.MARKET, time_in_force: TimeInForce.IOC,
  quantity: '0.01', client_order_id,
});


t.test('connect logs on and describes the session from the LogonAck', async (t) => {
  const events: ClientEvent[] = [];
  const client = await connect({ on_event: (e) => events.push(e) });
  t.equal(client.state, 'connected');
  t.match(client.session, { account: 'test', heartbeat_interval_ms: 10_000, cancel_on_disconnect: false });
  t.ok(client.session.session_id > 0, 'a session id');
  t.same(events.map((e) => e.type), ['connected']);
  const other = await connect({ url: `http://127.0.0.1:${oms.port}`, api_key: 'demo2-key', cancel_on_disconnect: true });
  t.match(other.session, { account: 'demo2', cancel_on_disconnect: true }, 'the OMS base URL works too, and the flag reaches the server');
});

t.test('an unknown API key is refused with LogonRefused carrying UNKNOWN_API_KEY, and no reconnect', async (t) => {
  const events: ClientEvent[] = [];
  const error = await refusal(OmsClient.connect({ url, api_key: 'no-such-key', on_event: (e) => events.push(e) }));
  t.ok(error instanceof LogonRefused, `LogonRefused, got ${error}`);
  t.match(error, { code: RejectCode.UNKNOWN_API_KEY, code_name: 'UNKNOWN_API_KEY' });
  t.same(events.map((e) => e.type), ['closed'], 'no reconnect attempt');
});

t.test('a server that cannot be reached fails the first connect with ConnectionLost', async (t) => {
  const error = await refusal(OmsClient.connect({ url: 'ws://127.0.0.1:1/ws', api_key: 'test-key', timeout_ms: 1000 }));
  t.ok(error instanceof ConnectionLost, `ConnectionLost, got ${error}`);
});

t.test('a marketable order is accepted, then filled, and its iteration ends after the fill', async (t) => {
  const client = await connect();
  const order = client.newOrder(marketBuy('client-fill'));
  const accepted = await order;
  t.match(accepted, { exec_type: ExecType.NEW, ord_status: OrdStatus.NEW, client_order_id: 'client-fill', order_qty: '0.01', price: null });
  t.ok(accepted.order_id > 0, 'an order id');
  const reports = await collect(order);
  t.same(reports.map((r) => r.exec_type), [ExecType.NEW, ExecType.TRADE], 'NEW, then the fill, from the first report');
  t.match(reports[1], { ord_status: OrdStatus.FILLED, cum_qty: '0.01', leaves_qty: '0', avg_px: '45001.37', last_qty: '0.01', last_px: '45001.37' });
  t.equal(order.done, true);
  t.equal(order.order_id, accepted.order_id);
});

t.test('a reduce-only order larger than the position is accepted trimmed, and the report says so (trimmed)', async (t) => {
  const client = await connect();
  await collect(client.newOrder({ ...marketBuy('client-long'), quantity: '0.02' }));
  const order = client.newOrder(resting('client-trim', { side: Side.SELL, price: '46000', quantity: '0.05', exec_inst: ExecInst.REDUCE_ONLY }));
  const accepted = await order;
  // The account is long whatever the earlier tests bought, plus these 0.02.
  t.match(accepted, { exec_type: ExecType.NEW, trimmed: true }, 'flagged');
  t.ok(Number(accepted.order_qty) >= 0.02 && Number(accepted.order_qty) < 0.05, `trimmed to the position (${accepted.order_qty})`);
  const plain = await client.newOrder(resting('client-not-trimmed'));
  t.equal(plain.trimmed, false, 'an order that was not trimmed');
  await client.cancel(accepted.order_id);
  await client.cancel(plain.order_id);
});

t.test('cancel resolves with the CANCELED report, which also ends the order\'s iteration', async (t) => {
  const client = await connect();
  const order = client.newOrder(resting('client-cancel'));
  const accepted = await order;
  t.equal(order.done, false, 'a resting order is open');
  const canceled = await client.cancel(accepted.order_id);
  t.match(canceled, { exec_type: ExecType.CANCELED, ord_status: OrdStatus.CANCELED, order_id: accepted.order_id, exec_reason: ExecReason.CLIENT_CANCEL });
  t.same((await collect(order)).map((r) => r.exec_type), [ExecType.NEW, ExecType.CANCELED]);
});

t.test('replace: the new order answers REPLACED, and the replaced order\'s iteration ends with the same report', async (t) => {
  const client = await connect();
  const original = client.newOrder(resting('client-orig'));
  const accepted = await original;
  const replacement = client.replace(accepted.order_id, { price: '44001', client_order_id: 'client-repl' });
  const replaced = await replacement;
  t.match(replaced, { exec_type: ExecType.REPLACED, orig_order_id: accepted.order_id, client_order_id: 'client-repl', price: '44001', ord_status: OrdStatus.NEW });
  t.not(replaced.order_id, accepted.order_id, 'a new order id');
  t.same((await collect(original)).map((r) => r.exec_type), [ExecType.NEW, ExecType.REPLACED]);
  t.equal(replacement.done, false, 'the replacing order is open');
  await client.cancel(replaced.order_id);
  t.same((await collect(replacement)).map((r) => r.exec_type), [ExecType.REPLACED, ExecType.CANCELED]);
});

t.test('a refusal before the engine is a Reject: OrderRejected with the code and the server\'s reason, and no report', async (t) => {
  const client = await connect();
  const cases: [NewOrderRequest, number][] = [
    [resting('client-noprice', { price: undefined }), RejectCode.PRICE_REQUIRED],
    [resting('client-tick', { price: '44000.005' }), RejectCode.OFF_TICK],
    [resting('client-sym', { symbol: 'DOGEUSDT' }), RejectCode.UNKNOWN_SYMBOL],
  ];
  for (const [request, code] of cases) {
    const order = client.newOrder(request);
    const error = await refusal(order);
    t.ok(error instanceof OrderRejected, `${request.client_order_id}: OrderRejected`);
    t.match(error, { code, report: undefined, reason: /\w/ }, `${request.client_order_id}: code ${code}`);
    t.same(order.reports, [], 'no report: no order exists');
    await t.rejects((async () => { for await (const _ of order); })(), OrderRejected, 'iterating throws the same refusal');
  }
});

t.test('a refusal by the engine is an exec_type 8 report: OrderRejected carries it, and iteration yields it and ends', async (t) => {
  const client = await connect();
  const order = client.newOrder(resting('client-risk', { quantity: '101' }));
  const error = await refusal(order) as OrderRejected;
  t.ok(error instanceof OrderRejected);
  t.match(error, { code: RejectCode.MAX_ORDER_QTY, code_name: 'MAX_ORDER_QTY' });
  t.match(error.report, { exec_type: ExecType.REJECTED, ord_status: OrdStatus.REJECTED, reject_code: RejectCode.MAX_ORDER_QTY });
  t.ok(error.report!.order_id > 0, 'the REJECTED order has an id');
  t.same((await collect(order)).map((r) => r.exec_type), [ExecType.REJECTED]);
});

t.test('refused cancels: UNKNOWN_ORDER for no such order, ORDER_ALREADY_FINAL for a filled one', async (t) => {
  const client = await connect();
  const unknown = await refusal(client.cancel(987_654_321));
  t.match(unknown, { code: RejectCode.UNKNOWN_ORDER });
  t.ok(unknown instanceof OrderRejected);
  const filled = client.newOrder(marketBuy('client-filled'));
  await collect(filled);
  t.match(await refusal(client.cancel(filled.order_id!)), { code: RejectCode.ORDER_ALREADY_FINAL });
});

t.test('the same client order id and terms from another session get the same order (exec_type I); other terms DUPLICATE_CLIENT_ORDER_ID', async (t) => {
  const first = await connect();
  const placed = await first.newOrder(resting('client-dedupe'));
  const second = await connect();
  const again = await second.newOrder(resting('client-dedupe'));
  t.match(again, { exec_type: ExecType.ORDER_STATUS, ord_status: OrdStatus.NEW, order_id: placed.order_id });
  t.throws(() => second.newOrder(resting('client-dedupe')), RangeError, 'the second client tracks the order now: the id is in use');
  const third = await connect();
  const other_terms = await refusal(third.newOrder(resting('client-dedupe', { price: '43000' })));
  t.match(other_terms, { code: RejectCode.DUPLICATE_CLIENT_ORDER_ID, report: { order_id: 0 } });
  const orders = (await oms.request('GET', '/orders?limit=1000')).body.orders.filter((o: { client_order_id: string }) => o.client_order_id === 'client-dedupe');
  t.equal(orders.length, 1, 'one order on the server');
});

t.test('values the protocol cannot carry and a client order id still in use throw at the call; nothing is sent', async (t) => {
  const events: ClientEvent[] = [];
  const client = await connect({ on_event: (e) => events.push(e) });
  t.throws(() => client.newOrder(resting('client-bad-qty', { quantity: '0' })), RangeError);
  t.throws(() => client.newOrder(resting('client-bad-sym', { symbol: 'BTC USDT' })), RangeError);
  t.throws(() => client.newOrder(resting('client-bad-dec', { price: 'abc' })), RangeError);
  t.throws(() => client.cancel(0), RangeError);
  const order = client.newOrder(resting('client-in-use'));
  t.throws(() => client.newOrder(resting('client-in-use')), RangeError, 'the id belongs to an open order of this client');
  await order;
  await client.cancel(order.order_id!);
  t.same(events.filter((e) => e.type !== 'connected'), [], 'no Reject came back for anything');
});

t.test('generated client order ids are unique across clients', async (t) => {
  const a = await connect();
  const b = await connect();
  const ids = await Promise.all([a, b, a, b].map(async (client) => (await client.newOrder({ ...marketBuy(''), client_order_id: undefined })).client_order_id));
  t.equal(new Set(ids).size, 4, ids.join(' '));
});

t.test('on_report sees every report of the account, also of orders placed elsewhere', async (t) => {
  const seen: ExecutionReport[] = [];
  await connect({ on_report: (r) => seen.push(r) });
  const placed = await oms.request('POST', '/orders', { body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 44000, client_order_id: 'client-http' } });
  t.equal(placed.status, 200);
  const deadline = Date.now() + 5000;
  while (!seen.some((r) => r.client_order_id === 'client-http') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.match(seen.find((r) => r.client_order_id === 'client-http'), { exec_type: ExecType.NEW, order_id: Number(placed.body.order_id) });
});

t.test('close() drains: an order sent just before it still gets its answer; afterwards calls throw ClientClosed', async (t) => {
  const events: ClientEvent[] = [];
  const client = await OmsClient.connect({ url, api_key: 'test-key', on_event: (e) => events.push(e) });
  const order = client.newOrder(resting('client-drain'));
  const closing = client.close();
  t.throws(() => client.newOrder(resting('client-after')), ClientClosed, 'no new requests while closing');
  const accepted = await order;
  t.equal(accepted.exec_type, ExecType.NEW, 'the answer in flight arrived');
  await closing;
  t.equal(client.state, 'closed');
  t.equal(await client.closed(), null, 'closed without error');
  t.same(events.map((e) => e.type), ['connected', 'closed']);
  t.same((await collect(order)).map((r) => r.exec_type), [ExecType.NEW], 'the open order\'s iteration ended');
  t.throws(() => client.cancel(accepted.order_id), ClientClosed);
  const record = await oms.request('GET', `/orders/${accepted.order_id}`);
  t.equal(record.body.status, 'ACCEPTED', 'the order stays open on the server');
});

t.test('the server logged no errors', async (t) => {
  t.same(oms.problems(), []);
});
