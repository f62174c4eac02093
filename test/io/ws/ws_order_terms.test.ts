/**
 * A decoded order's terms on the symbol's grid (io/ws/ws_order_terms.ts): the refusals a
 * member of a list shares with an order sent alone, and one object shape for the engine
 * command whichever template sent it (a spread of differently shaped terms was a quarter
 * of the io thread at WebSocket saturation).
 */
import t from 'tap';
import { OrderType, Side, TimeInForce, TrailingOffsetType } from '../../../engine/protocol/enums.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { parseDecimal } from '../../../engine/reference/decimal.js';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import { orderCommand, plainOrderTerms, TermsFault, trailingOrderTerms } from '../../../io/ws/ws_order_terms.js';

const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
const d = (text: string) => parseDecimal(text)!;
const instructions = { side: Side.BUY, order_type: OrderType.LIMIT, time_in_force: TimeInForce.GTC, client_order_id: 'c-1', exec_inst: 0 };

t.test('plain and trailing terms have one shape, and so has the command built from them', (t) => {
  const plain = plainOrderTerms(instruments, { symbol: 'btcusdt', quantity: d('0.5'), price: d('45000.12'), stop_price: undefined });
  const trailing = trailingOrderTerms(instruments, {
    symbol: 'BTCUSDT', quantity: d('0.5'), trailing_offset: d('1.5'), trailing_offset_type: TrailingOffsetType.PRICE, limit_offset: undefined,
  }, d('44000'), 'trigger_price');
  if (plain instanceof TermsFault || trailing instanceof TermsFault) throw new Error('refused');
  t.same(Object.keys(plain), Object.keys(trailing), 'the same keys in the same order');
  t.match(plain, { qty_lots: 5000, price_ticks: 4_500_012, stop_price_ticks: 0, trailing_offset_type: 0, trailing_offset: 0, limit_offset_ticks: 0 });
  t.match(trailing, { price_ticks: 0, stop_price_ticks: 4_400_000, trailing_offset_type: TrailingOffsetType.PRICE, trailing_offset: 150 });
  const a = orderCommand(plain, instructions, 7, 1, 0, 3);
  const b = orderCommand(trailing, { ...instructions, order_type: OrderType.TRAILING_STOP }, 8, 1, 0, 3);
  t.same(Object.keys(a), Object.keys(b));
  t.match(a, { request_id: 7, account: 1, symbol: plain.symbol, side: Side.BUY, qty_lots: 5000, price_ticks: 4_500_012, session_id: 3, client_order_id: 'c-1' });
  t.end();
});

t.test('terms off the grid or for an unknown symbol are refused with the order\'s code and the field', (t) => {
  const off_tick = plainOrderTerms(instruments, { symbol: 'BTCUSDT', quantity: d('0.5'), price: d('45000.123'), stop_price: undefined });
  t.match(off_tick, { code: RejectCode.OFF_TICK, reason: "price is off the symbol's grid" });
  const unknown = plainOrderTerms(instruments, { symbol: 'NOPE', quantity: d('1'), price: undefined, stop_price: undefined });
  t.match(unknown, { code: RejectCode.UNKNOWN_SYMBOL });
  t.end();
});
