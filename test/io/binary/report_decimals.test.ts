import fc from 'fast-check';
import t from 'tap';
import { formatDecimal } from '../../../engine/reference/decimal.js';
import { averagePriceDecimal, toDecimal, unitsToDecimal } from '../../../io/binary/index.js';
import { holds } from './fixtures/arbitraries.js';

const cent = { mantissa: 1n, scale: 2 };

t.test('ticks times the tick size become an exact wire decimal without BigInt', (t) => {
  t.same(unitsToDecimal(4_500_012, cent), { mantissa: 4_500_012, scale: 2 });
  t.same(unitsToDecimal(3, { mantissa: 5n, scale: 2 }), { mantissa: 15, scale: 2 }, 'a 0.05 tick');
  const into = { mantissa: 0 as number | bigint, scale: 0 };
  t.equal(unitsToDecimal(7, cent, into), into, 'fills the caller\'s object');
  t.end();
});

t.test('an average price that terminates is exact', (t) => {
  // 1 lot at 45000.12 and 1 lot at 45000.14: average 45000.13.
  const avg = averagePriceDecimal(4_500_012 + 4_500_014, 2, cent);
  t.equal(formatDecimal(toDecimal(avg)), '45000.13');
  t.same(averagePriceDecimal(0, 0, cent), { mantissa: 0, scale: 0 }, 'nothing filled is 0');
  t.end();
});

t.test('an average price that does not terminate is rounded half-up to 8 decimals', (t) => {
  // (1 + 1 + 2) ticks / 3 lots = 1.333... ticks = 0.01333... -> 0.01333333
  t.equal(formatDecimal(toDecimal(averagePriceDecimal(4, 3, cent))), '0.01333333');
  // 5 ticks / 3 lots = 0.01666... -> 0.01666667
  t.equal(formatDecimal(toDecimal(averagePriceDecimal(5, 3, cent))), '0.01666667');
  t.end();
});

t.test('the fast path and the BigInt path give the same average', (t) => {
  holds(t, fc.property(fc.maxSafeNat(), fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 12 }), (notional, lots, scale) => {
    const tick = { mantissa: 1n, scale };
    const got = toDecimal(averagePriceDecimal(notional, lots, tick));
    const s = Math.max(8, scale);
    const n = BigInt(notional) * 10n ** BigInt(s - scale);
    const d = BigInt(lots);
    const q = n / d + (2n * (n % d) >= d ? 1n : 0n);
    return got.mantissa * 10n ** BigInt(s - got.scale) === q;
  }));
  t.end();
});
