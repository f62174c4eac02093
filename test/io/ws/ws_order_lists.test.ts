/**
 * Contingent order lists over the binary protocol against the real OMS with scripted marks
 * (OMS_MARKET_DATA=manual), the worked examples of test/io/http/routes/order_list_routes
 * sent as a NewOrderList and its ListOrders: OCO, OTO, OUO and BRACKET as their members'
 * ExecutionReports show them, the ListStatus that names the list, CancelOrderList, a list
 * refused whole with one Reject, a list resent whole, and the edge's refusals.
 */
import t from 'tap';
import { ContingencyType, ExecReason, OrderType, Side } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { ExecType, ListStatus, TemplateId } from '../../../io/binary/index.js';
import { listOrder, newOrder, orderList, text, WsClient } from '../../support/ws_client.js';
import { wsOmsFixture } from '../../support/ws_oms_fixture.js';
import { until } from '../http/fixtures/http_fixtures.js';

const { oms, logon } = await wsOmsFixture();
const market = (last: number, extra: Record<string, number> = {}) =>
  oms.setMarket('BTCUSDT', { bid: last - 1, ask: last + 1, last, bid_size: 1000, ask_size: 1000, ...extra });
const orderIds = (s: ListStatus) => [s.order_id_0, s.order_id_1, s.order_id_2, s.order_id_3].slice(0, s.member_count);
const openOrders = async () => (await oms.request('GET', '/orders?active_only=true')).body.count as number;

/** Sends the list; resolves with its ListStatus once every member's NEW report is in. */
async function place(client: WsClient, contingency: ContingencyType, list_client_id: string, members: Parameters<typeof listOrder>[0][]): Promise<ListStatus> {
  const [seq] = client.send(...orderList(contingency, list_client_id, members.map(listOrder)));
  const status = await client.waitForListStatus(seq);
  for (const m of members) await client.waitForReport(m.client_order_id, ExecType.NEW);
  return status;
}

t.test('OCO: the take-profit fills and the stop-loss is canceled LIST_CONTINGENCY; the ListStatus names the list and comes after the NEW reports', async (t) => {
  await market(45000);
  const client = await logon();
  const status = await place(client, ContingencyType.OCO, 'ws-oco', [
    { client_order_id: 'ws-oco-tp', side: Side.SELL, price: '46000' },
    { client_order_id: 'ws-oco-sl', side: Side.SELL, order_type: OrderType.STOP, stop_price: '44000' },
  ]);
  t.match(status, { ref_template_id: TemplateId.NEW_ORDER_LIST, contingency: ContingencyType.OCO, member_count: 2, duplicate: false,
    list_client_id: 'ws-oco', list_order_status: 3 });
  const news = [client.reportsFor('ws-oco-tp')[0], client.reportsFor('ws-oco-sl')[0]];
  t.same(orderIds(status), news.map((r) => r.order_id), 'the members\' order ids in member order');
  t.ok(client.messages.indexOf(status) > client.messages.indexOf(news[1]), 'after the members\' NEW reports');
  const single = await oms.request('GET', `/orders/${status.order_id_0}`);
  t.equal(single.body.list_id, String(status.list_id), 'the list id is the one GET /orders/:id shows');
  await market(46001);
  t.equal((await client.waitForReport('ws-oco-tp', ExecType.TRADE)).ord_status, '2');
  const canceled = await client.waitForReport('ws-oco-sl', ExecType.CANCELED);
  t.equal(canceled.exec_reason, ExecReason.LIST_CONTINGENCY);
  const [again] = client.send({ template_id: TemplateId.CANCEL_ORDER_LIST, list_id: status.list_id });
  t.equal((await client.waitForReject(again)).code, RejectCode.ORDER_LIST_ALREADY_DONE, 'a CancelOrderList of a finished list');
  t.same(client.invalid, [], 'every server message decoded');
});

t.test('OTO: the child is held until the parent fills, then released at what the parent filled', async (t) => {
  await market(45000);
  const client = await logon();
  const status = await place(client, ContingencyType.OTO, 'ws-oto', [
    { client_order_id: 'ws-oto-parent', side: Side.BUY, price: '44500', quantity: '0.05' },
    { client_order_id: 'ws-oto-child', side: Side.SELL, price: '44800', quantity: '0.05' },
  ]);
  // A working sell at 44800 would fill at this bid; the held child does not.
  await market(44900);
  await market(44499, { ask_size: 0.02 });
  const partial = await client.waitForReport('ws-oto-parent', ExecType.TRADE);
  t.equal(text(partial.last_qty), '0.02');
  client.send({ template_id: TemplateId.CANCEL, order_id: status.order_id_0 });
  await client.waitForReport('ws-oto-parent', ExecType.CANCELED);
  await until('the release', async () => ((await oms.request('GET', `/orders/${status.order_id_1}`)).body.quantity === 0.02 ? true : undefined));
  await market(44900);
  const fill = await client.waitForReport('ws-oto-child', ExecType.TRADE);
  t.equal(text(fill.order_qty), '0.02', 'sized to the 0.02 the parent filled');
  t.equal(fill.ord_status, '2');
  t.equal(client.reportsFor('ws-oto-child').filter((r) => r.exec_type === ExecType.TRADE).length, 1, 'no fill while held');
});

