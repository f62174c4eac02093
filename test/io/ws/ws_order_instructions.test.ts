/**
 * Order instructions and trading states over the binary protocol against the real OMS:
 * a reduce-only NewOrder (exec_inst 2) with no position is an ExecutionReport with
 * exec_type 8 and REDUCE_ONLY_WOULD_INCREASE; one larger than the position is NEW with
 * order_qty trimmed to it; while the account is REDUCING a plain NewOrder is exec_type 8
 * TRADING_REDUCING, a reduce-only one is taken, and a Cancel always passes.
 */
import t from 'tap';
import { ExecInst, OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { ExecType, TemplateId } from '../../../io/binary/index.js';
import { OmsServer } from '../../support/oms_server.js';
import { newOrder, text, WsClient } from '../../support/ws_client.js';

const oms = await OmsServer.start();
await oms.setMarket('BTCUSDT', { bid: 44999.5, ask: 45001.37, bid_size: 1000, ask_size: 1000 });

const client = await WsClient.logon(oms.url, 'test-key');
t.teardown(async () => {
  await client.close().catch(() => undefined);
  await oms.cleanup();
});

t.test('a reduce-only NewOrder with no position is refused with exec_type 8 REDUCE_ONLY_WOULD_INCREASE', async (t) => {
  client.send(newOrder({ client_order_id: 'ws-ro-flat', side: Side.SELL, price: '46000', exec_inst: ExecInst.REDUCE_ONLY }));
  const report = await client.waitForReport('ws-ro-flat', ExecType.REJECTED);
  t.equal(report.reject_code, RejectCode.REDUCE_ONLY_WOULD_INCREASE);
});

t.test('long 0.03: a reduce-only sell of 0.05 is NEW with order_qty 0.03', async (t) => {
  client.send(newOrder({ client_order_id: 'ws-long', order_type: OrderType.MARKET, price: null, time_in_force: TimeInForce.IOC, quantity: '0.03' }));
  await client.waitForReport('ws-long', ExecType.TRADE);
  client.send(newOrder({ client_order_id: 'ws-ro-trim', side: Side.SELL, price: '46000', quantity: '0.05', exec_inst: ExecInst.REDUCE_ONLY }));
  const report = await client.waitForReport('ws-ro-trim', ExecType.NEW);
  t.equal(text(report.order_qty), '0.03', 'trimmed to the position');
  t.equal(text(report.leaves_qty), '0.03');
});

t.test('while REDUCING: a plain NewOrder is exec_type 8 TRADING_REDUCING, a reduce-only one is taken, a Cancel passes', async (t) => {
  const set = await oms.request('POST', '/admin/trading-state', { key: null, admin: true, body: { account: 'test', state: 'REDUCING' } });
  t.equal(set.status, 200, set.text);
  client.send(newOrder({ client_order_id: 'ws-plain', price: '44000' }));
  t.equal((await client.waitForReport('ws-plain', ExecType.REJECTED)).reject_code, RejectCode.TRADING_REDUCING);
  const placed = await client.waitForReport('ws-ro-trim', ExecType.NEW);
  client.send({ template_id: TemplateId.CANCEL, order_id: placed.order_id });
  await client.waitForReport('ws-ro-trim', ExecType.CANCELED);
  client.send(newOrder({ client_order_id: 'ws-ro-2', side: Side.SELL, price: '46000', quantity: '0.01', exec_inst: ExecInst.REDUCE_ONLY }));
  t.equal((await client.waitForReport('ws-ro-2', ExecType.NEW)).exec_type, ExecType.NEW);
  t.same(client.invalid, [], 'every server message decoded');
});
