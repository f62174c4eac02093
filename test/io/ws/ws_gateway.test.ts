/**
 * The binary WebSocket front end (io/ws/ws_gateway.ts) against the real OMS process over
 * real WebSockets: logging on, orders and their ExecutionReports, reports streamed to
 * every session of an account, and sequence numbers. One OMS serves the whole file.
 */
import t from 'tap';
import { ExecInst, ExecReason, OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { ExecType, OrdStatus, TemplateId } from '../../../io/binary/index.js';
import type { ExecutionReport } from '../../../io/binary/index.js';
import { OmsServer } from '../../support/oms_server.js';
import { dec, newOrder, text, WsClient } from '../../support/ws_client.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
// Exact marks so fills have exact prices: buys fill at the ask, sells at the bid.
await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.37, bid_size: 1000, ask_size: 1000 });

const open: WsClient[] = [];
const every_client: WsClient[] = [];
t.afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function logon(key = 'test-key', cancel_on_disconnect = false): Promise<WsClient> {
  const client = await WsClient.logon(oms.url, key, cancel_on_disconnect);
  open.push(client);
  every_client.push(client);
  return client;
}

async function connect(options: { key?: string; query?: string } = {}): Promise<WsClient> {
  const client = await WsClient.connect(oms.url, options);
  open.push(client);
  every_client.push(client);
  return client;
}

const logonMessage = (api_key: string, cancel_on_disconnect = false) => ({ template_id: TemplateId.LOGON, api_key, cancel_on_disconnect }) as const;

t.test('logging on by header', async (t) => {
  t.test('the first message is a LogonAck with the account and a session id', async (t) => {
    const client = await logon();
    const first = client.messages[0];
    t.equal(first.template_id, TemplateId.LOGON_ACK);
    t.equal(first.seq, 1, 'the first server message has seq 1');
    const ack = client.logonAck!;
    t.equal(ack.account, 'test');
    t.ok(ack.session_id > 0, 'a session id');
    t.equal(ack.heartbeat_interval_ms, 10_000, 'the configured heartbeat interval');
    t.equal(ack.cancel_on_disconnect, false);
    const other = await logon('demo2-key');
    t.equal(other.logonAck!.account, 'demo2');
    t.not(other.logonAck!.session_id, ack.session_id, 'each session has its own id');
  });

  t.test('an unknown key is refused with HTTP 401 and no WebSocket is opened', async (t) => {
    const result = await WsClient.tryConnect(oms.url, { key: 'no-such-key' });
    t.notOk(result instanceof WsClient, 'no WebSocket');
    if (result instanceof WsClient) return;
    t.equal(result.status, 401);
    t.match(JSON.parse(result.body), { success: false, code: 'UNKNOWN_API_KEY', reject_code: RejectCode.UNKNOWN_API_KEY });
  });

  t.test('?cancel_on_disconnect=1 is reflected in the LogonAck', async (t) => {
    const client = await logon('test-key', true);
    t.equal(client.logonAck!.cancel_on_disconnect, true);
  });

  t.test('a Logon on a session already logged on by header is refused with ALREADY_LOGGED_ON', async (t) => {
    const client = await logon();
    const [seq] = client.send(logonMessage('test-key'));
    const reject = await client.waitForReject(seq);
    t.equal(reject.code, RejectCode.ALREADY_LOGGED_ON);
    t.equal(reject.ref_template_id, TemplateId.LOGON);
    t.equal(client.closed_with, null, 'the session stays open');
  });
});

