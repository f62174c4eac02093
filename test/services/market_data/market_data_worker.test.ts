/**
 * The market-data worker as a real thread: the simulated ticker keeps the mark table sane
 * and current and rings a parked engine; the NATS consumer (against a real nats-server)
 * applies good ticks, counts bad ones without dying, and waits out a broker that is not
 * up yet.
 */
import t, { Test } from 'tap';
import { Worker } from 'node:worker_threads';
import { connect } from 'nats';
import { DEMO_INSTRUMENTS, InstrumentTable } from '../../../engine/reference/instruments.js';
import { allocateMarkTable, MARK_FIELD_COUNT, MarkField } from '../../../engine/reference/mark_table.js';
import { SeqlockTable } from '../../../engine/reference/seqlock_table.js';
import { Doorbell } from '../../../engine/ring/doorbell.js';
import { WorkerHealthBlock } from '../../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../../engine/telemetry/worker_health_layout.js';
import type { MarketDataWorkerInit } from '../../../services/market_data/market_data_worker.js';
import { freePort, startNatsServer } from '../../support/servers.js';
import { waitFor } from '../support/journal_fixture.js';
import { FAST_THREAD } from '../support/worker_flags.js';

const WORKER_URL = new URL('../../../services/market_data/market_data_worker.js', import.meta.url);
const ID = WorkerId.MARKET_DATA;
const instruments = new InstrumentTable(DEMO_INSTRUMENTS);

function startWorker(t: Test, init: Omit<MarketDataWorkerInit, 'instruments' | 'marks' | 'health'>) {
  const marks = allocateMarkTable(instruments.count);
  const health = new WorkerHealthBlock();
  const worker = new Worker(WORKER_URL, { workerData: { instruments: DEMO_INSTRUMENTS, marks: marks.buffer, health: health.buffer, log_level: 'silent', ...init }, execArgv: FAST_THREAD });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const stop = async () => {
    health.requestStop(ID);
    worker.postMessage({ type: 'stop' });
    return exited;
  };
  t.teardown(async () => { await Promise.race([stop(), new Promise((r) => setTimeout(r, 3000))]); await worker.terminate(); });
  return { marks, health, stop };
}

function read(marks: SeqlockTable, symbol: number): Float64Array {
  const out = new Float64Array(MARK_FIELD_COUNT);
  marks.read(symbol, out);
  return out;
}

t.test('the simulated ticker writes sane marks about ten times a second per symbol and rings a parked engine', async (t) => {
  const engine_doorbell = new Doorbell();
  const { marks, health, stop } = startWorker(t, { source: 'sim', wake: [engine_doorbell.buffer] });
  await waitFor(() => health.state(ID) === WorkerState.RUNNING, 5_000, 'the worker to run');
  const seen = engine_doorbell.prepareToPark(); // the engine parks...
  const version_before = marks.globalVersion();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const updates = marks.globalVersion() - version_before;
  t.ok(updates >= 15 && updates <= 45, `${updates} mark writes in one second for three symbols`);
  const rings = Atomics.load(new Int32Array(engine_doorbell.buffer), 0) - seen;
  t.ok(rings > 0, '...and the market-data worker rang it');
  // Every symbol is updated in one wake-up: one ring of the engine per round, not per symbol.
  t.ok(rings <= Math.ceil(updates / instruments.count) + 1, `${rings} rings for ${updates} writes to ${instruments.count} symbols`);
  engine_doorbell.cancelPark();
  for (let s = 0; s < instruments.count; s++) {
    const m = read(marks, s);
    const symbol = instruments.at(s).spec.symbol;
    const reference = Number(instruments.at(s).spec.reference_price);
    const last = Number(instruments.ticksToText(s, m[MarkField.LAST_TICKS]));
    t.ok(m[MarkField.BID_TICKS] < m[MarkField.ASK_TICKS], `${symbol}: bid < ask`);
    t.ok(m[MarkField.BID_TICKS] < m[MarkField.LAST_TICKS] && m[MarkField.LAST_TICKS] < m[MarkField.ASK_TICKS], `${symbol}: last inside the touch`);
    t.ok(Math.abs(last - reference) < reference * 0.1, `${symbol}: ${last} near ${reference}`);
    t.ok(m[MarkField.BID_SIZE_LOTS] > 0 && m[MarkField.ASK_SIZE_LOTS] > 0, `${symbol}: sizes > 0`);
    t.ok(m[MarkField.VOLUME_24H_LOTS] > 0, `${symbol}: 24h volume accumulates`);
    t.ok(m[MarkField.OPEN_24H_TICKS] > 0, `${symbol}: 24h open is set`);
    t.ok(Math.abs(m[MarkField.UPDATED_AT_MS] - Date.now()) < 1_000, `${symbol}: fresh`);
  }
  t.ok(health.heartbeatAgeMs(ID)! < 1_000, 'the worker beats its heartbeat');
  t.equal(await stop(), 0, 'stops cleanly when asked');
  t.equal(health.state(ID), WorkerState.STOPPED);
});