t.test('OUO: a partial fill of one reduces the other; CancelOrderList cancels every open member', async (t) => {
  await market(45000);
  const client = await logon();
  const status = await place(client, ContingencyType.OUO, 'ws-ouo', [
    { client_order_id: 'ws-ouo-buy', side: Side.BUY, price: '44000', quantity: '0.1' },
    { client_order_id: 'ws-ouo-sell', side: Side.SELL, price: '46000', quantity: '0.1' },
  ]);
  await market(46001, { bid_size: 0.03 });
  t.equal(text((await client.waitForReport('ws-ouo-sell', ExecType.TRADE)).last_qty), '0.03');
  await until('the reduction', async () => ((await oms.request('GET', `/orders/${status.order_id_0}`)).body.quantity === 0.07 ? true : undefined));
  const [seq] = client.send({ template_id: TemplateId.CANCEL_ORDER_LIST, list_id: status.list_id });
  const canceled = await client.waitForListStatus(seq);
  t.match(canceled, { ref_template_id: TemplateId.CANCEL_ORDER_LIST, list_id: status.list_id, canceled_orders: 2, list_order_status: 6 });
  const buy = await client.waitForReport('ws-ouo-buy', ExecType.CANCELED);
  t.equal(text(buy.order_qty), '0.07', 'the report carries the reduced quantity');
  t.equal(buy.exec_reason, ExecReason.CLIENT_CANCEL);
  t.equal((await client.waitForReport('ws-ouo-sell', ExecType.CANCELED)).exec_reason, ExecReason.CLIENT_CANCEL);
  t.ok(client.messages.indexOf(canceled) > client.messages.indexOf(buy), 'the ListStatus after the CANCELED reports');
});

t.test('BRACKET: the entry fills, the exits are released, the trailing stop-loss fires and cancels the take-profit', async (t) => {
  await market(45000);
  const client = await logon();
  await place(client, ContingencyType.BRACKET, 'ws-bracket', [
    { client_order_id: 'ws-br-entry', side: Side.BUY, order_type: OrderType.MARKET, time_in_force: 3 },
    { client_order_id: 'ws-br-tp', side: Side.SELL, price: '46000' },
    { client_order_id: 'ws-br-sl', side: Side.SELL, order_type: OrderType.TRAILING_STOP, trailing_offset: '500' },
  ]);
  t.equal((await client.waitForReport('ws-br-entry', ExecType.TRADE)).ord_status, '2');
  t.equal(text(client.reportsFor('ws-br-sl')[0].stop_price), '44500', 'the stop-loss trails 500 below the last');
  await market(44400);
  await client.waitForReport('ws-br-sl', ExecType.TRIGGERED);
  t.equal((await client.waitForReport('ws-br-sl', ExecType.TRADE)).ord_status, '2');
  t.equal((await client.waitForReport('ws-br-tp', ExecType.CANCELED)).exec_reason, ExecReason.LIST_CONTINGENCY);
});

t.test('a list refused by the engine is one Reject naming the member, and nothing of it is placed', async (t) => {
  await market(45000);
  const client = await logon();
  const before = await openOrders();
  const [seq] = client.send(...orderList(ContingencyType.OCO, 'ws-collar', [
    listOrder({ client_order_id: 'ws-collar-a', price: '44000' }),
    listOrder({ client_order_id: 'ws-collar-b', side: Side.SELL, price: '90000' }),
  ]));
  const reject = await client.waitForReject(seq);
  t.match(reject, { code: RejectCode.PRICE_COLLAR, ref_template_id: TemplateId.NEW_ORDER_LIST, reason: /^orders\[1\]: / });
  // A fence: the next answer comes after anything the list could have caused.
  client.send(newOrder({ client_order_id: 'ws-collar-fence', price: '41000' }));
  const fence = await client.waitForReport('ws-collar-fence', ExecType.NEW);
  t.same([...client.reportsFor('ws-collar-a'), ...client.reportsFor('ws-collar-b')], [], 'no report of a member');
  t.equal(client.rejects.length, 1, 'one Reject for the list, none for its ListOrders');
  t.equal(await openOrders(), before + 1, 'only the fence was placed');
  client.send({ template_id: TemplateId.CANCEL, order_id: fence.order_id });
  await client.waitForReport('ws-collar-fence', ExecType.CANCELED);
});