t.test('logging on with a Logon message', async (t) => {
  t.test('a Logon is answered with a LogonAck carrying the cancel-on-disconnect flag', async (t) => {
    const client = await connect();
    client.send(logonMessage('demo2-key', true));
    const ack = await client.waitFor((m) => m.template_id === TemplateId.LOGON_ACK);
    t.match(ack, { seq: 1, account: 'demo2', cancel_on_disconnect: true });
    t.equal(client.messages.length, 1, 'nothing before the LogonAck');
  });

  t.test('a second Logon is refused with ALREADY_LOGGED_ON and the session goes on', async (t) => {
    const client = await connect();
    client.send(logonMessage('test-key'));
    await client.waitFor((m) => m.template_id === TemplateId.LOGON_ACK);
    const [seq] = client.send(logonMessage('test-key'));
    const reject = await client.waitForReject(seq);
    t.equal(reject.code, RejectCode.ALREADY_LOGGED_ON);
    client.send(newOrder({ client_order_id: 'logon-2nd-order' }));
    const report = await client.waitForReport('logon-2nd-order', ExecType.NEW);
    t.ok(report.order_id > 0, 'orders still work on the session');
  });

  t.test('a NewOrder before the Logon is refused with NOT_LOGGED_ON and the server closes with 1008', async (t) => {
    const client = await connect();
    const [seq] = client.send(newOrder({ client_order_id: 'before-logon' }));
    const reject = await client.waitForReject(seq);
    t.equal(reject.code, RejectCode.NOT_LOGGED_ON);
    t.equal(reject.ref_template_id, TemplateId.NEW_ORDER);
    t.equal((await client.waitForClose()).code, 1008);
    const listed = await oms.request('GET', '/orders');
    t.notOk(listed.body.orders.some((o: { client_order_id: string }) => o.client_order_id === 'before-logon'), 'no order was placed');
  });

  t.test('an unknown key is refused with UNKNOWN_API_KEY and the server closes with 1008', async (t) => {
    const client = await connect();
    const [seq] = client.send(logonMessage('not-a-key'));
    const reject = await client.waitForReject(seq);
    t.equal(reject.code, RejectCode.UNKNOWN_API_KEY);
    t.equal(reject.ref_template_id, TemplateId.LOGON);
    t.equal((await client.waitForClose()).code, 1008);
  });
});

