/**
 * CommandWriter's contingent lists: a header and one member slot per member, claimed all
 * or none, so the engine never sees part of a list.
 */
import t from 'tap';
import { CMD_ARG, CMD_FLAG, CMD_REQUEST_ID, CMD_TYPE, COMMAND_SLOT_BYTES } from '../../../engine/protocol/command_layout.js';
import { CommandWriter, OrderTerms } from '../../../engine/protocol/command_writer.js';
import { CommandType, ContingencyType, OrderType, Side, TimeInForce } from '../../../engine/protocol/enums.js';
import { RingConsumer, RingProducer, SharedRing } from '../../../engine/ring/ring.js';

const member: OrderTerms = {
  request_id: 0, account: 0, symbol: 0, side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC,
  qty_lots: 100, price_ticks: 4_400_000, stop_price_ticks: 0, expire_at_ms: 0, session_id: 0, client_order_id: 'm',
};

t.test('a list is a header and its members, one request id; a ring without room for all of it takes none', (t) => {
  const ring = SharedRing.create(4, COMMAND_SLOT_BYTES, 1);
  const writer = new CommandWriter(new RingProducer(ring));
  const consumer = new RingConsumer(ring, 0);
  t.ok(writer.newOrderList(9, 0, ContingencyType.OTO, 'list-1', [member, { ...member, client_order_id: 'n' }]));
  writer.publish();
  t.equal(consumer.available(), 3);
  const types = [0, 1, 2].map((i) => ring.u8[consumer.slotAt(i) + CMD_TYPE]);
  t.same(types, [CommandType.NEW_ORDER_LIST, CommandType.LIST_MEMBER, CommandType.LIST_MEMBER]);
  t.same([0, 1, 2].map((i) => ring.u32[(consumer.slotAt(i) + CMD_REQUEST_ID) >> 2]), [9, 9, 9]);
  t.equal(ring.u8[consumer.slotAt(0) + CMD_FLAG], ContingencyType.OTO);
  t.equal(ring.f64[(consumer.slotAt(0) + CMD_ARG) >> 3], 2);
  t.notOk(writer.newOrderList(10, 0, ContingencyType.OCO, 'list-2', [member, member]), 'one slot left: refused');
  writer.publish();
  t.equal(consumer.available(), 3, 'nothing of it was claimed');
  t.end();
});
