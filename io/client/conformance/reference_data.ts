/**
 * What the conformance checks need to know about a symbol to build orders the server will
 * take, read from the same server over HTTP (PROTOCOL.md §15: GET /instruments for the
 * grids, GET /ticker/:symbol for the market): the smallest quantity, and a buy price that
 * rests (below the bid, well inside the price collar) and one that is off the tick grid.
 */
import { Decimal, formatUnits, parseDecimal, toUnits } from '../../../engine/reference/decimal.js';

export interface OrderTerms {
  readonly symbol: string;
  /** The smallest quantity the symbol takes (one lot). */
  readonly quantity: string;
  /** A buy limit price that rests: below the bid, within half the collar. */
  readonly resting_price: string;
  /** One tick below resting_price, for a replace. */
  readonly lower_price: string;
  /** resting_price plus a tenth of a tick: refused OFF_TICK. */
  readonly off_tick_price: string;
  /** One lot above the symbol's largest order quantity: refused by pre-trade risk. */
  readonly over_max_quantity: string;
}

export interface TermOverrides {
  readonly symbol?: string;
  readonly quantity?: string;
  readonly resting_price?: string;
}

interface InstrumentView {
  readonly symbol: string;
  readonly status: string;
  readonly tick_size: string;
  readonly lot_size: string;
  readonly collar_bps: number;
  readonly max_quantity: string;
}

/** The HTTP base URL of the server behind a WebSocket URL (same host and port). */
export function httpBase(ws_url: string): string {
  const url = new URL(ws_url);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '/';
  return url.origin;
}

async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${body.slice(0, 200)}`);
  return JSON.parse(body);
}

export async function orderTerms(ws_url: string, overrides: TermOverrides): Promise<OrderTerms> {
  const base = httpBase(ws_url);
  const instruments = (await getJson(`${base}/instruments`)).instruments as InstrumentView[];
  const trading = instruments.filter((i) => i.status === 'TRADING');
  const instrument = overrides.symbol === undefined ? trading[0] : instruments.find((i) => i.symbol === overrides.symbol);
  if (instrument === undefined) throw new Error(overrides.symbol === undefined ? 'GET /instruments lists no TRADING symbol' : `GET /instruments does not list ${overrides.symbol}`);
  const tick = decimal(instrument.tick_size, 'tick_size');
  const lot = decimal(instrument.lot_size, 'lot_size');
  let resting_ticks: number;
  if (overrides.resting_price !== undefined) {
    resting_ticks = units(decimal(overrides.resting_price, '--resting-price'), tick, '--resting-price');
  } else {
    const ticker = await getJson(`${base}/ticker/${encodeURIComponent(instrument.symbol)}`);
    if (typeof ticker.bid !== 'number' || !(ticker.bid > 0)) throw new Error(`GET /ticker/${instrument.symbol} has no bid: the server has no market for it (or give --resting-price)`);
    const bid_ticks = units(decimal(String(ticker.bid), 'bid'), tick, 'the bid');
    // Half the collar below the bid: far enough not to fill, near enough to pass the collar.
    resting_ticks = bid_ticks - Math.max(2, Math.floor((bid_ticks * instrument.collar_bps) / 20_000));
  }
  if (resting_ticks < 2) throw new Error('the resting price is too low to go a tick below it');
  const off_tick = { mantissa: BigInt(resting_ticks) * tick.mantissa * 10n + tick.mantissa, scale: tick.scale + 1 };
  return {
    symbol: instrument.symbol,
    quantity: overrides.quantity ?? formatUnits(1, lot),
    resting_price: formatUnits(resting_ticks, tick),
    lower_price: formatUnits(resting_ticks - 1, tick),
    off_tick_price: formatUnits(1, off_tick),
    over_max_quantity: formatUnits(units(decimal(instrument.max_quantity, 'max_quantity'), lot, 'max_quantity') + 1, lot),
  };
}

function decimal(text: string, what: string): Decimal {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`${what} is not a decimal: ${text}`);
  return value;
}

function units(value: Decimal, unit: Decimal, what: string): number {
  const converted = toUnits(value, unit);
  if (!converted.ok) throw new Error(`${what} is not on the tick grid`);
  return converted.units;
}
