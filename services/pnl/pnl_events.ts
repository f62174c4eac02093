/**
 * Feeds journal events (event slots, engine/protocol/event_layout.ts) into a PnL book.
 * Only FILL events move positions; every event moves the book's clock (day roll) and its
 * last applied sequence.
 */
import { EventType, Side } from '../../engine/protocol/enums.js';
import {
  EV_ACCOUNT, EV_LAST_FILL_PRICE_TICKS, EV_LAST_FILL_QTY_LOTS, EV_SEQ, EV_SIDE, EV_SYMBOL, EV_TS_US, EV_TYPE,
} from '../../engine/protocol/event_layout.js';
import { SlotViews } from '../../engine/protocol/slot_views.js';
import { PnlBook } from './pnl_book.js';

/**
 * Applies one event; returns the cell a fill changed, or -1.
 * @param mark_from_fills replay mode: there is no history of marks in the journal, so
 *   each fill's price becomes its symbol's mark (what a day roll during replay values
 *   open positions at). Live, marks come from the mark table instead.
 */
export function applyEventToBook(book: PnlBook, v: SlotViews, base: number, mark_from_fills: boolean): number {
  const seq = v.f64[(base + EV_SEQ) >> 3];
  book.advanceTo(Math.floor(v.f64[(base + EV_TS_US) >> 3] / 1000));
  if (v.u8[base + EV_TYPE] !== EventType.FILL) {
    if (seq > book.last_seq) book.last_seq = seq;
    return -1;
  }
  const symbol = v.i32[(base + EV_SYMBOL) >> 2];
  const price = v.f64[(base + EV_LAST_FILL_PRICE_TICKS) >> 3];
  const cell = book.applyFill(
    v.i32[(base + EV_ACCOUNT) >> 2],
    symbol,
    v.u8[base + EV_SIDE] === Side.BUY ? 1 : -1,
    v.f64[(base + EV_LAST_FILL_QTY_LOTS) >> 3],
    price,
    seq,
  );
  if (mark_from_fills) book.setMark(symbol, price);
  return cell;
}
