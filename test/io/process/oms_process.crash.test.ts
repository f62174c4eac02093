/**
 * Crash tests with a real process: concurrent clients stream orders, the OMS is killed
 * with SIGKILL at a random moment, restarted on the same data directory, and every order
 * that was acknowledged must be there with its state; resending an acknowledged client
 * order id must return the same order, never a new one.
 */
import t from 'tap';
import { OmsServer } from '../../support/oms_server.js';

interface Acked {
  readonly client_order_id: string;
  readonly body: Record<string, unknown>;
  readonly order_id: string;
  readonly status: string;
  readonly filled_quantity: number;
}

const CLIENTS = 4;
const CYCLES = 3;

function orderBody(client: number, n: number, cycle: number): Record<string, unknown> {
  const client_order_id = `c${cycle}-${client}-${n}`;
  // A mix that exercises every durable path: fills, resting orders, rejects.
  switch (n % 4) {
    case 0: return { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, order_type: 'MARKET', time_in_force: 'IOC', client_order_id };
    case 1: return { symbol: 'BTCUSDT', side: 'sell', quantity: 0.01, price: 45200, client_order_id };
    case 2: return { symbol: 'BTCUSDT', side: 'sell', quantity: 0.01, order_type: 'MARKET', time_in_force: 'IOC', client_order_id };
    default: return { symbol: 'ETHUSDT', side: 'buy', quantity: 0.1, price: 2400, client_order_id };
  }
}

t.test('SIGKILL at random points loses no acknowledged order and resends stay idempotent', async (t) => {
  const oms = await OmsServer.start({ env: { OMS_DURABILITY: 'fsync' } });
  t.teardown(() => oms.cleanup());
  const acked = new Map<string, Acked>();
  let in_doubt = 0;

  for (let cycle = 0; cycle < CYCLES; cycle++) {
    await oms.setMarket('BTCUSDT', { bid: 44999, ask: 45001, bid_size: 100000, ask_size: 100000 });
    await oms.setMarket('ETHUSDT', { bid: 2499, ask: 2501, bid_size: 100000, ask_size: 100000 });
    let crashed = false;
    const clients = Array.from({ length: CLIENTS }, async (_, client) => {
      for (let n = 0; !crashed; n++) {
        const body = orderBody(client, n, cycle);
        try {
          const result = await oms.request('POST', '/orders', { body });
          if (result.status === 200) {
            acked.set(String(body.client_order_id), {
              client_order_id: String(body.client_order_id), body, order_id: result.body.order_id,
              status: result.body.status, filled_quantity: result.body.filled_quantity,
            });
          } else if (result.status !== 422) {
            t.fail(`unexpected status ${result.status}: ${result.text}`);
          }
        } catch {
          in_doubt++; // the crash cut this request off: its outcome is unknown to the client
          return;
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 700));
    crashed = true;
    await oms.kill9();
    await Promise.all(clients);
    await oms.launch();

    const lost: string[] = [];
    for (const order of acked.values()) {
      const found = await oms.request('GET', `/orders/${order.order_id}`);
      const final = order.status === 'FILLED' || order.status === 'EXPIRED' || order.status === 'REJECTED';
      if (found.status !== 200 || found.body.client_order_id !== order.client_order_id
        || found.body.filled_quantity < order.filled_quantity || (final && found.body.status !== order.status)) {
        lost.push(`${order.order_id} (${order.client_order_id}): acknowledged ${order.status}, after restart ${found.status} ${found.body?.status}`);
      }
    }
    t.same(lost, [], `crash ${cycle + 1}: every one of ${acked.size} acknowledged orders is there with its state`);
  }
  t.ok(acked.size > 50, `enough orders were acknowledged to mean something (${acked.size})`);

  // Resending every acknowledged order returns the original, never a new order.
  const not_idempotent: string[] = [];
  for (const order of acked.values()) {
    const again = await oms.request('POST', '/orders', { body: order.body });
    if (again.status !== 200 || again.body.order_id !== order.order_id || again.body.duplicate !== true) {
      not_idempotent.push(`${order.client_order_id}: first ${order.order_id}, resend ${again.status} ${again.body?.order_id}`);
    }
  }
  t.same(not_idempotent, [], 'every acknowledged client order id resends to its original order');
  t.comment(`acknowledged ${acked.size} orders over ${CYCLES} crashes; ${in_doubt} requests were in flight at a crash`);
  await oms.stop();
});
