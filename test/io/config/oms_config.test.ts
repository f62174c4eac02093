/**
 * The OMS's own engine defaults: its workers keep the mark and PnL tables current, so their
 * age is checked (5 s) unless the marks are set by hand.
 */
import t from 'tap';
import { loadOmsConfig } from '../../../io/config/oms_config.js';

t.test('the OMS refuses orders on marks and PnL older than 5 s by default', (t) => {
  const config = loadOmsConfig({});
  t.equal(config.engine.max_mark_age_ms, 5000);
  t.equal(config.engine.max_pnl_age_ms, 5000);
  t.end();
});

t.test('with hand-set marks (OMS_MARKET_DATA=manual) their age is not checked unless asked for', (t) => {
  t.equal(loadOmsConfig({ OMS_MARKET_DATA: 'manual' }).engine.max_mark_age_ms, 0);
  t.equal(loadOmsConfig({ OMS_MARKET_DATA: 'manual' }).engine.max_pnl_age_ms, 5000, 'the PnL worker still runs');
  t.equal(loadOmsConfig({ OMS_MARKET_DATA: 'manual', OMS_MAX_MARK_AGE_MS: '2000' }).engine.max_mark_age_ms, 2000);
  t.end();
});

t.test('OMS_MAX_MARK_AGE_MS and OMS_MAX_PNL_AGE_MS set the limits; 0 turns a check off; nonsense is refused', (t) => {
  const config = loadOmsConfig({ OMS_MAX_MARK_AGE_MS: '0', OMS_MAX_PNL_AGE_MS: '750' });
  t.equal(config.engine.max_mark_age_ms, 0);
  t.equal(config.engine.max_pnl_age_ms, 750);
  t.throws(() => loadOmsConfig({ OMS_MAX_MARK_AGE_MS: 'soon' }), /OMS_MAX_MARK_AGE_MS/);
  t.end();
});

t.test('the OMS warms its engine up at start-up unless OMS_ENGINE_WARMUP_ORDERS=0', (t) => {
  t.equal(loadOmsConfig({}).engine.warmup_orders, 20_000);
  t.equal(loadOmsConfig({ OMS_ENGINE_WARMUP_ORDERS: '0' }).engine.warmup_orders, 0);
  t.end();
});

t.test('the test fault OMS_FAULT_WORKER_EXIT is off unless set, names one worker and a count, and refuses anything else', (t) => {
  t.equal(loadOmsConfig({}).fault_worker_exit, null);
  t.same(loadOmsConfig({ OMS_FAULT_WORKER_EXIT: 'sink_redis:300' }).fault_worker_exit, { worker: 'sink_redis', after: 300 });
  t.throws(() => loadOmsConfig({ OMS_FAULT_WORKER_EXIT: 'engine:5' }), /OMS_FAULT_WORKER_EXIT.*journal, pnl/, 'the engine has its own variable');
  t.throws(() => loadOmsConfig({ OMS_FAULT_WORKER_EXIT: 'pnl' }), /OMS_FAULT_WORKER_EXIT/);
  t.throws(() => loadOmsConfig({ OMS_FAULT_WORKER_EXIT: 'pnl:0' }), /OMS_FAULT_WORKER_EXIT/);
  t.end();
});

t.test('OMS_BACKGROUND_NICE is 0 unless set, takes 0 to 19, and refuses anything else', (t) => {
  t.equal(loadOmsConfig({}).background_nice, 0, 'the workers off the order path run as the process by default');
  t.equal(loadOmsConfig({ OMS_BACKGROUND_NICE: '10' }).background_nice, 10);
  for (const bad of ['-1', '20', 'low']) t.throws(() => loadOmsConfig({ OMS_BACKGROUND_NICE: bad }), /OMS_BACKGROUND_NICE/, bad);
  t.end();
});
