import t from 'tap';
import { DEFAULT_ENGINE_CONFIG, engineConfigFromEnv, validateEngineConfig } from '../../../engine/config/engine_config.js';

t.test('the defaults are valid and the environment overrides sizing and spin', (t) => {
  t.doesNotThrow(() => validateEngineConfig(DEFAULT_ENGINE_CONFIG));
  const config = engineConfigFromEnv({ OMS_MAX_OPEN_ORDERS: '1000', OMS_DEDUPE_WINDOW: '4096', OMS_ENGINE_SPIN: '0' });
  t.equal(config.max_open_orders, 1000);
  t.equal(config.dedupe_window, 4096);
  t.equal(config.spin_limit, 0);
  t.equal(config.event_ring_capacity, DEFAULT_ENGINE_CONFIG.event_ring_capacity, 'what is not set keeps its default');
  t.same(engineConfigFromEnv({ OMS_MAX_OPEN_ORDERS: '' }), DEFAULT_ENGINE_CONFIG, 'an empty variable is unset');
  t.end();
});

t.test('sizes that cannot work are refused with the variable named', (t) => {
  t.throws(() => engineConfigFromEnv({ OMS_MAX_OPEN_ORDERS: 'lots' }), /OMS_MAX_OPEN_ORDERS/);
  t.throws(() => engineConfigFromEnv({ OMS_MAX_OPEN_ORDERS: '-1' }), /OMS_MAX_OPEN_ORDERS/);
  t.throws(() => engineConfigFromEnv({ OMS_MAX_OPEN_ORDERS: '0' }), /OMS_MAX_OPEN_ORDERS/);
  t.throws(() => engineConfigFromEnv({ OMS_DEDUPE_WINDOW: '3000' }), /OMS_DEDUPE_WINDOW/, 'not a power of two');
  t.throws(() => engineConfigFromEnv({ OMS_MAX_OPEN_ORDERS: '4096', OMS_DEDUPE_WINDOW: '4096' }), /OMS_DEDUPE_WINDOW/,
    'smaller than twice the open orders');
  t.throws(() => validateEngineConfig({ ...DEFAULT_ENGINE_CONFIG, event_ring_capacity: 1000 }), /event_ring_capacity/);
  t.throws(() => validateEngineConfig({ ...DEFAULT_ENGINE_CONFIG, event_ring_capacity: 16 }), /at least 32 \(one contingent order list/,
    'too small for the events of one contingent list');
  t.throws(() => validateEngineConfig({ ...DEFAULT_ENGINE_CONFIG, reply_ring_capacity: 1024, command_ring_capacity: 2048 }),
    /reply ring/, 'every command must be able to get its reply');
  t.end();
});

t.test('the mark and PnL age limits are off by default and read from OMS_MAX_MARK_AGE_MS / OMS_MAX_PNL_AGE_MS', (t) => {
  t.equal(DEFAULT_ENGINE_CONFIG.max_mark_age_ms, 0);
  t.equal(DEFAULT_ENGINE_CONFIG.max_pnl_age_ms, 0);
  const config = engineConfigFromEnv({ OMS_MAX_MARK_AGE_MS: '1500', OMS_MAX_PNL_AGE_MS: '2500' });
  t.equal(config.max_mark_age_ms, 1500);
  t.equal(config.max_pnl_age_ms, 2500);
  t.equal(engineConfigFromEnv({}, { ...DEFAULT_ENGINE_CONFIG, max_mark_age_ms: 5000 }).max_mark_age_ms, 5000, 'the base gives the default');
  t.equal(engineConfigFromEnv({ OMS_MAX_MARK_AGE_MS: '0' }, { ...DEFAULT_ENGINE_CONFIG, max_mark_age_ms: 5000 }).max_mark_age_ms, 0, '0 turns it off');
  t.throws(() => engineConfigFromEnv({ OMS_MAX_PNL_AGE_MS: '-1' }), /OMS_MAX_PNL_AGE_MS/);
  t.end();
});
