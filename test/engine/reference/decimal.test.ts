import t from 'tap';
import fc from 'fast-check';
import {
  Decimal, decimalOf, decimalToNumber, formatDecimal, formatRatio, formatUnits, normalize, parseDecimal, toUnits,
} from '../../../engine/reference/decimal.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Tick and lot sizes of the kinds instruments use: powers of ten and odd increments. */
const unitArb: fc.Arbitrary<Decimal> = fc.constantFrom(
  '1', '0.01', '0.0001', '0.00000001', '0.5', '0.25', '5', '25', '0.005', '100',
).map((text) => parseDecimal(text)!);

const unitsArb = fc.bigInt({ min: -MAX_SAFE, max: MAX_SAFE }).map(Number);

const decimalArb: fc.Arbitrary<Decimal> = fc.record({
  mantissa: fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
  scale: fc.integer({ min: 0, max: 18 }),
});

function same(a: Decimal | undefined, b: Decimal): boolean {
  return a !== undefined && a.mantissa === b.mantissa && a.scale === b.scale;
}

t.test('units formatted as text parse back to the same units, exactly', (t) => {
  fc.assert(fc.property(unitsArb, unitArb, (units, unit) => {
    const text = formatUnits(units, unit);
    const back = toUnits(parseDecimal(text)!, unit);
    return back.ok && back.units === units;
  }), { numRuns: 2000 });
  t.pass('2000 random (units, unit) pairs round-tripped');
  t.end();
});

t.test('a decimal formatted and parsed again is the same normalized decimal', (t) => {
  fc.assert(fc.property(decimalArb, (value) => {
    const text = formatDecimal(normalize(value));
    const parsed = parseDecimal(text);
    return same(parsed, normalize(value)) && formatDecimal(parsed!) === text && !/e|E/.test(text)
      && !(/\./.test(text) && text.endsWith('0'));
  }), { numRuns: 2000 });
  t.pass('formatting never uses an exponent or trailing zeros, and parses back exactly');
  t.end();
});

t.test('every spelling of a decimal (exponent, padding, sign) parses to the same value', (t) => {
  fc.assert(fc.property(
    fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: -10, max: 10 }),
    fc.integer({ min: 0, max: 3 }), fc.boolean(),
    (digits, scale, exponent, padding, negative) => {
      const expected = normalize({ mantissa: negative ? -digits : digits, scale });
      const plain = formatDecimal({ mantissa: digits, scale });
      const padded = plain.includes('.') || padding === 0 ? `${plain}${'0'.repeat(padding)}` : `${plain}.${'0'.repeat(padding)}`;
      // digits * 10^-scale == digits * 10^-(scale + exponent) * 10^exponent
      const shifted = formatDecimal({ mantissa: digits, scale: scale + exponent < 0 ? 0 : scale + exponent });
      const sign = negative ? '-' : '';
      const candidates = [`${sign}${plain}`, `${sign}${padded}`];
      if (scale + exponent >= 0) candidates.push(`${sign}${shifted}e${exponent}`, `${sign}${shifted}E${exponent >= 0 ? '+' : ''}${exponent}`);
      return candidates.every((text) => same(parseDecimal(text), expected));
    },
  ), { numRuns: 2000 });
  t.ok(same(parseDecimal('.5'), { mantissa: 5n, scale: 1 }));
  t.ok(same(parseDecimal('5.'), { mantissa: 5n, scale: 0 }));
  t.ok(same(parseDecimal('+1.50'), { mantissa: 15n, scale: 1 }));
  t.ok(same(parseDecimal('1e-7'), { mantissa: 1n, scale: 7 }));
  t.ok(same(parseDecimal('-0'), { mantissa: 0n, scale: 0 }));
  t.end();
});

t.test('a JSON number converts to exactly the decimal its shortest text shows', (t) => {
  fc.assert(fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), (value) => {
    const decimal = decimalOf(value);
    if (decimal === undefined) return Math.abs(value) < 1e-40 && value !== 0;
    return decimalToNumber(decimal) === value || (value === 0 && decimalToNumber(decimal) === 0);
  }), { numRuns: 3000 });
  t.ok(same(decimalOf(0.1), { mantissa: 1n, scale: 1 }), '0.1 is one tenth, not the nearest double');
  t.ok(same(decimalOf(45000.12), { mantissa: 4500012n, scale: 2 }));
  t.ok(same(decimalOf(' 2.5 '), { mantissa: 25n, scale: 1 }), 'strings are trimmed');
  t.end();
});

t.test('values off the unit grid are refused, not rounded', (t) => {
  fc.assert(fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), unitArb, fc.integer({ min: 1, max: 9 }),
    (units, unit, tenths) => {
      // units * unit + tenths/10 * unit: strictly between two grid points.
      const value = { mantissa: (units * 10n + BigInt(tenths)) * unit.mantissa, scale: unit.scale + 1 };
      const conversion = toUnits(value, unit);
      return !conversion.ok && conversion.error === 'off_grid';
    }), { numRuns: 2000 });
  t.same(toUnits(parseDecimal('45000.125')!, parseDecimal('0.01')!), { ok: false, error: 'off_grid' });
  t.same(toUnits(parseDecimal('0.75')!, parseDecimal('0.5')!), { ok: false, error: 'off_grid' });
  t.same(toUnits(parseDecimal('1.50')!, parseDecimal('0.5')!), { ok: true, units: 3 });
  t.end();
});

t.test('values beyond the safe integer range are refused, not rounded', (t) => {
  fc.assert(fc.property(fc.bigInt({ min: 1n, max: 10n ** 30n }), unitArb, fc.boolean(), (excess, unit, negative) => {
    const units = MAX_SAFE + excess;
    const value = { mantissa: (negative ? -units : units) * unit.mantissa, scale: unit.scale };
    const conversion = toUnits(value, unit);
    return !conversion.ok && conversion.error === 'out_of_range';
  }), { numRuns: 1000 });
  t.same(toUnits({ mantissa: MAX_SAFE, scale: 0 }, parseDecimal('1')!), { ok: true, units: Number.MAX_SAFE_INTEGER });
  t.same(toUnits({ mantissa: MAX_SAFE + 1n, scale: 0 }, parseDecimal('1')!), { ok: false, error: 'out_of_range' });
  t.throws(() => formatUnits(2 ** 53, parseDecimal('1')!), /safe integer/);
  t.throws(() => formatUnits(1.5, parseDecimal('1')!), /safe integer/);
  t.end();
});

t.test('text that is not a decimal is refused', (t) => {
  for (const text of ['', '.', '-', '+', 'e5', '1e', '1.2.3', '--1', '1,5', '0x10', 'abc', ' 1', '1e41', '1e-41', 'Infinity', 'NaN',
    '1'.repeat(65)]) {
    t.equal(parseDecimal(text), undefined, JSON.stringify(text));
  }
  t.equal(decimalOf(Number.NaN), undefined);
  t.equal(decimalOf(Number.POSITIVE_INFINITY), undefined);
  t.equal(decimalOf(1e300), undefined, 'an exponent beyond 40 is refused');
  t.end();
});

t.test('an average price is rendered from exact integer totals', (t) => {
  const tick = parseDecimal('0.01')!;
  t.equal(formatRatio(3 * 4500100 + 1 * 4500300, 4, tick), '45001.5');
  t.equal(formatRatio(10, 3, tick, 4), '0.033333', 'truncated to max_decimals beyond the unit\'s own decimals');
  t.equal(formatRatio(3 * 4500100 + 4500200, 4, tick, 2), '45001.25');
  t.equal(formatRatio(5, 0, tick), '0');
  t.end();
});
