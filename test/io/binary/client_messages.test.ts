import { deepStrictEqual } from 'node:assert';
import fc from 'fast-check';
import t from 'tap';
import { BufferReader, BufferWriter } from 'typed-binary';
import { OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import {
  CANCEL, CANCEL_ORDER_LIST, ClientMessageInput, decodeClientMessages, encodeClientBatch, encodeNewOrder, HEARTBEAT, LIST_ORDER, LOGON,
  LOGOUT, NEW_ORDER, NEW_ORDER_LIST, NEW_TRAILING_ORDER, REPLACE, TemplateId,
} from '../../../io/binary/index.js';
import {
  cancel, cancelOrderList, clientBatch, heartbeat, holds, listOrder, logon, logout, newOrder, newOrderList, newTrailingOrder, replace,
} from './fixtures/arbitraries.js';

function roundTrips(m: ClientMessageInput): void {
  const bytes = encodeClientBatch([m]);
  const items = decodeClientMessages(bytes);
  deepStrictEqual(items, [m]);
  deepStrictEqual(encodeClientBatch(items as ClientMessageInput[]), bytes);
}

t.test('every client template decodes to exactly the message that was encoded, and re-encodes to the same bytes', (t) => {
  const templates = { logon, newOrder, cancel, replace, heartbeat, logout, newTrailingOrder, newOrderList, listOrder, cancelOrderList };
  for (const [name, arbitrary] of Object.entries(templates)) {
    t.test(name, (t) => {
      holds(t, fc.property(arbitrary as fc.Arbitrary<ClientMessageInput>, (m) => roundTrips(m)));
      t.end();
    });
  }
  t.end();
});

t.test('a batch of client messages decodes in order, one item per message', (t) => {
  holds(t, fc.property(clientBatch, (batch) => {
    deepStrictEqual(decodeClientMessages(encodeClientBatch(batch)), batch);
  }));
  t.end();
});

t.test('client templates have the sizes PROTOCOL.md gives them', (t) => {
  t.same(
    [LOGON, NEW_ORDER, CANCEL, REPLACE, HEARTBEAT, LOGOUT, NEW_TRAILING_ORDER, NEW_ORDER_LIST, LIST_ORDER, CANCEL_ORDER_LIST]
      .map((s) => [s.name, s.template_id, s.byte_size]),
    [['Logon', 1, 80], ['NewOrder', 2, 112], ['Cancel', 3, 24], ['Replace', 4, 96], ['Heartbeat', 5, 16], ['Logout', 6, 16],
      ['NewTrailingOrder', 7, 120], ['NewOrderList', 8, 56], ['ListOrder', 9, 128], ['CancelOrderList', 10, 24]],
  );
  t.end();
});

t.test('a limit order decodes with exact decimal quantity and price', (t) => {
  const bytes = new Uint8Array(NEW_ORDER.byte_size);
  encodeNewOrder(bytes, 0, {
    seq: 2, side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, expire_time_ms: 0,
    quantity: { mantissa: 5, scale: 1 }, price: { mantissa: 4500012n, scale: 2 },
    symbol: 'BTCUSDT', client_order_id: 'order-0001',
  });
  const [order] = decodeClientMessages(bytes);
  t.same(order, {
    template_id: TemplateId.NEW_ORDER, seq: 2, side: Side.BUY, order_type: OrderType.LIMIT,
    time_in_force: TimeInForce.GTC, exec_inst: 0, expire_time_ms: 0, quantity: { mantissa: 5n, scale: 1 },
    price: { mantissa: 4500012n, scale: 2 }, stop_price: undefined, symbol: 'BTCUSDT', client_order_id: 'order-0001',
  }, 'exec_inst left out when encoding decodes as 0, no instruction');
  t.end();
});

t.test('the message schemas work through typed-binary\'s own BufferWriter and BufferReader', (t) => {
  holds(t, fc.property(newOrder, (m) => {
    const ours = encodeClientBatch([m]);
    const buffer = new ArrayBuffer(NEW_ORDER.byte_size);
    NEW_ORDER.write(new BufferWriter(buffer, { endianness: 'little' }), m);
    deepStrictEqual(new Uint8Array(buffer), ours);
    deepStrictEqual(NEW_ORDER.read(new BufferReader(buffer, { endianness: 'little' })), m);
  }), { numRuns: 50 });
  t.end();
});
