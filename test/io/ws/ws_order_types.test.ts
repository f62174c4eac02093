/**
 * The touched and trailing order types over the binary protocol against the real OMS with
 * scripted marks (OMS_MARKET_DATA=manual): a market-if-touched NewOrder fires when the last
 * price falls to its trigger (NEW, TRIGGERED, TRADE); a NewTrailingOrder (template 7)
 * trails the market, and the report that follows a move carries the moved trigger; the
 * rules of template 7 answer with Rejects; a version-1 NewOrder with a trailing type is
 * refused rather than misread.
 */
import t from 'tap';
import { OrderType, Side, TimeInForce, TrailingOffsetType } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { ExecType, TemplateId } from '../../../io/binary/index.js';
import { newOrder, newTrailingOrder, text } from '../../support/ws_client.js';
import { wsOmsFixture } from '../../support/ws_oms_fixture.js';
import { until } from '../http/fixtures/http_fixtures.js';

const { oms, logon } = await wsOmsFixture();
const market = (last: number) => oms.setMarket('BTCUSDT', { bid: last - 0.5, ask: last + 0.5, last, bid_size: 1000, ask_size: 1000 });

t.test('a market-if-touched buy waits through a rise and fires when the last price falls to its trigger', async (t) => {
  await market(45000);
  const client = await logon();
  client.send(newOrder({ client_order_id: 'ws-mit', order_type: OrderType.MARKET_IF_TOUCHED, price: null, stop_price: '44900' }));
  const placed = await client.waitForReport('ws-mit', ExecType.NEW);
  t.equal(placed.order_type, OrderType.MARKET_IF_TOUCHED);
  t.equal(text(placed.stop_price), '44900');
  await market(45100);
  await market(44900);
  const fired = await client.waitForReport('ws-mit', ExecType.TRIGGERED);
  t.equal(fired.order_type, OrderType.MARKET, 'works as a market order once fired');
  t.equal(text(fired.stop_price), '44900', 'the trigger stays on the report');
  const fill = await client.waitForReport('ws-mit', ExecType.TRADE);
  t.equal(text(fill.last_px), '44900.5', 'at the ask');
  t.same(client.invalid, [], 'every server message decoded');
});

t.test('a limit-if-touched sell without its trigger is a Reject TRIGGER_PRICE_REQUIRED', async (t) => {
  const client = await logon();
  const [seq] = client.send(newOrder({ client_order_id: 'ws-lit', side: Side.SELL, order_type: OrderType.LIMIT_IF_TOUCHED, price: '45100' }));
  t.equal((await client.waitForReject(seq)).code, RejectCode.TRIGGER_PRICE_REQUIRED);
});

t.test('a NewTrailingOrder trails a rise, never a fall, and fires with the trigger it trailed to', async (t) => {
  await market(45000);
  const client = await logon();
  client.send(newTrailingOrder({ client_order_id: 'ws-trail', trailing_offset: '100' }));
  const placed = await client.waitForReport('ws-trail', ExecType.NEW);
  t.equal(placed.order_type, OrderType.TRAILING_STOP);
  t.equal(text(placed.stop_price), '44900', 'starts 100 below the last');
  await market(45300);
  // Moves are not reports of their own; GET /orders/:id shows each one (and waiting for it
  // keeps the next mark from overtaking this one before the engine has seen it).
  await until('the trigger to follow the rise', async () => {
    const order = await oms.request('GET', `/orders/${placed.order_id}`);
    return order.body?.trigger_price === 45200 ? order.body : undefined;
  });
  await market(45250);
  // A Replace of the quantity answers with a report of the order as it stands: the moved trigger.
  client.send({ template_id: TemplateId.REPLACE, orig_order_id: placed.order_id, quantity: { mantissa: 2n, scale: 2 }, client_order_id: 'ws-trail-2' });
  const replaced = await client.waitForReport('ws-trail-2', ExecType.REPLACED);
  t.equal(text(replaced.stop_price), '45200', 'followed the rise to 45300, not the fall to 45250');
  t.equal(replaced.order_type, OrderType.TRAILING_STOP);
  await market(45200);
  const fired = await client.waitForReport('ws-trail-2', ExecType.TRIGGERED);
  t.equal(text(fired.stop_price), '45200');
  t.equal(text((await client.waitForReport('ws-trail-2', ExecType.TRADE)).last_px), '45199.5', 'at the bid');
  t.same(client.invalid, []);
});

t.test('a trailing stop-limit in basis points reports its trigger and its limit, which follows it', async (t) => {
  await market(45000);
  const client = await logon();
  client.send(newTrailingOrder({
    client_order_id: 'ws-tsl', side: Side.BUY, order_type: OrderType.TRAILING_STOP_LIMIT,
    trailing_offset: '100', trailing_offset_type: TrailingOffsetType.BASIS_POINTS, limit_offset: '5',
  }));
  const placed = await client.waitForReport('ws-tsl', ExecType.NEW);
  t.equal(text(placed.stop_price), '45450', '1% above 45000');
  t.equal(text(placed.price), '45455', 'the limit 5 above it');
  client.send({ template_id: TemplateId.CANCEL, order_id: placed.order_id });
  await client.waitForReport('ws-tsl', ExecType.CANCELED);
});

t.test('template 7\'s rules: a type that does not trail, a missing limit offset, fractional basis points; NewOrder refuses a trailing type', async (t) => {
  const client = await logon();
  const cases: [string, Parameters<typeof newTrailingOrder>[0], number][] = [
    ['a STOP on template 7', { client_order_id: 'r1', order_type: OrderType.STOP, trailing_offset: '10' }, RejectCode.INVALID_ORDER_TYPE],
    ['a stop-limit without limit_offset', { client_order_id: 'r2', order_type: OrderType.TRAILING_STOP_LIMIT, trailing_offset: '10' }, RejectCode.LIMIT_OFFSET_REQUIRED],
    ['12.5 basis points', { client_order_id: 'r3', trailing_offset: '12.5', trailing_offset_type: TrailingOffsetType.BASIS_POINTS }, RejectCode.INVALID_TRAILING_OFFSET],
    ['an offset off the tick grid', { client_order_id: 'r4', trailing_offset: '10.001' }, RejectCode.OFF_TICK],
    ['post-only', { client_order_id: 'r5', trailing_offset: '10', exec_inst: 1, time_in_force: TimeInForce.GTC }, RejectCode.POST_ONLY_NOT_ALLOWED],
  ];
  for (const [name, fields, code] of cases) {
    const [seq] = client.send(newTrailingOrder(fields));
    t.equal((await client.waitForReject(seq)).code, code, name);
  }
  const [seq] = client.send(newOrder({ client_order_id: 'r6', order_type: OrderType.TRAILING_STOP, price: null, stop_price: '44000' }));
  const reject = await client.waitForReject(seq);
  t.equal(reject.code, RejectCode.INVALID_ORDER_TYPE, 'NewOrder cannot carry a trail');
  t.match(reject.reason, /NewTrailingOrder \(template 7\)/);
});
