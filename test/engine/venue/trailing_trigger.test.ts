/**
 * The trailing-trigger arithmetic: where the trigger sits for a last price, rounding away
 * from the market in basis points, and the threshold that lets the venue find the orders
 * whose trigger moves without looking at the others (checked exhaustively near it).
 */
import t from 'tap';
import fc from 'fast-check';
import { Side, TrailingOffsetType } from '../../../engine/protocol/enums.js';
import { moveThreshold, trailedTrigger } from '../../../engine/venue/trailing_trigger.js';

const { PRICE, BASIS_POINTS } = TrailingOffsetType;

t.test('a price offset puts the trigger that many ticks below the last for a sell and above it for a buy', (t) => {
  t.equal(trailedTrigger(Side.SELL, PRICE, 500, 4_500_000), 4_499_500);
  t.equal(trailedTrigger(Side.BUY, PRICE, 500, 4_500_000), 4_500_500);
  t.end();
});

t.test('a basis-point offset rounds away from the market, so the order never fires early', (t) => {
  // 1% of 45000.01 is 450.0001: the sell's trigger is 44550.0099 rounded down to 44550.00.
  t.equal(trailedTrigger(Side.SELL, BASIS_POINTS, 100, 4_500_001), 4_455_000);
  // And the buy's is 45450.0101, rounded up to 45450.02.
  t.equal(trailedTrigger(Side.BUY, BASIS_POINTS, 100, 4_500_001), 4_545_002);
  t.equal(trailedTrigger(Side.SELL, BASIS_POINTS, 100, 4_500_000), 4_455_000, 'exact when the product is whole');
  t.end();
});

t.test('the move threshold is the exact last price at which the trigger first moves, for both sides and both kinds', (t) => {
  fc.assert(fc.property(
    fc.constantFrom(Side.BUY, Side.SELL),
    fc.constantFrom(PRICE, BASIS_POINTS),
    fc.integer({ min: 1, max: 9_999 }),
    fc.integer({ min: 10_000, max: 2 ** 38 }),
    (side, type, offset, trigger) => {
      const l = moveThreshold(side, type, offset, trigger);
      if (side === Side.SELL) {
        return trailedTrigger(side, type, offset, l) > trigger && trailedTrigger(side, type, offset, l - 1) <= trigger;
      }
      return trailedTrigger(side, type, offset, l) < trigger && trailedTrigger(side, type, offset, l + 1) >= trigger;
    },
  ), { numRuns: 5_000 });
  t.end();
});
