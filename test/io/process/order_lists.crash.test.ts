/**
 * Contingent order lists survive a SIGKILL: after a restart on the same data directory
 * (journal replay) every list answers as before, its held children are still held (a
 * market that would fill them leaves them alone), and the lists still act: an OCO
 * member's fill cancels its sibling, an OTO parent's fill releases its child.
 */
import t from 'tap';
import { OmsServer } from '../../support/oms_server.js';
import { until } from '../http/fixtures/http_fixtures.js';

const btc = (body: Record<string, unknown>) => ({ symbol: 'BTCUSDT', quantity: 0.01, ...body });

t.test('lists, held children and all, survive a kill -9 and go on working', async (t) => {
  const oms = await OmsServer.start({ env: { OMS_DURABILITY: 'fsync' } });
  t.teardown(() => oms.cleanup());
  const market = (last: number, extra: Record<string, number> = {}) =>
    oms.setMarket('BTCUSDT', { bid: last - 1, ask: last + 1, last, bid_size: 1000, ask_size: 1000, ...extra });
  const list = (id: string) => oms.request('GET', `/order-lists/${id}`);

  await market(45000);
  const oco = await oms.request('POST', '/order-lists', {
    body: { contingency: 'OCO', list_client_id: 'crash-oco', orders: [btc({ side: 'buy', price: 44000 }), btc({ side: 'sell', price: 46000 })] },
  });
  t.equal(oco.status, 200, oco.text);
  const oto = await oms.request('POST', '/order-lists', {
    body: { contingency: 'OTO', list_client_id: 'crash-oto', orders: [btc({ side: 'buy', price: 44500, quantity: 0.05 }), btc({ side: 'sell', price: 44800, quantity: 0.05 })] },
  });
  t.equal(oto.status, 200, oto.text);
  const before = { oco: (await list(oco.body.list_id)).body, oto: (await list(oto.body.list_id)).body };

  await oms.kill9();
  await oms.launch();
  t.same((await list(oco.body.list_id)).body, before.oco, 'the OCO answers as before');
  t.same((await list(oto.body.list_id)).body, before.oto, 'the OTO answers as before');

  // A working sell at 44800 would fill at this bid: the recovered child is still held.
  await market(44900);
  const fence = await oms.request('POST', '/orders', { body: btc({ side: 'buy', price: 41000, client_order_id: 'crash-fence' }) });
  t.equal(fence.status, 200, fence.text);
  t.match((await list(oto.body.list_id)).body.orders, [{ status: 'ACCEPTED' }, { status: 'ACCEPTED', filled_quantity: 0 }], 'held after the restart');

  await market(44499);
  const oto_done = await until('the OTO parent to fill and release its child', async () => {
    const body = (await list(oto.body.list_id)).body;
    return body.orders[0].status === 'FILLED' ? body : undefined;
  });
  t.equal(oto_done.orders[1].quantity, 0.05, 'released');
  await market(43999);
  const oco_done = await until('the OCO buy to fill and cancel the sell', async () => {
    const body = (await list(oco.body.list_id)).body;
    return body.list_status === 'ALL_DONE' ? body : undefined;
  });
  t.match(oco_done.orders, [{ status: 'FILLED' }, { status: 'CANCELED', exec_reason: 'LIST_CONTINGENCY' }]);
  await oms.stop();
});
