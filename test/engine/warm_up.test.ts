/**
 * The engine's start-up warm-up (engine/warm_up.ts): a throwaway engine of the same
 * classes takes synthetic orders so that the hot loop is compiled before the real engine's
 * first order. It must take every order (a refused order warms less of the path) and run
 * on nothing but its own buffers; test/io/process/engine_worker.test.ts shows the real
 * engine untouched after it.
 */
import t from 'tap';
import { DEFAULT_ENGINE_CONFIG } from '../../engine/config/engine_config.js';
import { warmUpEngine } from '../../engine/warm_up.js';
import { AccountTable, DEMO_ACCOUNTS } from '../../engine/reference/accounts.js';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../engine/reference/instruments.js';

const instruments = new InstrumentTable(DEMO_INSTRUMENTS);
const accounts = new AccountTable(DEMO_ACCOUNTS, instruments);
const notional_scale = instruments.instruments.map((i) => i.notional_scale);
// The OMS's own age checks on marks and PnL, which the throwaway market must pass.
const config = { ...DEFAULT_ENGINE_CONFIG, max_mark_age_ms: 5000, max_pnl_age_ms: 5000 };

t.test('every synthetic order is taken: fills, resting orders and their cancels, across accounts and symbols', async (t) => {
  const result = warmUpEngine(config, accounts.count, notional_scale, 5000);
  t.equal(result.orders, 5000);
  t.equal(result.refused, 0, 'no order or cancel was refused');
  t.ok(result.elapsed_ms > 0 && result.elapsed_ms < 30_000, `it took ${result.elapsed_ms.toFixed(0)} ms`);
});

t.test('a warm-up of a count that is not a whole number of batches, and of none', async (t) => {
  t.equal(warmUpEngine(config, accounts.count, notional_scale, 97).orders, 97);
  t.equal(warmUpEngine(config, accounts.count, notional_scale, 0).orders, 0);
});

t.test('an engine of any size warms up on a few accounts and symbols of its own', async (t) => {
  const result = warmUpEngine(config, 1_000_000, [...notional_scale, ...notional_scale, ...notional_scale], 500);
  t.equal(result.orders, 500, 'a million accounts: no per-account table of that size is built for the warm-up');
  t.equal(result.refused, 0);
  t.equal(warmUpEngine(config, 0, notional_scale, 500).orders, 0, 'nothing to trade with: no warm-up');
});

t.test('the engine configuration reads the count from OMS_ENGINE_WARMUP_ORDERS', async (t) => {
  const { engineConfigFromEnv } = await import('../../engine/config/engine_config.js');
  t.equal(engineConfigFromEnv({}).warmup_orders, 0, 'off for a bare engine (tests, the engine benchmark)');
  t.equal(engineConfigFromEnv({ OMS_ENGINE_WARMUP_ORDERS: '5000' }).warmup_orders, 5000);
  t.throws(() => engineConfigFromEnv({ OMS_ENGINE_WARMUP_ORDERS: '-1' }), /OMS_ENGINE_WARMUP_ORDERS must be a non-negative integer/);
});