t.test('orders', async (t) => {
  t.test('a marketable NewOrder is reported NEW then TRADE (FILLED) with exact decimals and exec_id = event sequence', async (t) => {
    const client = await logon();
    client.send(newOrder({ client_order_id: 'mkt-1', quantity: '0.5', price: '45002' }));
    const trade = await client.waitForReport('mkt-1', ExecType.TRADE);
    const reports = client.reportsFor('mkt-1');
    t.same(reports.map((r) => [r.exec_type, r.ord_status]), [[ExecType.NEW, OrdStatus.NEW], [ExecType.TRADE, OrdStatus.FILLED]]);
    const [accepted] = reports;
    t.equal(text(accepted.cum_qty), '0');
    t.equal(text(accepted.leaves_qty), '0.5');
    t.equal(text(accepted.avg_px), '0');
    t.equal(text(accepted.last_qty), '0');
    t.equal(text(accepted.last_px), null, 'no last_px before a fill');
    t.match(trade, {
      reject_code: 0, side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, exec_reason: ExecReason.NONE,
      symbol: 'BTCUSDT', client_order_id: 'mkt-1', orig_order_id: 0, order_id: accepted.order_id,
    });
    t.equal(text(trade.order_qty), '0.5');
    t.equal(text(trade.price), '45002');
    t.equal(text(trade.stop_price), null);
    t.equal(text(trade.cum_qty), '0.5');
    t.equal(text(trade.leaves_qty), '0');
    t.equal(text(trade.avg_px), '45001.37', 'filled at the ask');
    t.equal(text(trade.last_qty), '0.5');
    t.equal(text(trade.last_px), '45001.37');
    t.ok(trade.exec_id > accepted.exec_id, 'exec ids increase');
    const http = await oms.request('GET', `/orders/${trade.order_id}`);
    t.equal(http.body.status, 'FILLED');
    t.equal(http.body.sequence, trade.exec_id, "the last report's exec_id is the order's last event sequence");
    t.ok(Math.abs(trade.transact_time_us / 1000 - Date.now()) < 60_000, 'transact_time_us is epoch microseconds');
  });

  t.test('a resting limit order is reported NEW with nothing filled', async (t) => {
    const client = await logon();
    client.send(newOrder({ client_order_id: 'rest-1', quantity: '0.25', price: '44000.5', side: Side.BUY, time_in_force: TimeInForce.DAY }));
    const report = await client.waitForReport('rest-1', ExecType.NEW);
    t.equal(report.ord_status, OrdStatus.NEW);
    t.equal(report.time_in_force, TimeInForce.DAY);
    t.equal(text(report.order_qty), '0.25');
    t.equal(text(report.price), '44000.5');
    t.equal(text(report.leaves_qty), '0.25');
    t.equal(text(report.cum_qty), '0');
    t.equal(text(report.last_px), null);
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.equal(client.reportsFor('rest-1').length, 1, 'nothing else happened to it');
  });

  t.test('a risk reject (price far from the mark) is an ExecutionReport with exec_type 8 and the reject code', async (t) => {
    const client = await logon();
    client.send(newOrder({ client_order_id: 'collar-1', price: '30000' }));
    const report = await client.waitForReport('collar-1', ExecType.REJECTED);
    t.equal(report.ord_status, OrdStatus.REJECTED);
    t.equal(report.reject_code, RejectCode.PRICE_COLLAR);
    t.ok(report.order_id > 0, 'a risk-rejected order has an order id');
    t.equal(text(report.leaves_qty), '0');
    t.equal(client.rejects.length, 0, 'not a Reject message');
  });

  t.test('post-only (exec_inst 1): one that would take is an ExecutionReport with exec_type 8 POST_ONLY_WOULD_TAKE; one that rests is NEW; on a market order a Reject', async (t) => {
    const client = await logon();
    client.send(newOrder({ client_order_id: 'po-take-1', price: '45001.37', exec_inst: ExecInst.POST_ONLY }));
    const refused = await client.waitForReport('po-take-1', ExecType.REJECTED);
    t.equal(refused.reject_code, RejectCode.POST_ONLY_WOULD_TAKE, 'at the ask: would take');
    client.send(newOrder({ client_order_id: 'po-rest-1', price: '45001.36', exec_inst: ExecInst.POST_ONLY }));
    const rested = await client.waitForReport('po-rest-1', ExecType.NEW);
    t.equal(rested.ord_status, OrdStatus.NEW, 'one tick below the ask rests');
    const [seq] = client.send(newOrder({ client_order_id: 'po-mkt-1', order_type: OrderType.MARKET, price: null, exec_inst: ExecInst.POST_ONLY }));
    const reject = await client.waitForReject(seq);
    t.equal(reject.code, RejectCode.POST_ONLY_NOT_ALLOWED, 'refused while decoding: a Reject, no order');
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.equal(client.reportsFor('po-rest-1').length, 1, 'the resting post-only order took nothing');
    // Pulled again: a resting buy this close to the ask would stop later tests' sells as self-trades.
    client.send({ template_id: TemplateId.CANCEL, order_id: rested.order_id });
    await client.waitForReport('po-rest-1', ExecType.CANCELED);
  });

  t.test('an idempotent resend is answered with exec_type I and the original order id', async (t) => {
    const client = await logon();
    const order = newOrder({ client_order_id: 'resend-1', quantity: '0.02', price: '44100' });
    client.send(order);
    const first = await client.waitForReport('resend-1', ExecType.NEW);
    client.send(order);
    const status = await client.waitForReport('resend-1', ExecType.ORDER_STATUS);
    t.equal(status.order_id, first.order_id);
    t.equal(status.ord_status, OrdStatus.NEW);
    t.equal(text(status.leaves_qty), '0.02');
    t.equal(text(status.price), '44100');
    t.ok(status.exec_id >= first.exec_id, 'exec_id is at least the last event of the order');
    t.equal(client.reportsFor('resend-1').filter((r) => r.exec_type === ExecType.NEW).length, 1, 'no second order');
  });

  t.test('the same client_order_id with other terms is refused: exec_type 8, order_id 0, DUPLICATE_CLIENT_ORDER_ID', async (t) => {
    const client = await logon();
    client.send(newOrder({ client_order_id: 'dup-1', quantity: '0.02', price: '44100' }));
    const first = await client.waitForReport('dup-1', ExecType.NEW);
    client.send(newOrder({ client_order_id: 'dup-1', quantity: '0.03', price: '44100' }));
    const refused = await client.waitForReport('dup-1', ExecType.REJECTED);
    t.match(refused, { order_id: 0, ord_status: OrdStatus.REJECTED, reject_code: RejectCode.DUPLICATE_CLIENT_ORDER_ID });
    t.equal(text(refused.order_qty), '0.03', 'the refused terms are echoed');
    const http = await oms.request('GET', `/orders/${first.order_id}`);
    t.equal(http.body.quantity, 0.02, 'the original order is untouched');
  });

  t.test('a Cancel is reported with exec_type 4', async (t) => {
    const client = await logon();
    client.send(newOrder({ client_order_id: 'cxl-1', price: '44000' }));
    const placed = await client.waitForReport('cxl-1', ExecType.NEW);
    client.send({ template_id: TemplateId.CANCEL, order_id: placed.order_id });
    const canceled = await client.waitForReport('cxl-1', ExecType.CANCELED);
    t.match(canceled, { order_id: placed.order_id, ord_status: OrdStatus.CANCELED, exec_reason: ExecReason.CLIENT_CANCEL });
    t.equal(text(canceled.leaves_qty), '0');
  });

  t.test('a Cancel of an unknown order is refused with UNKNOWN_ORDER', async (t) => {
    const client = await logon();
    const [seq] = client.send({ template_id: TemplateId.CANCEL, order_id: 987_654_321 });
    const reject = await client.waitForReject(seq);
    t.equal(reject.code, RejectCode.UNKNOWN_ORDER);
    t.equal(reject.ref_template_id, TemplateId.CANCEL);
  });

  t.test("a Cancel of another account's order is refused with UNKNOWN_ORDER", async (t) => {
    const owner = await logon();
    owner.send(newOrder({ client_order_id: 'not-yours' }));
    const placed = await owner.waitForReport('not-yours', ExecType.NEW);
    const other = await logon('demo2-key');
    const [seq] = other.send({ template_id: TemplateId.CANCEL, order_id: placed.order_id });
    t.equal((await other.waitForReject(seq)).code, RejectCode.UNKNOWN_ORDER);
    t.equal((await oms.request('GET', `/orders/${placed.order_id}`)).body.status, 'ACCEPTED');
  });

  t.test('a Cancel of a final order is refused with ORDER_ALREADY_FINAL', async (t) => {
    const client = await logon();
    client.send(newOrder({ client_order_id: 'final-1', price: '45002' }));
    const filled = await client.waitForReport('final-1', ExecType.TRADE);
    const [seq] = client.send({ template_id: TemplateId.CANCEL, order_id: filled.order_id });
    const reject = await client.waitForReject(seq);
    t.equal(reject.code, RejectCode.ORDER_ALREADY_FINAL);
  });

  t.test('a Replace is reported with exec_type 5 for the new order, naming orig_order_id', async (t) => {
    const client = await logon();
    client.send(newOrder({ client_order_id: 'rpl-1', quantity: '0.1', price: '44000' }));
    const placed = await client.waitForReport('rpl-1', ExecType.NEW);
    client.send({ template_id: TemplateId.REPLACE, orig_order_id: placed.order_id, price: dec('44010.25'), client_order_id: 'rpl-1b' });
    const replaced = await client.waitForReport('rpl-1b', ExecType.REPLACED);
    t.equal(replaced.orig_order_id, placed.order_id);
    t.not(replaced.order_id, placed.order_id, 'a new order id');
    t.equal(replaced.ord_status, OrdStatus.NEW);
    t.equal(text(replaced.price), '44010.25');
    t.equal(text(replaced.order_qty), '0.1', 'quantity unchanged');
    t.equal((await oms.request('GET', `/orders/${placed.order_id}`)).body.status, 'REPLACED');
    const [seq] = client.send({ template_id: TemplateId.CANCEL, order_id: placed.order_id });
    t.equal((await client.waitForReject(seq)).code, RejectCode.ORDER_ALREADY_FINAL, 'the replaced order is final');
  });

  t.test('a resent Replace (same client_order_id and terms) is answered with the replacing order, exec_type I', async (t) => {
    const client = await logon();
    client.send(newOrder({ client_order_id: 'rpl-resend', quantity: '0.1', price: '44000' }));
    const placed = await client.waitForReport('rpl-resend', ExecType.NEW);
    const replace = { template_id: TemplateId.REPLACE, orig_order_id: placed.order_id, price: dec('44001'), client_order_id: 'rpl-resend-b' } as const;
    client.send(replace);
    const replaced = await client.waitForReport('rpl-resend-b', ExecType.REPLACED);
    const [seq] = client.send(replace);
    const status = await client.waitFor<ExecutionReport>((m) => (m.template_id === TemplateId.EXECUTION_REPORT && m.client_order_id === 'rpl-resend-b'
      && m.exec_type === ExecType.ORDER_STATUS) || (m.template_id === TemplateId.REJECT && m.ref_seq === seq));
    t.equal(status.template_id, TemplateId.EXECUTION_REPORT, 'answered, not refused');
    t.match(status, { exec_type: ExecType.ORDER_STATUS, order_id: replaced.order_id, orig_order_id: placed.order_id, ord_status: OrdStatus.NEW });
    t.equal(client.reportsFor('rpl-resend-b').filter((r) => r.exec_type === ExecType.REPLACED).length, 1, 'replaced once');
  });

  t.test('a Replace the engine refuses gets a Reject with its code', async (t) => {
    const client = await logon();
    client.send(newOrder({ client_order_id: 'rpl-refused', quantity: '0.1', price: '44000' }));
    const placed = await client.waitForReport('rpl-refused', ExecType.NEW);
    const [same, taken, below] = client.send(
      { template_id: TemplateId.REPLACE, orig_order_id: placed.order_id, price: dec('44000'), client_order_id: 'rpl-refused-b' },
      { template_id: TemplateId.REPLACE, orig_order_id: placed.order_id, price: dec('44001'), client_order_id: 'rpl-refused' },
      { template_id: TemplateId.REPLACE, orig_order_id: placed.order_id, price: dec('30000'), client_order_id: 'rpl-refused-c' },
    );
    t.equal((await client.waitForReject(same)).code, RejectCode.NOTHING_TO_AMEND, 'no change');
    t.equal((await client.waitForReject(taken)).code, RejectCode.DUPLICATE_CLIENT_ORDER_ID, 'a client order id already used');
    t.equal((await client.waitForReject(below)).code, RejectCode.PRICE_COLLAR, 'a new price risk refuses');
    t.equal((await oms.request('GET', `/orders/${placed.order_id}`)).body.status, 'ACCEPTED', 'the order is unchanged');
  });

  t.test("a Replace of another account's order, or of a final order, is refused", async (t) => {
    const owner = await logon();
    owner.send(newOrder({ client_order_id: 'rpl-owner' }), newOrder({ client_order_id: 'rpl-filled', price: '45002' }));
    const resting = await owner.waitForReport('rpl-owner', ExecType.NEW);
    const filled = await owner.waitForReport('rpl-filled', ExecType.TRADE);
    const other = await logon('demo2-key');
    const [foreign] = other.send({ template_id: TemplateId.REPLACE, orig_order_id: resting.order_id, price: dec('44001'), client_order_id: 'rpl-foreign' });
    t.equal((await other.waitForReject(foreign)).code, RejectCode.UNKNOWN_ORDER);
    const [final] = owner.send({ template_id: TemplateId.REPLACE, orig_order_id: filled.order_id, price: dec('44001'), client_order_id: 'rpl-final' });
    t.equal((await owner.waitForReject(final)).code, RejectCode.ORDER_ALREADY_FINAL);
  });

  t.test('partial fills are reported with exec_type F and ord_status 1, and avg_px is rounded half-up to 8 decimals', async (t) => {
    await oms.setMarket('ETHUSDT', { bid: 2499.99, ask: 2500.01, bid_size: 100, ask_size: 0.1 });
    const client = await logon();
    client.send(newOrder({ symbol: 'ETHUSDT', client_order_id: 'partial-1', quantity: '0.3', price: '2501' }));
    const first = await client.waitForReport('partial-1', ExecType.TRADE);
    t.equal(first.ord_status, OrdStatus.PARTIALLY_FILLED);
    t.same([text(first.last_qty), text(first.last_px), text(first.cum_qty), text(first.leaves_qty), text(first.avg_px)],
      ['0.1', '2500.01', '0.1', '0.2', '2500.01']);
    await oms.setMarket('ETHUSDT', { bid: 2499.99, ask: 2500.02, bid_size: 100, ask_size: 100 });
    const last = await client.waitFor<ExecutionReport>((m) => m.template_id === TemplateId.EXECUTION_REPORT
      && m.client_order_id === 'partial-1' && m.ord_status === OrdStatus.FILLED);
    t.same([text(last.last_qty), text(last.last_px), text(last.cum_qty), text(last.leaves_qty)], ['0.2', '2500.02', '0.3', '0']);
    t.equal(text(last.avg_px), '2500.01666667', '(0.1 x 2500.01 + 0.2 x 2500.02) / 0.3, rounded half-up');
  });

  t.test('a stop order is reported TRIGGERED (exec_type L) as a market order, then filled', async (t) => {
    await oms.setMarket('SOLUSDT', { bid: 99.99, ask: 100.01, bid_size: 1000, ask_size: 1000 });
    const client = await logon();
    client.send(newOrder({ symbol: 'SOLUSDT', client_order_id: 'stop-1', order_type: OrderType.STOP, price: null, stop_price: '100.5', quantity: '1' }));
    const placed = await client.waitForReport('stop-1', ExecType.NEW);
    t.equal(placed.order_type, OrderType.STOP);
    t.equal(text(placed.stop_price), '100.5');
    await oms.setMarket('SOLUSDT', { bid: 100.59, ask: 100.61, bid_size: 1000, ask_size: 1000 });
    const triggered = await client.waitForReport('stop-1', ExecType.TRIGGERED);
    t.equal(triggered.order_type, OrderType.MARKET, 'after a stop triggers its order_type is MARKET (PROTOCOL.md §7.2)');
    const fill = await client.waitForReport('stop-1', ExecType.TRADE);
    t.equal(text(fill.last_px), '100.61');
    t.equal(fill.ord_status, OrdStatus.FILLED);
  });

  t.test('a GTD order whose expiry is already past is rejected (exec_type 8, EXPIRE_TIME_IN_PAST)', async (t) => {
    const client = await logon();
    client.send(newOrder({ client_order_id: 'gtd-past', time_in_force: TimeInForce.GTD, expire_time_ms: Date.now() - 60_000 }));
    const report = await client.waitForReport('gtd-past', ExecType.REJECTED);
    t.equal(report.reject_code, RejectCode.EXPIRE_TIME_IN_PAST);
  });

  t.test('off-tick and off-lot orders are refused with OFF_TICK and OFF_LOT', async (t) => {
    const client = await logon();
    const [tick_seq, lot_seq, stop_seq] = client.send(
      newOrder({ client_order_id: 'tick-1', price: '44000.005' }),
      newOrder({ client_order_id: 'lot-1', quantity: '0.00005' }),
      newOrder({ client_order_id: 'stop-tick-1', order_type: OrderType.STOP, price: null, stop_price: '46000.001' }),
    );
    t.equal((await client.waitForReject(tick_seq)).code, RejectCode.OFF_TICK);
    t.equal((await client.waitForReject(lot_seq)).code, RejectCode.OFF_LOT);
    t.equal((await client.waitForReject(stop_seq)).code, RejectCode.OFF_TICK);
    client.send(newOrder({ client_order_id: 'rpl-grid' }));
    const placed = await client.waitForReport('rpl-grid', ExecType.NEW);
    const [rpl_tick, rpl_lot] = client.send(
      { template_id: TemplateId.REPLACE, orig_order_id: placed.order_id, price: dec('44000.001'), client_order_id: 'rpl-grid-b' },
      { template_id: TemplateId.REPLACE, orig_order_id: placed.order_id, quantity: dec('0.01001'), client_order_id: 'rpl-grid-c' },
    );
    t.equal((await client.waitForReject(rpl_tick)).code, RejectCode.OFF_TICK, 'a Replace off the tick grid');
    t.equal((await client.waitForReject(rpl_lot)).code, RejectCode.OFF_LOT, 'a Replace off the lot grid');
    t.equal(client.reports.filter((r) => r.client_order_id !== 'rpl-grid').length, 0, 'no order was created');
  });

  t.test('an unknown symbol is refused with UNKNOWN_SYMBOL', async (t) => {
    const client = await logon();
    const [seq] = client.send(newOrder({ client_order_id: 'sym-1', symbol: 'DOGEUSDT' }));
    t.equal((await client.waitForReject(seq)).code, RejectCode.UNKNOWN_SYMBOL);
  });

  t.test('many orders in one WebSocket message are all answered, in order', async (t) => {
    const client = await logon();
    const count = 60;
    const drafts = Array.from({ length: count }, (_, i) => newOrder({
      client_order_id: `batch-${i}`,
      side: i % 2 === 0 ? Side.BUY : Side.SELL,
      price: i % 2 === 0 ? '44000' : '46000',
      // One order off the tick grid in the middle: its Reject comes in its place.
      ...(i === 30 ? { price: '44000.001' } : {}),
    }));
    const seqs = client.send(...drafts);
    await client.waitForCount((m) => m.template_id === TemplateId.EXECUTION_REPORT && m.client_order_id.startsWith('batch-'), count - 1);
    const reports = client.reports.filter((r) => r.client_order_id.startsWith('batch-'));
    t.same(reports.map((r) => r.client_order_id), drafts.map((_, i) => `batch-${i}`).filter((id) => id !== 'batch-30'), 'reports in sending order');
    t.ok(reports.every((r) => r.exec_type === ExecType.NEW), 'every order accepted');
    t.ok(reports.every((r, i) => i === 0 || r.order_id > reports[i - 1].order_id), 'order ids increase in sending order');
    t.equal((await client.waitForReject(seqs[30])).code, RejectCode.OFF_TICK);
  });
});

