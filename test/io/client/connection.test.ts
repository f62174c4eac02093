/**
 * The client's connection (io/client/connection.ts) against a bare WebSocket server: what
 * is sent in one turn is coalesced into payloads of at most MAX_PAYLOAD_BYTES, and a group
 * sent together (a NewOrderList and its ListOrders, PROTOCOL.md §6.8) is never cut between
 * two payloads, where the server would refuse the list.
 */
import t from 'tap';
import { WebSocketServer } from 'ws';
import { ContingencyType, OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { ClientMessage, decodeClientMessages, Refusal, TemplateId } from '../../../io/binary/index.js';
import { ClientClosed } from '../../../io/client/client_errors.js';
import { Connection, MAX_PAYLOAD_BYTES } from '../../../io/client/connection.js';
import { orderListDrafts } from '../../../io/client/order_input.js';

t.test('a list sent together lands in one payload even where the size limit falls inside it', async (t) => {
  const server = new WebSocketServer({ port: 0, maxPayload: 2 * MAX_PAYLOAD_BYTES });
  t.teardown(() => server.close());
  await new Promise((resolve) => server.once('listening', resolve));
  const payloads: (ClientMessage | Refusal)[][] = [];
  const received = new Promise<void>((resolve) => {
    server.on('connection', (ws) => ws.on('message', (data: Buffer) => {
      payloads.push(decodeClientMessages(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
      if (payloads.length === 2) resolve();
    }));
  });
  const { port } = server.address() as { port: number };
  const connection = await Connection.open(`ws://127.0.0.1:${port}`, 2000, { message: () => {}, closed: () => {} });
  t.teardown(() => connection.terminate(new ClientClosed()));
  // Heartbeats (16 bytes) up to 160 bytes short of the limit: the list's 56 + 3 x 128 bytes cannot follow them.
  const heartbeats = (MAX_PAYLOAD_BYTES - 160) / 16;
  for (let k = 0; k < heartbeats; k++) connection.send({ template_id: TemplateId.HEARTBEAT });
  const member = { symbol: 'BTCUSDT', side: Side.SELL, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, quantity: '0.01', price: '46000' };
  const { head, members } = orderListDrafts({ contingency: ContingencyType.OTO, orders: [member, member, member] }, 'l', ['a', 'b', 'c']);
  const first_seq = connection.sendTogether([head, ...members]);
  t.equal(first_seq, heartbeats + 1);
  await received;
  t.equal(payloads[0].length, heartbeats, 'the first payload ends before the list');
  t.same(payloads[1].map((m) => m.template_id), [TemplateId.NEW_ORDER_LIST, TemplateId.LIST_ORDER, TemplateId.LIST_ORDER, TemplateId.LIST_ORDER]);
  t.same(payloads[1].map((m) => (m as ClientMessage).seq), [first_seq, first_seq + 1, first_seq + 2, first_seq + 3]);
});
