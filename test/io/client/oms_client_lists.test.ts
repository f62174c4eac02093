/**
 * The client's trailing orders and contingent order lists (io/client: newTrailingOrder,
 * newOrderList, cancelOrderList) against the real OMS with scripted marks: a list is
 * awaited for its ListStatus and each member is an order handle; a list refused whole
 * refuses every member's handle with the same error; a list canceled ends every member.
 */
import t from 'tap';
import {
  ContingencyType, ExecReason, ExecType, OmsClient, OrderRejected, OrderType, RejectCode, Side,
  TimeInForce, TrailingOffsetType,
} from '../../../io/client/index.js';
import type { ListMemberRequest } from '../../../io/client/index.js';
import { OmsServer } from '../../support/oms_server.js';
import { collect, refusal } from './fixtures/order_outcomes.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());
const market = (last: number) => oms.setMarket('BTCUSDT', { bid: last - 1, ask: last + 1, last, bid_size: 1000, ask_size: 1000 });
await market(45000);
const url = `ws://127.0.0.1:${oms.port}/ws`;

const open: OmsClient[] = [];
t.afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});
async function connect(): Promise<OmsClient> {
  const client = await OmsClient.connect({ url, api_key: 'test-key' });
  open.push(client);
  return client;
}

const member = (more: Partial<ListMemberRequest>): ListMemberRequest => ({
  symbol: 'BTCUSDT', side: Side.SELL, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, quantity: '0.01', ...more,
});


t.test('newTrailingOrder places a trailing stop whose NEW report carries its trigger', async (t) => {
  await market(45000);
  const client = await connect();
  const order = client.newTrailingOrder({
    symbol: 'BTCUSDT', side: Side.SELL, order_type: OrderType.TRAILING_STOP, time_in_force: TimeInForce.GTC, quantity: '0.01',
    trailing_offset: '100', trailing_offset_type: TrailingOffsetType.PRICE,
  });
  const accepted = await order;
  t.match(accepted, { exec_type: ExecType.NEW, order_type: OrderType.TRAILING_STOP, stop_price: '44900' });
  t.match(await client.cancel(accepted.order_id), { exec_type: ExecType.CANCELED });
  t.equal(order.done, true);
});

t.test('newOrderList: the OCO\'s ListStatus names the list and its members\' orders; one fills and the other ends LIST_CONTINGENCY', async (t) => {
  await market(45000);
  const client = await connect();
  const list = client.newOrderList({
    contingency: ContingencyType.OCO, list_client_id: 'cl-oco',
    orders: [member({ price: '46000' }), member({ order_type: OrderType.STOP, stop_price: '44000' })],
  });
  const status = await list;
  t.match(status, { list_client_id: 'cl-oco', contingency: ContingencyType.OCO, list_order_status: 3, duplicate: false });
  const [take_profit, stop_loss] = list.orders;
  t.same(status.order_ids, [take_profit.order_id, stop_loss.order_id], 'each member\'s handle has its order id');
  await market(46001);
  t.match((await collect(take_profit)).map((r) => r.exec_type), [ExecType.NEW, ExecType.TRADE]);
  const ended = await collect(stop_loss);
  t.match(ended.at(-1), { exec_type: ExecType.CANCELED, exec_reason: ExecReason.LIST_CONTINGENCY });
});

t.test('a list refused whole: awaiting it and every member throws the same OrderRejected, naming the member', async (t) => {
  await market(45000);
  const client = await connect();
  const list = client.newOrderList({
    contingency: ContingencyType.OCO, orders: [member({ side: Side.BUY, price: '44000' }), member({ price: '90000' })],
  });
  const error = await refusal(list);
  t.ok(error instanceof OrderRejected);
  t.match(error, { code: RejectCode.PRICE_COLLAR, reason: /^orders\[1\]: / });
  for (const order of list.orders) t.equal(await refusal(order), error);
});

t.test('cancelOrderList cancels every open member and resolves with the count; a finished list is ORDER_LIST_ALREADY_DONE', async (t) => {
  await market(45000);
  const client = await connect();
  const list = client.newOrderList({
    contingency: ContingencyType.BRACKET,
    orders: [
      member({ side: Side.BUY, price: '44000' }), member({ price: '46000' }),
      member({ order_type: OrderType.TRAILING_STOP, trailing_offset: '500' }),
    ],
  });
  const { list_id } = await list;
  const canceled = await client.cancelOrderList(list_id);
  t.match(canceled, { list_id, canceled_orders: 3, list_order_status: 6 });
  for (const order of list.orders) t.match((await collect(order)).at(-1), { exec_type: ExecType.CANCELED, exec_reason: ExecReason.CLIENT_CANCEL });
  t.match(await refusal(client.cancelOrderList(list_id)), { code: RejectCode.ORDER_LIST_ALREADY_DONE });
  t.match(await refusal(client.cancelOrderList(999_999)), { code: RejectCode.UNKNOWN_ORDER_LIST });
});

t.test('the server logged no errors', async (t) => {
  t.same(oms.problems(), []);
});