t.test('execution reports stream to every session of the account and to no other account', async (t) => {
  const a = await logon();
  const b = await logon();
  const other = await logon('demo2-key');
  a.send(newOrder({ client_order_id: 'stream-ws', price: '44000' }));
  const http = await oms.request('POST', '/orders', { body: { symbol: 'BTCUSDT', side: 'sell', quantity: 0.01, price: 44999.5, client_order_id: 'stream-http' } });
  t.equal(http.status, 200);
  for (const [client, name] of [[a, 'the placing session'], [b, 'another session of the account']] as const) {
    await client.waitForReport('stream-ws', ExecType.NEW);
    const trade = await client.waitForReport('stream-http', ExecType.TRADE);
    t.equal(String(trade.order_id), http.body.order_id, `${name} gets the reports of an order placed over HTTP`);
    t.same(client.reportsFor('stream-http').map((r) => r.exec_type), [ExecType.NEW, ExecType.TRADE], `${name}: NEW then TRADE`);
  }
  other.send(newOrder({ client_order_id: 'stream-other' }));
  await other.waitForReport('stream-other', ExecType.NEW);
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.same(other.reports.map((r) => r.client_order_id), ['stream-other'], "another account's session sees only its own orders");
  t.equal(a.reportsFor('stream-other').length + b.reportsFor('stream-other').length, 0, "demo2's order reaches no session of test");
  const ids = (c: WsClient) => c.reports.map((r: ExecutionReport) => r.exec_id);
  t.ok(ids(b).every((id, i, all) => i === 0 || id > all[i - 1]), 'reports arrive in event order');
});

