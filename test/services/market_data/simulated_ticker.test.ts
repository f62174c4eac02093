/**
 * The simulated ticker and the 24-hour window: sane quotes near each reference price,
 * deterministic per seed; volume and open over a rolling day.
 */
import t from 'tap';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import { BUCKET_MS, Rolling24h } from '../../../services/market_data/rolling_24h.js';
import { seededRandom, SimulatedTicker } from '../../../services/market_data/simulated_ticker.js';

const instruments = new InstrumentTable(DEMO_INSTRUMENTS);

t.test('every simulated quote has bid < last < ask near the reference price, with deep touch sizes', async (t) => {
  const ticker = new SimulatedTicker(instruments.instruments, seededRandom(1));
  for (let s = 0; s < instruments.count; s++) {
    const reference = ticker.referenceTicks(s);
    let bad = 0;
    let moved = 0;
    let previous = reference;
    for (let i = 0; i < 20_000; i++) {
      const q = ticker.next(s);
      if (!(q.bid_ticks < q.last_ticks && q.last_ticks < q.ask_ticks)) bad++;
      if (q.ask_ticks - q.bid_ticks > 6 || q.ask_ticks - q.bid_ticks < 2) bad++;
      if (Math.abs(q.last_ticks - reference) > reference * 0.1) bad++;
      if (!(q.bid_size_lots > 0 && q.ask_size_lots > 0 && q.traded_lots > 0)) bad++;
      if (![q.bid_ticks, q.ask_ticks, q.last_ticks, q.bid_size_lots].every(Number.isSafeInteger)) bad++;
      if (q.last_ticks !== previous) moved++;
      previous = q.last_ticks;
    }
    const symbol = instruments.at(s).spec.symbol;
    t.equal(bad, 0, `${symbol}: 20000 quotes are all sane`);
    t.ok(moved > 10_000, `${symbol}: the price walks (${moved} of 20000 updates moved it)`);
  }
  t.equal(instruments.ticksToText(0, ticker.referenceTicks(0)), '45000', 'BTCUSDT starts at its reference price');
  t.equal(instruments.ticksToText(2, ticker.referenceTicks(2)), '100');
});

t.test('the touch is as deep as the largest order the symbol allows', async (t) => {
  const q = new SimulatedTicker(instruments.instruments, seededRandom(2)).next(0);
  t.equal(instruments.lotsToText(0, q.ask_size_lots), '100', 'BTCUSDT max_order_qty is 100');
});

t.test('the same seed gives the same prices', async (t) => {
  const a = new SimulatedTicker(instruments.instruments, seededRandom(9));
  const b = new SimulatedTicker(instruments.instruments, seededRandom(9));
  for (let i = 0; i < 100; i++) t.same(a.next(1), b.next(1));
});

t.test('the 24-hour window sums the last day of volume and opens at its oldest minute', async (t) => {
  const rolling = new Rolling24h(2);
  const start = Date.UTC(2026, 0, 5, 0, 0);
  rolling.record(0, start, 100, 5);
  rolling.record(0, start + 30_000, 101, 5);
  rolling.record(0, start + BUCKET_MS, 102, 1);
  t.equal(rolling.volume24h(0, start + BUCKET_MS), 11);
  t.equal(rolling.open24h(0, start + BUCKET_MS), 100, 'the first price of the oldest minute');
  t.equal(rolling.volume24h(1, start), 0, 'symbols are separate');
  const next_day = start + 24 * 60 * BUCKET_MS;
  t.equal(rolling.volume24h(0, next_day), 1, 'the first minute has left the window');
  t.equal(rolling.open24h(0, next_day), 102);
  rolling.record(0, next_day, 200, 3);
  t.equal(rolling.volume24h(0, next_day), 4, 'a bucket reused a day later starts empty');
  t.equal(rolling.open24h(0, next_day + 10 * 24 * 60 * BUCKET_MS), 0, 'nothing in the window: no open');
});
