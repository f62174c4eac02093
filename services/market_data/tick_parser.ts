/**
 * Parses and validates one market-data tick from NATS (`market.tick.{SYMBOL}`):
 *
 *   {"timestamp": "2026-01-05T12:00:00.123Z" | 1767614400123, "symbol": "BTCUSDT",
 *    "price": 45000.12 (or "last"), "bid": 45000.1, "ask": 45000.2,
 *    "bid_size": 1.5, "ask_size": 2, "volume_24h": 1234.5, "open_24h": 44000}
 *
 * Numbers may be JSON numbers or decimal strings. Required: symbol (known, and equal to
 * the subject's last token), price or last (> 0). Optional: bid and ask (> 0, bid <= ask;
 * without them the touch is one tick either side of the price), sizes (>= 0; without them
 * the touch is deep enough for the symbol's largest order), volume_24h and open_24h
 * (else computed locally), timestamp (else the receive time).
 *
 * Prices that are off the symbol's tick grid are moved onto it conservatively: the last
 * price to the nearest tick, the bid down, the ask up. Sizes round down to lots.
 * Anything else wrong makes the tick bad: it is counted and dropped, never applied.
 */
import { Decimal, decimalOf } from '../../engine/reference/decimal.js';
import { InstrumentTable } from '../../engine/reference/instruments.js';

export interface ParsedTick {
  readonly symbol: number;
  readonly timestamp_ms: number | null;
  readonly last_ticks: number;
  readonly bid_ticks: number;
  readonly ask_ticks: number;
  readonly bid_size_lots: number | null;
  readonly ask_size_lots: number | null;
  readonly volume_24h_lots: number | null;
  readonly open_24h_ticks: number | null;
}

export type TickParse = { readonly ok: true; readonly tick: ParsedTick } | { readonly ok: false; readonly reason: string };

export const MAX_TICK_BYTES = 4096;

type Rounding = 'floor' | 'ceil' | 'nearest';

export function parseTick(subject: string, data: Uint8Array | string, instruments: InstrumentTable): TickParse {
  const length = typeof data === 'string' ? data.length : data.byteLength;
  if (length > MAX_TICK_BYTES) return bad(`tick is ${length} bytes, more than ${MAX_TICK_BYTES}`);
  let body: unknown;
  try {
    body = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    return bad('not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return bad('not a JSON object');
  const t = body as Record<string, unknown>;
  if (typeof t.symbol !== 'string') return bad('symbol is missing');
  const subject_symbol = subject.slice(subject.lastIndexOf('.') + 1);
  if (subject_symbol !== t.symbol) return bad(`symbol ${t.symbol} does not match subject ${subject}`);
  const symbol = instruments.indexOf(t.symbol);
  if (symbol < 0) return bad(`unknown symbol ${t.symbol}`);
  const { tick, lot } = instruments.at(symbol);

  const price = decimalField(t, t.price !== undefined ? 'price' : 'last', true, false);
  if (typeof price === 'string') return bad(price);
  if (price === null) return bad('price (or last) is missing');
  const last_ticks = unitsOf(price, tick, 'nearest');
  if (last_ticks < 1) return bad('price rounds to less than one tick');

  const bid = decimalField(t, 'bid', true, false);
  if (typeof bid === 'string') return bad(bid);
  const ask = decimalField(t, 'ask', true, false);
  if (typeof ask === 'string') return bad(ask);
  if ((bid === null) !== (ask === null)) return bad('bid and ask must come together');
  let bid_ticks = last_ticks - 1;
  let ask_ticks = last_ticks + 1;
  if (bid !== null && ask !== null) {
    bid_ticks = unitsOf(bid, tick, 'floor');
    ask_ticks = unitsOf(ask, tick, 'ceil');
    if (compare(bid, ask) > 0) return bad('crossed book: bid above ask');
    if (bid_ticks < 1) return bad('bid rounds to less than one tick');
  }
  if (bid_ticks < 1) bid_ticks = 1;

  const sizes: (number | null)[] = [];
  for (const name of ['bid_size', 'ask_size', 'volume_24h'] as const) {
    const value = decimalField(t, name, false, true);
    if (typeof value === 'string') return bad(value);
    sizes.push(value === null ? null : unitsOf(value, lot, 'floor'));
  }
  const open = decimalField(t, 'open_24h', true, false);
  if (typeof open === 'string') return bad(open);

  let timestamp_ms: number | null = null;
  if (t.timestamp !== undefined) {
    timestamp_ms = typeof t.timestamp === 'number' ? t.timestamp : typeof t.timestamp === 'string' ? Date.parse(t.timestamp) : NaN;
    if (!Number.isFinite(timestamp_ms) || timestamp_ms <= 0) return bad('timestamp is not ISO-8601 or epoch milliseconds');
    timestamp_ms = Math.floor(timestamp_ms);
  }
  const all = [last_ticks, bid_ticks, ask_ticks, ...sizes, open === null ? 0 : unitsOf(open, tick, 'nearest')];
  if (!all.every((v) => v === null || Number.isSafeInteger(v))) return bad('a value is too large');
  return {
    ok: true,
    tick: {
      symbol,
      timestamp_ms,
      last_ticks,
      bid_ticks,
      ask_ticks,
      bid_size_lots: sizes[0],
      ask_size_lots: sizes[1],
      volume_24h_lots: sizes[2],
      open_24h_ticks: open === null ? null : unitsOf(open, tick, 'nearest'),
    },
  };
}

function bad(reason: string): TickParse {
  return { ok: false, reason };
}

/** A decimal field: null if absent, an error string if unusable. */
function decimalField(t: Record<string, unknown>, name: string, positive: boolean, zero_ok: boolean): Decimal | null | string {
  const raw = t[name];
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'number' && typeof raw !== 'string') return `${name} must be a number`;
  const value = decimalOf(raw);
  if (value === undefined) return `${name} is not a finite decimal`;
  if (value.mantissa < 0n || (value.mantissa === 0n && !(zero_ok && !positive))) return `${name} must be ${zero_ok ? '>= 0' : '> 0'}`;
  return value;
}

/** value / unit as an integer, rounded as asked (exact, in BigInt). */
function unitsOf(value: Decimal, unit: Decimal, rounding: Rounding): number {
  const numerator = value.mantissa * 10n ** BigInt(unit.scale);
  const denominator = unit.mantissa * 10n ** BigInt(value.scale);
  let q = numerator / denominator;
  const r = numerator % denominator;
  if (r !== 0n) {
    if (rounding === 'ceil') q += 1n;
    else if (rounding === 'nearest' && 2n * r >= denominator) q += 1n;
  }
  return Number(q);
}

function compare(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const av = a.mantissa * 10n ** BigInt(scale - a.scale);
  const bv = b.mantissa * 10n ** BigInt(scale - b.scale);
  return av < bv ? -1 : av > bv ? 1 : 0;
}
