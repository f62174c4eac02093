/**
 * The embedded simulated market, so the OMS runs with no outside feed: per symbol a
 * random walk starting at the instrument's reference_price (2 basis points per update,
 * pulled 1% of the way back to the reference each update, kept within +-10% of it), a
 * touch one to three ticks either side of the last price, and touch sizes of the
 * symbol's maximum order quantity, so the simulated venue fills any demo order at once.
 * Each update also "trades" a small random quantity, for the 24-hour volume.
 *
 * Deterministic for a given `random` (tests pass a seeded one).
 */
import { decimalOf, toUnits } from '../../engine/reference/decimal.js';
import { Instrument } from '../../engine/reference/instruments.js';

export interface SimulatedQuote {
  bid_ticks: number;
  ask_ticks: number;
  last_ticks: number;
  bid_size_lots: number;
  ask_size_lots: number;
  traded_lots: number;
}

const STEP_BPS = 2;
const REVERSION = 0.01;
const BAND = 0.10;

export class SimulatedTicker {
  private readonly reference_ticks: Float64Array;
  private readonly last_ticks: Float64Array;
  private readonly size_lots: Float64Array;

  constructor(private readonly instruments: readonly Instrument[], private readonly random: () => number = Math.random) {
    this.reference_ticks = new Float64Array(instruments.length);
    this.last_ticks = new Float64Array(instruments.length);
    this.size_lots = new Float64Array(instruments.length);
    instruments.forEach((instrument, s) => {
      const reference = unitsOf(instrument.spec.reference_price, instrument.tick, `${instrument.spec.symbol}.reference_price`);
      if (reference < 10) throw new Error(`${instrument.spec.symbol}: reference_price must be at least 10 ticks`);
      this.reference_ticks[s] = reference;
      this.last_ticks[s] = reference;
      this.size_lots[s] = Math.max(1, unitsOf(instrument.spec.max_order_qty, instrument.lot, `${instrument.spec.symbol}.max_order_qty`));
    });
  }

  get symbols(): number {
    return this.instruments.length;
  }

  referenceTicks(symbol: number): number {
    return this.reference_ticks[symbol];
  }

  /** Moves one symbol's price one step and returns its new quote. */
  next(symbol: number): SimulatedQuote {
    const reference = this.reference_ticks[symbol];
    let last = this.last_ticks[symbol];
    last += Math.round(this.gaussian() * last * STEP_BPS / 10_000) + Math.round((reference - last) * REVERSION);
    const low = Math.ceil(reference * (1 - BAND));
    const high = Math.floor(reference * (1 + BAND));
    last = Math.min(high, Math.max(low, last));
    this.last_ticks[symbol] = last;
    const size = this.size_lots[symbol];
    return {
      bid_ticks: last - 1 - Math.floor(this.random() * 3),
      ask_ticks: last + 1 + Math.floor(this.random() * 3),
      last_ticks: last,
      bid_size_lots: size,
      ask_size_lots: size,
      traded_lots: 1 + Math.floor(this.random() * Math.max(1, size / 100)),
    };
  }

  private gaussian(): number {
    // Box-Muller; 1 - random() keeps the log argument in (0, 1].
    return Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
  }
}

function unitsOf(text: string, unit: Instrument['tick'], what: string): number {
  const value = decimalOf(text);
  if (value === undefined) throw new Error(`${what} is not a decimal: ${text}`);
  const units = toUnits(value, unit);
  if (!units.ok) throw new Error(`${what} (${text}) is not a whole number of units`);
  return units.units;
}

/** A small seeded generator (mulberry32) for reproducible simulations. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
