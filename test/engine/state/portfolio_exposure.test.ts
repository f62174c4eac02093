/**
 * PortfolioExposure on its own: a cell's share moves in and out around a change of its
 * lots, a new mark revalues only the symbol that moved, and rebuild recomputes the same
 * sums (at the marks, or at the last price an event named when there is no mark).
 */
import t from 'tap';
import { AccountBook } from '../../../engine/state/account_book.js';
import { PortfolioExposure } from '../../../engine/state/portfolio_exposure.js';

/** Two accounts, two symbols; notional scale 1 micro per lot-tick for easy numbers. */
function setup() {
  const book = new AccountBook(2, 2, 16);
  const portfolio = new PortfolioExposure(book, Float64Array.from([1, 2]));
  const change = (account: number, symbol: number, edit: () => void) => {
    portfolio.remove(account, symbol);
    edit();
    portfolio.add(account, symbol);
  };
  return { book, portfolio, change };
}

const sums = (p: PortfolioExposure, account: number) => [p.gross_micros[account], p.net_long_micros[account], p.net_short_micros[account]];

t.test('lots change between remove and add: gross, long and short sums follow', (t) => {
  const { book, portfolio, change } = setup();
  portfolio.revalue(0, 100);
  portfolio.revalue(1, 10);
  change(0, 0, () => { book.open_buy_lots[0] += 3; });
  t.same(sums(portfolio, 0), [300, 300, 0], 'an open buy: gross and the long side');
  change(0, 1, () => { book.open_sell_lots[1] += 5; });
  t.same(sums(portfolio, 0), [400, 300, -100], 'an open sell on the other symbol (scale 2): gross and the short side');
  change(0, 0, () => { book.open_buy_lots[0] -= 2; book.addPosition(0, 0, 2); });
  t.same(sums(portfolio, 0), [400, 300, 100], 'a fill turns open buys into a position, which counts on both sides');
  t.same(sums(portfolio, 1), [0, 0, 0], 'the other account is untouched');
  t.end();
});

t.test('a new mark revalues the accounts holding the symbol; followMarks ignores unchanged and zero marks', (t) => {
  const { book, portfolio, change } = setup();
  portfolio.revalue(0, 100);
  change(0, 0, () => { book.addPosition(0, 0, -4); });
  change(1, 0, () => { book.open_buy_lots[2] += 1; });
  portfolio.followMarks(Float64Array.from([150, 0]));
  t.same(sums(portfolio, 0), [600, -600, -600]);
  t.same(sums(portfolio, 1), [150, 150, 0]);
  t.equal(portfolio.value_ticks[1], 0, 'a zero mark keeps the old value');
  t.end();
});

t.test('rebuild gives what the incremental sums hold, and falls back to the last named price without a mark', (t) => {
  const { book, portfolio, change } = setup();
  portfolio.revalue(0, 100);
  portfolio.revalue(1, 7);
  change(0, 0, () => { book.addPosition(0, 0, 3); book.open_sell_lots[0] += 1; });
  change(1, 1, () => { book.open_buy_lots[3] += 2; });
  const before = [sums(portfolio, 0), sums(portfolio, 1)];
  portfolio.rebuild(Float64Array.from([100, 7]));
  t.same([sums(portfolio, 0), sums(portfolio, 1)], before);
  portfolio.noteReference(0, 90);
  portfolio.noteReference(1, 5);
  portfolio.rebuild(null);
  t.same(sums(portfolio, 0), [360, 270, 180], 'symbol 0 at 90');
  t.same(sums(portfolio, 1), [20, 20, 0], 'symbol 1 at 5, scale 2');
  t.end();
});
