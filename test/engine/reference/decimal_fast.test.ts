/**
 * The BigInt-free fast paths give exactly the answers of the exact paths whenever they
 * answer at all (they may decline, never disagree).
 */
import fc from 'fast-check';
import t from 'tap';
import { decimalOf, formatUnits, toUnits, toUnitsExact, toUnitsFast, unitsToNumber } from '../../../engine/reference/decimal.js';

const units = [{ mantissa: 1n, scale: 2 }, { mantissa: 1n, scale: 4 }, { mantissa: 5n, scale: 2 }, { mantissa: 1n, scale: 0 }, { mantissa: 25n, scale: 3 }];

t.test('toUnitsFast agrees with the exact conversion on every number it decides', (t) => {
  fc.assert(fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 100)),
    fc.constantFrom(...units), (value, unit) => {
      const text = String(value);
      const fast = toUnitsFast(text, unit);
      if (fast === null) return;
      const exact = toUnitsExact(decimalOf(text)!, unit);
      if (fast.ok !== exact.ok) throw new Error(`${text} in ${unit.mantissa}e-${unit.scale}: fast ${JSON.stringify(fast)} exact ${JSON.stringify(exact)}`);
      if (fast.ok && exact.ok && fast.units !== exact.units) throw new Error(`${text}: ${fast.units} != ${exact.units}`);
    }), { numRuns: 20_000 });
  t.end();
});

t.test('toUnits (double arithmetic when the numbers allow) agrees with the BigInt-only conversion on every decimal', (t) => {
  const mantissas = fc.oneof(
    fc.bigInt({ min: -(1n << 53n), max: 1n << 53n }),
    fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }),
    fc.integer({ min: -1e6, max: 1e6 }).map(BigInt),
  );
  fc.assert(fc.property(mantissas, fc.integer({ min: 0, max: 30 }), fc.constantFrom(...units), (mantissa, scale, unit) => {
    const value = { mantissa, scale };
    const fast = toUnits(value, unit);
    const exact = toUnitsExact(value, unit);
    if (JSON.stringify(fast) !== JSON.stringify(exact) || (fast.ok && exact.ok && !Object.is(fast.units, exact.units))) {
      throw new Error(`${mantissa}e-${scale} in ${unit.mantissa}e-${unit.scale}: ${JSON.stringify(fast)} != ${JSON.stringify(exact)}`);
    }
  }), { numRuns: 50_000 });
  t.same(toUnits({ mantissa: -0n, scale: 0 }, units[3]), { ok: true, units: 0 });
  t.ok(Object.is((toUnits({ mantissa: 0n, scale: 3 }, units[0]) as { units: number }).units, 0), 'zero is +0, never -0');
  t.end();
});

t.test('toUnitsFast reads decimal strings with exponents, signs and padding exactly, and declines what it cannot read', (t) => {
  const cent = { mantissa: 1n, scale: 2 };
  t.same(toUnitsFast('45000.12', cent), { ok: true, units: 4500012 });
  t.same(toUnitsFast('4.500012e4', cent), { ok: true, units: 4500012 });
  t.same(toUnitsFast('-0.50', cent), { ok: true, units: -50 });
  t.same(toUnitsFast('0.125', cent), { ok: false, error: 'off_grid' });
  t.equal(toUnitsFast('12abc', cent), null);
  t.equal(toUnitsFast('1234567890123456789', cent), null, 'too many digits for exact doubles: the exact path decides');
  t.end();
});

t.test('unitsToNumber is the double that parsing the exact decimal gives', (t) => {
  fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom(...units), (n, unit) => {
    if (unitsToNumber(n, unit) !== Number(formatUnits(n, unit))) throw new Error(`${n} x ${unit.mantissa}e-${unit.scale}`);
  }), { numRuns: 20_000 });
  t.end();
});
