import t from 'tap';
import { AccountTable, DEMO_ACCOUNT_LIMITS } from '../../../engine/reference/accounts.js';
import { decimalOf } from '../../../engine/reference/decimal.js';
import { DEMO_INSTRUMENTS, InstrumentSpec, InstrumentTable } from '../../../engine/reference/instruments.js';
import { buildRiskLimits, RiskLimits } from '../../../engine/reference/risk_limits.js';

const BTC = DEMO_INSTRUMENTS[0];

t.test('instruments intern to indices and convert prices and quantities exactly', (t) => {
  const table = new InstrumentTable(DEMO_INSTRUMENTS);
  t.equal(table.indexOf('BTCUSDT'), 0);
  t.equal(table.indexOf('NOPE'), -1);
  t.equal(table.at(0).notional_scale, 1, '0.0001 BTC lot * 0.01 USDT tick = 1 micro');
  t.equal(table.bySymbol('SOLUSDT')?.notional_scale, 100);
  t.same(table.priceToTicks(0, decimalOf('45000.12')!), { ok: true, units: 4500012 });
  t.same(table.priceToTicks(0, decimalOf('45000.123')!), { ok: false, error: 'off_grid' });
  t.same(table.qtyToLots(0, decimalOf('0.5')!), { ok: true, units: 5000 });
  t.equal(table.ticksToText(0, 4500012), '45000.12');
  t.equal(table.lotsToText(0, 5000), '0.5');
  t.equal(InstrumentTable.moneyToMicros('12.345678', 'x'), 12_345_678);
  t.throws(() => InstrumentTable.moneyToMicros('0.0000001', 'fee'), /fee/);
  t.end();
});

t.test('instrument specs that would break exact arithmetic are refused', (t) => {
  const bad = (change: Partial<InstrumentSpec>) => () => new InstrumentTable([{ ...BTC, ...change }]);
  t.throws(bad({ tick_size: '0.001', lot_size: '0.0001' }), /whole number of 1e-6/, 'notional below a micro');
  t.throws(bad({ tick_size: '0' }), /tick_size/);
  t.throws(bad({ lot_size: '-1' }), /lot_size/);
  t.throws(bad({ symbol: 'btc usdt' }), /bad symbol/);
  t.throws(bad({ collar_bps: 0 }), /collar_bps/);
  t.throws(() => new InstrumentTable([BTC, BTC]), /twice/);
  t.throws(() => new InstrumentTable([BTC, { ...DEMO_INSTRUMENTS[1], quote: 'USD' }]), /one quote currency/);
  t.throws(() => new InstrumentTable([]), /at least one/);
  t.end();
});

t.test('accounts are interned by name and API key, and bad account specs are refused', (t) => {
  const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
  const spec = { name: 'alice', api_key: 'alice-key-1', ...DEMO_ACCOUNT_LIMITS };
  const table = new AccountTable([spec, { ...spec, name: 'bob', api_key: 'bob-key-001' }], instruments);
  t.equal(table.indexOf('bob'), 1);
  t.equal(table.indexOfKey('alice-key-1'), 0);
  t.equal(table.indexOfKey('nobody'), -1);
  t.equal(table.nameOf(1), 'bob');
  t.throws(() => new AccountTable([spec, spec], instruments), /twice/);
  t.throws(() => new AccountTable([spec, { ...spec, name: 'carol' }], instruments), /reuses another account's api_key/);
  t.throws(() => new AccountTable([{ ...spec, api_key: 'short' }], instruments), /at least 8/);
  t.throws(() => new AccountTable([{ ...spec, position_limits: { DOGEUSDT: '1' } }], instruments), /unknown symbol DOGEUSDT/);
  t.end();
});

t.test('a limits bank is built from the specs and overrides, in integer units', (t) => {
  const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
  const accounts = new AccountTable([{ name: 'alice', api_key: 'alice-key-1', ...DEMO_ACCOUNT_LIMITS }], instruments);
  const bank = RiskLimits.allocate({ accounts: 1, symbols: 3 });
  buildRiskLimits(bank, instruments, accounts, 5, {
    symbols: { BTCUSDT: { max_order_qty: '2.5', collar_bps: 50 } },
    accounts: { alice: { credit_limit: '1000.5', position_limits: { ETHUSDT: '3' } } },
  });
  t.equal(bank.version, 5);
  t.equal(bank.max_order_qty_lots[0], 25_000);
  t.equal(bank.collar_bps[0], 50);
  t.equal(bank.collar_bps[1], DEMO_INSTRUMENTS[1].collar_bps, 'symbols without an override keep their spec');
  t.equal(bank.credit_limit_micros[0], 1_000_500_000);
  t.equal(bank.max_position_lots[1], 30_000, 'the ETH override');
  t.equal(bank.max_position_lots[0], 10_000 * 10_000, 'overriding ETH keeps the spec BTC limit (10000 BTC), not the default');
  t.equal(bank.max_position_lots[2], 10_000_000 * 100, 'and the spec SOL limit');
  const copy = RiskLimits.allocate({ accounts: 1, symbols: 3 });
  copy.copyFrom(bank);
  t.equal(copy.max_order_qty_lots[0], 25_000);
  t.throws(() => copy.copyFrom(RiskLimits.allocate({ accounts: 2, symbols: 3 })), /geometry/);
  // A refused build names the value; it may leave the bank half written, which is why it only
  // ever targets the idle bank.
  const idle = RiskLimits.allocate({ accounts: 1, symbols: 3 });
  t.throws(() => buildRiskLimits(idle, instruments, accounts, 6, { symbols: { BTCUSDT: { max_order_qty: '0.00001' } } }),
    /BTCUSDT.max_order_qty/);
  t.throws(() => buildRiskLimits(idle, instruments, accounts, 6, { accounts: { alice: { burst: 0 } } }), /alice.burst/);
  t.throws(() => buildRiskLimits(idle, instruments, accounts, 6, { accounts: { alice: { modify_burst: 0 } } }), /alice.modify_burst/);
  t.throws(() => buildRiskLimits(idle, instruments, accounts, 6, { accounts: { alice: { modify_rate_per_sec: 1.5 } } }), /alice.modify_rate_per_sec/);
  t.end();
});
