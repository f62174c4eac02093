/**
 * Parsing market.tick.{SYMBOL} messages: good ticks in their several spellings become
 * exact ticks and lots; bad ones are refused with a reason, and nothing makes the parser throw.
 */
import t from 'tap';
import fc from 'fast-check';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import { parseTick } from '../../../services/market_data/tick_parser.js';

const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
const parse = (body: unknown, subject = 'market.tick.BTCUSDT') => parseTick(subject, JSON.stringify(body), instruments);

t.test('a full tick becomes ticks and lots', async (t) => {
  const r = parse({ timestamp: '2026-01-05T12:00:00.123Z', symbol: 'BTCUSDT', price: 45000.12, bid: 45000.1, ask: 45000.2,
    bid_size: 1.5, ask_size: '2', volume_24h: 1234.5, open_24h: 44000 });
  t.ok(r.ok);
  if (!r.ok) return;
  t.same(r.tick, {
    symbol: 0, timestamp_ms: Date.UTC(2026, 0, 5, 12, 0, 0, 123), last_ticks: 4_500_012, bid_ticks: 4_500_010, ask_ticks: 4_500_020,
    bid_size_lots: 15_000, ask_size_lots: 20_000, volume_24h_lots: 12_345_000, open_24h_ticks: 4_400_000,
  });
});

t.test('"last" stands in for "price", the touch defaults to a tick either side, the timestamp may be epoch ms', async (t) => {
  const r = parse({ symbol: 'SOLUSDT', last: '101.5', timestamp: 1767614400000 }, 'market.tick.SOLUSDT');
  t.ok(r.ok);
  if (!r.ok) return;
  t.equal(r.tick.last_ticks, 10_150);
  t.equal(r.tick.bid_ticks, 10_149);
  t.equal(r.tick.ask_ticks, 10_151);
  t.equal(r.tick.bid_size_lots, null, 'sizes left to the worker\'s default');
  t.equal(r.tick.timestamp_ms, 1767614400000);
});

t.test('off-grid prices move onto the grid conservatively: bid down, ask up, last to nearest', async (t) => {
  const r = parse({ symbol: 'BTCUSDT', price: 45000.126, bid: 45000.119, ask: 45000.121 });
  t.ok(r.ok);
  if (!r.ok) return;
  t.equal(r.tick.last_ticks, 4_500_013);
  t.equal(r.tick.bid_ticks, 4_500_011);
  t.equal(r.tick.ask_ticks, 4_500_013);
});

t.test('bad ticks are refused with a reason', async (t) => {
  const cases: [string, unknown, string?][] = [
    ['not JSON', 'not json{'],
    ['an array', [1, 2]],
    ['no symbol', { price: 1 }],
    ['symbol differs from the subject', { symbol: 'ETHUSDT', price: 1 }],
    ['unknown symbol', { symbol: 'DOGEUSDT', price: 1 }, 'market.tick.DOGEUSDT'],
    ['no price', { symbol: 'BTCUSDT', bid: 1, ask: 2 }],
    ['zero price', { symbol: 'BTCUSDT', price: 0 }],
    ['negative price', { symbol: 'BTCUSDT', price: -5 }],
    ['price as words', { symbol: 'BTCUSDT', price: 'lots' }],
    ['price as a bool', { symbol: 'BTCUSDT', price: true }],
    ['crossed book', { symbol: 'BTCUSDT', price: 100, bid: 101, ask: 100 }],
    ['bid without ask', { symbol: 'BTCUSDT', price: 100, bid: 99 }],
    ['negative size', { symbol: 'BTCUSDT', price: 100, bid_size: -1 }],
    ['bad timestamp', { symbol: 'BTCUSDT', price: 100, timestamp: 'yesterday' }],
    ['price below a tick', { symbol: 'BTCUSDT', price: 0.001 }],
    ['absurd price', { symbol: 'BTCUSDT', price: 1e30 }],
  ];
  for (const [what, body, subject] of cases) {
    const r = typeof body === 'string' ? parseTick(subject ?? 'market.tick.BTCUSDT', body, instruments) : parse(body, subject);
    t.notOk(r.ok, what);
    if (!r.ok) t.ok(r.reason.length > 0, `${what}: ${r.reason}`);
  }
});

t.test('property: no input makes the parser throw', async (t) => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array().map((b) => Buffer.from(b).toString('latin1'))), (text) => {
    parseTick('market.tick.BTCUSDT', text, instruments);
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.record({ symbol: fc.constant('BTCUSDT'), price: fc.oneof(fc.double(), fc.string(), fc.integer()),
    bid: fc.option(fc.double()), ask: fc.option(fc.double()) }), (body) => {
    const r = parse(body);
    return !r.ok || (r.tick.bid_ticks <= r.tick.ask_ticks && r.tick.last_ticks > 0);
  }), { numRuns: 2000 });
  t.pass('4000 random inputs parsed or refused');
});