t.test('a list resent whole answers as it stands (ORDER_STATUS per member, ListStatus duplicate); other terms are refused 300', async (t) => {
  await market(45000);
  const client = await logon();
  const members = [
    { client_order_id: 'ws-dup-a', price: '44000' },
    { client_order_id: 'ws-dup-b', side: Side.SELL, price: '46000' },
  ];
  const first = await place(client, ContingencyType.OCO, 'ws-dup', members);
  const [seq] = client.send(...orderList(ContingencyType.OCO, 'ws-dup', members.map(listOrder)));
  const again = await client.waitForListStatus(seq);
  t.match(again, { list_id: first.list_id, duplicate: true, list_order_status: 3 });
  t.same(orderIds(again), orderIds(first));
  for (const id of ['ws-dup-a', 'ws-dup-b']) {
    t.match(await client.waitForReport(id, ExecType.ORDER_STATUS), { ord_status: '0' }, `${id}: its state now`);
  }
  const [other] = client.send(...orderList(ContingencyType.OCO, 'ws-dup', [listOrder(members[0]), listOrder({ ...members[1], price: '46500' })]));
  t.match(await client.waitForReject(other), { code: RejectCode.DUPLICATE_CLIENT_ORDER_ID, reason: /^orders\[1\]: / });
  const [cancel] = client.send({ template_id: TemplateId.CANCEL_ORDER_LIST, list_id: first.list_id });
  t.equal((await client.waitForListStatus(cancel)).canceled_orders, 2);
});

t.test('the edge refuses bad lists with one Reject naming the NewOrderList, with POST /order-lists\' codes', async (t) => {
  const client = await logon();
  const buy = (id: string, more: Parameters<typeof listOrder>[0] | object = {}) => listOrder({ client_order_id: id, price: '44000', ...more });
  const sell = (id: string, more: object = {}) => listOrder({ client_order_id: id, side: Side.SELL, price: '46000', ...more });
  const cases: [string, ReturnType<typeof orderList>, number, RegExp][] = [
    ['ids used twice', orderList(ContingencyType.OCO, 'e1', [buy('e1-x'), sell('e1-x')]), RejectCode.INVALID_ORDER_LIST, /used twice/],
    ['reduce-only on a held member', orderList(ContingencyType.OTO, 'e2', [buy('e2-a'), sell('e2-b', { exec_inst: 2 })]), RejectCode.INVALID_ORDER_LIST, /held until its parent/],
    ['a bracket without a stop-loss', orderList(ContingencyType.BRACKET, 'e3', [buy('e3-a'), sell('e3-b'), sell('e3-c', { price: '43000' })]),
      RejectCode.INVALID_ORDER_LIST, /stop-loss/],
    ['a member off the tick grid', orderList(ContingencyType.OCO, 'e4', [buy('e4-a'), sell('e4-b', { price: '46000.001' })]), RejectCode.OFF_TICK, /^orders\[1\]: price/],
    ['a member the decoder refuses', orderList(ContingencyType.OCO, 'e5', [buy('e5-a', { order_type: OrderType.LIMIT, price: null }), sell('e5-b')]),
      RejectCode.PRICE_REQUIRED, /^orders\[0\]: /],
    ['a member count OCO does not take', orderList(ContingencyType.OCO, 'e6', [buy('e6-a'), sell('e6-b'), sell('e6-c')]), RejectCode.INVALID_ORDER_LIST, /member_count/],
  ];
  for (const [name, messages, code, reason] of cases) {
    const [seq] = client.send(...messages);
    t.match(await client.waitForReject(seq), { code, reason, ref_template_id: TemplateId.NEW_ORDER_LIST }, name);
  }
  // A list cut short by another message: refused, and the other message is handled as usual.
  const cut_short = orderList(ContingencyType.OCO, 'e7', [buy('e7-a')]);
  cut_short[0] = { ...cut_short[0], member_count: 2 } as typeof cut_short[0];
  const [head, , heartbeat_seq, cancel_seq] = client.send(...cut_short, { template_id: TemplateId.HEARTBEAT },
    { template_id: TemplateId.CANCEL_ORDER_LIST, list_id: 999_999 });
  t.match(await client.waitForReject(head), { code: RejectCode.INVALID_ORDER_LIST, reason: /2 ListOrders must follow/ });
  t.equal(heartbeat_seq, head + 2);
  t.equal((await client.waitForReject(cancel_seq)).code, RejectCode.UNKNOWN_ORDER_LIST, 'a CancelOrderList of an unknown list');
  // A ListOrder alone is never an order.
  const [alone] = client.send(buy('e8-a'));
  t.match(await client.waitForReject(alone), { code: RejectCode.INVALID_ORDER_LIST, ref_template_id: TemplateId.LIST_ORDER });
  // The seq the decoder refuses a member under is still used up: the session goes on.
  client.send(newOrder({ client_order_id: 'e-fence', price: '41000' }));
  const fence = await client.waitForReport('e-fence', ExecType.NEW);
  t.same(client.reports.filter((r) => r.client_order_id.startsWith('e') && r.client_order_id !== 'e-fence'), [], 'no member of a refused list was placed');
  t.equal(client.rejects.length, cases.length + 3, 'one Reject per refused list (none for its ListOrders), the unknown list\'s, the lone ListOrder\'s');
  client.send({ template_id: TemplateId.CANCEL, order_id: fence.order_id });
  await client.waitForReport('e-fence', ExecType.CANCELED);
  t.same(client.invalid, []);
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});
