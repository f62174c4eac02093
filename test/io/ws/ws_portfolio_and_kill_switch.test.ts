/**
 * Over the binary protocol against the real OMS with scripted marks: the TRIMMED report
 * flag goes only to sessions that asked for it (Logon features REPORT_FLAGS, or
 * ?report_flags=1), so a version-1 client sees padding as before; a portfolio limit
 * refuses a NewOrder with exec_type 8 and its code; the kill switch (HALTED plus
 * cancel-all) reports each cancel, exec_reason KILL_SWITCH, to every session.
 */
import t from 'tap';
import { ExecInst, ExecReason, OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { ExecType, LogonFeature, ReportFlag, TemplateId } from '../../../io/binary/index.js';
import { OmsServer } from '../../support/oms_server.js';
import { newOrder, text, WsClient } from '../../support/ws_client.js';

const oms = await OmsServer.start();
await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.5, last: 45000, bid_size: 1000, ask_size: 1000 });

const plain = await WsClient.logon(oms.url, 'test-key');
const flagged = await WsClient.connect(oms.url, { key: 'test-key', query: 'report_flags=1' });
await flagged.waitFor((m) => m.template_id === TemplateId.LOGON_ACK);
const by_message = await WsClient.connect(oms.url);
by_message.send({ template_id: TemplateId.LOGON, cancel_on_disconnect: false, features: LogonFeature.REPORT_FLAGS, api_key: 'test-key' });
await by_message.waitFor((m) => m.template_id === TemplateId.LOGON_ACK);
const sessions = [plain, flagged, by_message];
t.teardown(async () => {
  await Promise.all(sessions.map((c) => c.close().catch(() => undefined)));
  await oms.cleanup();
});
const admin = (method: string, route: string, body?: unknown) => oms.request(method, route, { key: null, admin: true, body });

t.test('a trimmed reduce-only NEW carries report_flags TRIMMED for sessions that asked, 0 for the others', async (t) => {
  plain.send(newOrder({ client_order_id: 'pk-long', order_type: OrderType.MARKET, price: null, time_in_force: TimeInForce.IOC, quantity: '0.03' }));
  await plain.waitForReport('pk-long', ExecType.TRADE);
  plain.send(newOrder({ client_order_id: 'pk-trim', side: Side.SELL, price: '46000', quantity: '0.05', exec_inst: ExecInst.REDUCE_ONLY }));
  const [asked_header, asked_logon, did_not_ask] = await Promise.all(
    [flagged, by_message, plain].map((c) => c.waitForReport('pk-trim', ExecType.NEW)));
  t.equal(text(asked_header.order_qty), '0.03', 'trimmed to the position');
  t.equal(asked_header.report_flags, ReportFlag.TRIMMED, '?report_flags=1: flagged');
  t.equal(asked_logon.report_flags, ReportFlag.TRIMMED, 'Logon features REPORT_FLAGS: flagged');
  t.equal(did_not_ask.report_flags, 0, 'a version-1 session sees zero, as the padding was');
  plain.send(newOrder({ client_order_id: 'pk-fits', side: Side.SELL, price: '46000', quantity: '0.01', exec_inst: ExecInst.REDUCE_ONLY }));
  t.equal((await flagged.waitForReport('pk-fits', ExecType.REJECTED)).reject_code, RejectCode.REDUCE_ONLY_WOULD_INCREASE,
    'the open trimmed order already covers the position');
  plain.send(newOrder({ client_order_id: 'pk-rest', price: '44000', quantity: '0.01' }));
  t.equal((await flagged.waitForReport('pk-rest', ExecType.NEW)).report_flags, 0, 'an order that was not trimmed: no flag');
});

t.test('a portfolio limit refuses a NewOrder with exec_type 8 PORTFOLIO_GROSS_LIMIT', async (t) => {
  const put = await admin('PUT', '/admin/limits', { accounts: { test: { max_gross_notional: '5000' } } });
  t.equal(put.status, 200, put.text);
  // Gross now: 0.03 long, 0.03 sell and 0.01 buy open, at 45000: 3150. Another 0.05 = 2250 more.
  plain.send(newOrder({ client_order_id: 'pk-gross', price: '44000', quantity: '0.05' }));
  const refused = await plain.waitForReport('pk-gross', ExecType.REJECTED);
  t.equal(refused.reject_code, RejectCode.PORTFOLIO_GROSS_LIMIT);
  plain.send(newOrder({ client_order_id: 'pk-gross-ok', price: '44000', quantity: '0.04' }));
  t.equal((await plain.waitForReport('pk-gross-ok', ExecType.NEW)).exec_type, ExecType.NEW, '4950 fits');
});

t.test('the kill switch reports every cancel to every session, exec_reason KILL_SWITCH, and refuses new orders', async (t) => {
  const kill = await admin('POST', '/admin/kill-switch', { account: 'test', engaged: true });
  t.match(kill.body, { success: true, engaged: true, state: 'HALTED', canceled_orders: 3 });
  for (const session of sessions) {
    for (const id of ['pk-trim', 'pk-rest', 'pk-gross-ok']) {
      t.equal((await session.waitForReport(id, ExecType.CANCELED)).exec_reason, ExecReason.KILL_SWITCH, `${id} canceled`);
    }
  }
  plain.send(newOrder({ client_order_id: 'pk-halted', price: '44000', quantity: '0.01' }));
  t.equal((await plain.waitForReport('pk-halted', ExecType.REJECTED)).reject_code, RejectCode.TRADING_HALTED);
  t.equal((await admin('POST', '/admin/kill-switch', { account: 'test', engaged: false })).status, 200);
  plain.send(newOrder({ client_order_id: 'pk-again', price: '44000', quantity: '0.01' }));
  t.equal((await plain.waitForReport('pk-again', ExecType.NEW)).exec_type, ExecType.NEW, 'released');
  for (const session of sessions) t.same(session.invalid, [], 'every server message decoded');
});
