/**
 * The PnL book by hand-computed cases (partial fills, increase, reduce, flip, truncation,
 * day roll, drawdown) and by property: realized + unrealized equals the PnL computed
 * from the fills directly, at any mark.
 */
import t from 'tap';
import fc from 'fast-check';
import { PnlBook } from '../../../services/pnl/pnl_book.js';

const DAY0_NOON = Date.UTC(2026, 0, 5, 12);
const DAY1_MIDNIGHT = Date.UTC(2026, 0, 6, 0);

function book(notional_scale = [1, 100], session_end_utc_minutes = 0): PnlBook {
  const b = new PnlBook({ accounts: 2, notional_scale, session_end_utc_minutes });
  b.advanceTo(DAY0_NOON);
  return b;
}

t.test('partial fills that increase a position average their prices', async (t) => {
  const b = book();
  b.applyFill(0, 0, 1, 10, 100);
  b.applyFill(0, 0, 1, 10, 110);
  const c = b.cell(0, 0);
  t.equal(b.position_lots[c], 20);
  t.equal(b.cost_lots_ticks[c], 2100, 'average price 105 is cost 2100 over 20 lots');
  t.equal(b.realized_micros[c], 0, 'increasing realizes nothing');
  b.setMark(0, 120);
  t.equal(b.unrealizedMicros(0, 0), 300, '20 * 120 - 2100');
});

t.test('reducing realizes against the average price and keeps the average of the rest', async (t) => {
  const b = book();
  b.applyFill(0, 0, 1, 10, 100);
  b.applyFill(0, 0, 1, 10, 110);
  b.applyFill(0, 0, -1, 5, 115);
  const c = b.cell(0, 0);
  t.equal(b.position_lots[c], 15);
  t.equal(b.cost_lots_ticks[c], 1575, 'the remaining 15 lots still average 105');
  t.equal(b.realized_micros[c], 50, '5 * (115 - 105)');
  b.setMark(0, 100);
  t.equal(b.unrealizedMicros(0, 0), -75, '15 * (100 - 105)');
});

t.test('a fill through zero closes the position and opens the rest on the other side', async (t) => {
  const b = book();
  b.applyFill(0, 0, 1, 15, 105);
  b.applyFill(0, 0, -1, 25, 90);
  const c = b.cell(0, 0);
  t.equal(b.realized_micros[c], -225, '15 * (90 - 105)');
  t.equal(b.position_lots[c], -10);
  t.equal(b.cost_lots_ticks[c], -900, 'short 10 at 90');
  b.setMark(0, 80);
  t.equal(b.unrealizedMicros(0, 0), 100, 'a short gains 10 * (90 - 80)');
  b.applyFill(0, 0, 1, 4, 85);
  t.equal(b.realized_micros[c], -225 + 20, 'buying back 4 at 85 realizes 4 * (90 - 85)');
  t.equal(b.position_lots[c], -6);
  t.equal(b.cost_lots_ticks[c], -540);
  b.applyFill(0, 0, 1, 6, 95);
  t.equal(b.position_lots[c], 0);
  t.equal(b.cost_lots_ticks[c], 0, 'a flat position carries no cost');
  t.equal(b.realized_micros[c], -225 + 20 - 30);
});

t.test('money is lots * ticks * notional scale, per symbol', async (t) => {
  const b = book([1, 100]);
  b.applyFill(1, 1, 1, 200, 10_000); // 2 SOL at 100.00 (lot 0.01, tick 0.01: 100 micros per lot*tick)
  b.applyFill(1, 1, -1, 100, 10_150); // 1 SOL at 101.50
  t.equal(b.realized_micros[b.cell(1, 1)], 1_500_000, '1 SOL * 1.50 USDT = 1.5 USDT = 1_500_000 micros');
  t.equal(b.accountRealizedMicros(1), 1_500_000);
  t.equal(b.accountRealizedMicros(0), 0, 'other accounts untouched');
});

t.test('truncated cost on a partial reduce is recovered when the position closes', async (t) => {
  const b = book();
  b.applyFill(0, 0, 1, 3, 100);
  b.applyFill(0, 0, 1, 1, 101); // 4 lots, cost 401: average 100.25
  b.applyFill(0, 0, -1, 1, 100);
  const c = b.cell(0, 0);
  t.equal(b.realized_micros[c], 0, 'removed cost 401 / 4 truncates to 100');
  t.equal(b.cost_lots_ticks[c], 301);
  b.applyFill(0, 0, -1, 3, 100);
  t.equal(b.realized_micros[c], -1, 'the total equals the cash flow: 400 in, 401 out');
  t.equal(b.cost_lots_ticks[c], 0);
});