t.test('sequence numbers', async (t) => {
  t.test('server messages are numbered 1, 2, 3... on each connection', async (t) => {
    const a = await logon();
    const b = await logon();
    a.send(...Array.from({ length: 10 }, (_, i) => newOrder({ client_order_id: `seq-${i}` })));
    const [rejected] = a.send({ template_id: TemplateId.CANCEL, order_id: 999_999_999 });
    await a.waitForReject(rejected);
    await b.waitForCount((m) => m.template_id === TemplateId.EXECUTION_REPORT && m.client_order_id.startsWith('seq-'), 10);
    for (const client of [a, b]) t.same(client.messages.map((m) => m.seq), client.messages.map((_, i) => i + 1), 'no gap, no repeat');
    t.ok(a.messages.length > 10 && b.messages.length > 10);
  });

  t.test('a client sequence gap is refused with a Reject naming the expected seq and closed with 1002', async (t) => {
    const client = await logon();
    client.send({ template_id: TemplateId.HEARTBEAT });
    client.next_seq = 5;
    const [seq] = client.send(newOrder({ client_order_id: 'gap-1' }));
    const reject = await client.waitForReject(seq);
    t.equal(reject.code, RejectCode.MALFORMED_BODY);
    t.match(reject.reason, /expected 2/);
    t.equal(reject.ref_template_id, TemplateId.NEW_ORDER, 'the header was readable: the Reject names its template');
    t.equal((await client.waitForClose()).code, 1002);
    t.equal(client.reportsFor('gap-1').length, 0, 'the out-of-sequence order was not placed');
  });

  t.test('a refused message still uses up its seq', async (t) => {
    const client = await logon();
    const [refused] = client.send({ template_id: TemplateId.CANCEL, order_id: 123_456_789 });
    await client.waitForReject(refused);
    client.send(newOrder({ client_order_id: 'after-refused' }));
    await client.waitForReport('after-refused', ExecType.NEW);
    t.equal(client.closed_with, null);
  });
});