t.test('with NATS market data, good ticks become marks and bad ones are counted, never fatal', async (t) => {
  const server = await startNatsServer(t);
  const { marks, health } = startWorker(t, { source: 'nats', nats_url: server.url, wake: [] });
  await waitFor(() => health.state(ID) === WorkerState.RUNNING, 10_000, 'the worker to subscribe');
  const nc = await connect({ servers: server.url });
  t.teardown(() => nc.close());
  const send = (symbol: string, body: unknown) => nc.publish(`market.tick.${symbol}`, typeof body === 'string' ? body : JSON.stringify(body));
  send('BTCUSDT', 'garbage');
  send('BTCUSDT', { symbol: 'BTCUSDT', price: -1 });
  send('ETHUSDT', { symbol: 'ETHUSDT', price: 2500, bid: 2501, ask: 2499 });
  send('DOGEUSDT', { symbol: 'DOGEUSDT', price: 1 });
  send('BTCUSDT', { timestamp: '2026-01-05T12:00:00.000Z', symbol: 'BTCUSDT', price: 45100.5, bid: 45100.25, ask: 45100.75, bid_size: 2, ask_size: 3 });
  send('SOLUSDT', { symbol: 'SOLUSDT', last: '99.5' });
  await nc.flush();
  await waitFor(() => marks.readField(2, MarkField.LAST_TICKS) === 9_950, 5_000, 'the SOLUSDT tick');
  await waitFor(() => health.view(ID).errors === 4, 5_000, 'four bad ticks counted');
  const btc = read(marks, 0);
  t.equal(btc[MarkField.LAST_TICKS], 4_510_050);
  t.equal(btc[MarkField.BID_TICKS], 4_510_025);
  t.equal(btc[MarkField.ASK_TICKS], 4_510_075);
  t.equal(btc[MarkField.BID_SIZE_LOTS], 20_000);
  t.equal(btc[MarkField.UPDATED_AT_MS], Date.UTC(2026, 0, 5, 12), 'the feed\'s own timestamp');
  t.equal(read(marks, 1)[MarkField.LAST_TICKS], 0, 'the crossed ETHUSDT tick was not applied');
  t.ok(read(marks, 2)[MarkField.ASK_SIZE_LOTS] > 0, 'a tick without sizes gets a deep default touch');
  t.equal(health.state(ID), WorkerState.RUNNING, 'bad ticks do not degrade the worker');
  await waitFor(() => health.view(ID).processed === 2, 2_000, 'the health line to show the two ticks applied');
});

t.test('with NATS down at start, the worker reports DEGRADED and subscribes once the broker is up', async (t) => {
  const port = await freePort();
  const { health, marks } = startWorker(t, { source: 'nats', nats_url: `nats://127.0.0.1:${port}`, wake: [] });
  await waitFor(() => health.state(ID) === WorkerState.DEGRADED && health.view(ID).errors > 0, 10_000, 'a failed connection');
  const server = await startNatsServer(t, { port });
  await waitFor(() => health.state(ID) === WorkerState.RUNNING, 15_000, 'the worker to connect');
  const nc = await connect({ servers: server.url });
  t.teardown(() => nc.close());
  nc.publish('market.tick.BTCUSDT', JSON.stringify({ symbol: 'BTCUSDT', price: 45000 }));
  await nc.flush();
  await waitFor(() => marks.readField(0, MarkField.LAST_TICKS) === 4_500_000, 5_000, 'the first tick');
  t.pass('ticks flow after the broker came up');
});
