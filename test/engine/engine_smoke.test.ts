import t from 'tap';
import { EventType, OrderStatus } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { EngineHarness } from '../support/engine_harness.js';

t.test('a marketable limit order is accepted and filled at the ask', (t) => {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  const { reply, events } = h.order({ side: 'buy', qty: '0.5', price: '45010' });
  t.equal(reply.code, RejectCode.OK);
  t.same(events.map((e) => e.type), [EventType.ACCEPTED, EventType.FILL]);
  const fill = events[1];
  t.equal(fill.status, OrderStatus.FILLED);
  t.equal(fill.last_fill_price_ticks, h.ticks('BTCUSDT', '45001'));
  t.equal(fill.filled_qty_lots, h.lots('BTCUSDT', '0.5'));
  t.equal(h.state.book.position_lots[h.state.book.cell(0, 0)], 5000);
  t.end();
});