t.test('a Logout ends the session with 1000', async (t) => {
  const client = await logon();
  client.send({ template_id: TemplateId.LOGOUT });
  t.same(await client.waitForClose(), { code: 1000, reason: 'logout' });
});

t.test('a Logout right behind orders sends their reports before closing with 1000', async (t) => {
  const client = await logon();
  client.send(
    newOrder({ client_order_id: 'logout-1' }),
    newOrder({ client_order_id: 'logout-2', price: '45002' }),
    { template_id: TemplateId.CANCEL, order_id: 987_654_321 },
    { template_id: TemplateId.LOGOUT },
  );
  t.equal((await client.waitForClose()).code, 1000);
  t.same(client.reportsFor('logout-1').map((r) => r.exec_type), [ExecType.NEW], 'the resting order was reported');
  t.same(client.reportsFor('logout-2').map((r) => r.exec_type), [ExecType.NEW, ExecType.TRADE], 'the filled order was reported');
  t.same(client.rejects.map((r) => r.code), [RejectCode.UNKNOWN_ORDER], 'the refused Cancel was answered');
});

t.test('on SIGTERM new orders are refused with SHUTTING_DOWN and the sessions are closed with 1001', async (t) => {
  const client = await logon();
  const late = await logon();
  const stopped = oms.stop();
  // The process refuses new orders from the moment it starts shutting down.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const [seq] = late.send(newOrder({ client_order_id: 'too-late' }));
  const [closed] = await Promise.all([client.waitForClose(15_000), late.waitForClose(15_000)]);
  t.equal(closed.code, 1001);
  const answer = late.messages.find((m) => (m.template_id === TemplateId.REJECT && m.ref_seq === seq) || m.template_id === TemplateId.EXECUTION_REPORT);
  if (answer !== undefined && answer.template_id === TemplateId.REJECT) t.equal(answer.code, RejectCode.SHUTTING_DOWN, 'refused as shutting down');
  else t.pass('the order was taken before the shutdown began (or the session was closed first)');
  t.equal(await stopped, 0, 'the OMS exits 0');
});

t.test('every message the server sent in this file decodes as a valid server message', async (t) => {
  t.ok(every_client.length > 20);
  t.same(every_client.flatMap((c) => c.invalid.map((r) => r.reason)), [], 'no refusal decoding server frames');
  t.equal(every_client.reduce((sum, c) => sum + c.text_frames, 0), 0, 'no text frames');
});