t.test('daily PnL and drawdown follow the mark, and the day rolls at the session end', async (t) => {
  const b = book([1, 100], 0);
  b.applyFill(0, 0, 1, 10, 100);
  b.setMark(0, 110);
  t.same(b.observe(0), { realized_today_micros: 0, unrealized_micros: 100, daily_pnl_micros: 100, drawdown_micros: 0 });
  b.setMark(0, 105);
  t.same(b.observe(0), { realized_today_micros: 0, unrealized_micros: 50, daily_pnl_micros: 50, drawdown_micros: 50 },
    'drawdown is the fall from the peak of 100');
  t.notOk(b.advanceTo(DAY1_MIDNIGHT - 1), 'not yet the session end');
  t.ok(b.advanceTo(DAY1_MIDNIGHT), 'rolls at 00:00 UTC');
  t.same(b.observe(0), { realized_today_micros: 0, unrealized_micros: 50, daily_pnl_micros: 0, drawdown_micros: 0 },
    'a new day starts at zero, with yesterday\'s unrealized as its baseline');
  b.applyFill(0, 0, -1, 10, 120);
  t.same(b.observe(0), { realized_today_micros: 200, unrealized_micros: 0, daily_pnl_micros: 150, drawdown_micros: 0 },
    'realized 200 today, but 50 of it was already counted yesterday');
  t.equal(b.accountRealizedMicros(0), 200, 'lifetime realized is not reset');
});

t.test('a session end other than midnight rolls at that minute', async (t) => {
  const b = book([1], 21 * 60);
  b.applyFill(0, 0, -1, 2, 100);
  b.applyFill(0, 0, 1, 1, 90);
  t.equal(b.accountRealizedTodayMicros(0), 10);
  t.notOk(b.advanceTo(Date.UTC(2026, 0, 5, 20, 59, 59, 999)));
  t.ok(b.advanceTo(Date.UTC(2026, 0, 5, 21, 0)));
  t.equal(b.accountRealizedTodayMicros(0), 0);
  t.equal(b.next_roll_ms, Date.UTC(2026, 0, 6, 21, 0));
});

t.test('results outside the exact integer range are refused, not rounded', async (t) => {
  const b = book([1_000_000]);
  b.applyFill(0, 0, 1, 2 ** 30, 2 ** 20);
  b.setMark(0, 2 ** 21);
  t.throws(() => b.unrealizedMicros(0, 0), /exact integer range/);
  t.throws(() => b.applyFill(0, 0, 1, 0.5, 100), /positive integer/);
});

t.test('the book survives toJSON and fromJSON unchanged', async (t) => {
  const b = book([1, 100], 30);
  b.applyFill(0, 0, 1, 10, 100, 7);
  b.applyFill(1, 1, -1, 3, 250, 9);
  b.setMark(0, 101);
  b.observe(0);
  const copy = PnlBook.fromJSON(JSON.parse(JSON.stringify(b.toJSON())));
  t.same(copy.toJSON(), b.toJSON());
  t.equal(copy.unrealizedMicros(0, 0), b.unrealizedMicros(0, 0));
  t.equal(copy.last_seq, 9);
  t.throws(() => PnlBook.fromJSON({ ...b.toJSON(), position_lots: [1] }), /wrong length/);
});

t.test('property: realized + unrealized equals the PnL of the fills themselves, at any mark', async (t) => {
  const fill = fc.record({
    buy: fc.boolean(),
    qty: fc.integer({ min: 1, max: 100_000 }),
    price: fc.integer({ min: 1, max: 1_000_000 }),
  });
  // Ranges keep every intermediate within 2^53 (60 fills * 1e5 lots * 1e6 ticks * 100).
  fc.assert(fc.property(fc.array(fill, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 1_000_000 }),
    fc.constantFrom(1, 100), (fills, mark, scale) => {
      const b = new PnlBook({ accounts: 1, notional_scale: [scale], session_end_utc_minutes: 0 });
      let cash = 0n;
      let position = 0n;
      for (const f of fills) {
        b.applyFill(0, 0, f.buy ? 1 : -1, f.qty, f.price);
        const signed = BigInt(f.buy ? f.qty : -f.qty);
        position += signed;
        cash -= signed * BigInt(f.price);
      }
      b.setMark(0, mark);
      const expected = (cash + position * BigInt(mark)) * BigInt(scale);
      const c = b.cell(0, 0);
      return BigInt(b.position_lots[c]) === position && BigInt(b.realized_micros[c] + b.unrealizedMicros(0, 0)) === expected;
    }), { numRuns: 500 });
  t.pass('500 random fill sequences agree to the micro');
});
