/**
 * Stage timing seen from outside: with every request traced, each order placed over HTTP
 * shows once in every stage of /metrics/stages (journal stages included, fsync'd), the
 * stages add up to no more than the total, and /metrics carries the same counts as the
 * Prometheus histogram oms_stage_latency_seconds.
 */
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import t from 'tap';
import { OmsServer } from '../../../support/oms_server.js';

const ORDERS = 25;

const oms = await OmsServer.start({ env: { OMS_STAGE_SAMPLE_EVERY: '1', OMS_DURABILITY: 'fsync' } });
t.teardown(() => oms.cleanup());
await oms.setMarket('BTCUSDT', { bid: 45000, ask: 45010, last: 45005 });

interface Stage { name: string; count: number; p50_us: number; p99_us: number; max_us: number; hdr: string }

t.test('every traced order is counted once in every stage, and the parts fit in the total', async (t) => {
  const before = (await oms.request('GET', '/metrics/stages', { key: null })).body as { stages: Stage[] };
  const before_total = before.stages.find((s) => s.name === 'total')!.count;
  for (let k = 0; k < ORDERS; k++) {
    const placed = await oms.request('POST', '/orders', { body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 44000 + k } });
    t.equal(placed.status, 200, `order ${k} accepted`);
  }
  const result = await oms.request('GET', '/metrics/stages', { key: null });
  t.equal(result.status, 200);
  t.equal(result.body.sample_every, 1);
  t.equal(result.body.unit, 'us');
  const stages = result.body.stages as Stage[];
  t.same(stages.map((s) => s.name), ['io_queue', 'to_engine', 'engine', 'to_journal', 'journal_write', 'fdatasync', 'to_io', 'answer', 'total']);
  for (const stage of stages) t.equal(stage.count - (before.stages.find((s) => s.name === stage.name)?.count ?? 0), ORDERS, `${stage.name} counted every order`);
  const total = stages.find((s) => s.name === 'total')!;
  t.ok(total.count - before_total === ORDERS);
  t.ok(total.max_us > 0, 'the total is measured');
  t.ok(stages.find((s) => s.name === 'fdatasync')!.max_us > 0, 'fsync mode spends time in fdatasync');
  // Each order's stages are consecutive gaps between its hops, so they sum to its total
  // (up to rounding, and a clock difference between threads clamped at 0).
  const mean = (stage: Stage) => decodeFromCompressedBase64(stage.hdr).mean;
  const parts = stages.filter((s) => s.name !== 'total').reduce((sum, s) => sum + mean(s), 0);
  t.ok(Math.abs(parts - mean(total)) <= 0.1 * mean(total) + 20, `mean stages sum ${parts.toFixed(1)} µs ~ mean total ${mean(total).toFixed(1)} µs`);
});

t.test('/metrics exposes the stage histogram with the same counts', async (t) => {
  const stages = (await oms.request('GET', '/metrics/stages', { key: null })).body.stages as Stage[];
  const text = (await oms.request('GET', '/metrics', { key: null })).text;
  for (const stage of stages) {
    const line = new RegExp(`^oms_stage_latency_seconds_count\\{stage="${stage.name}"\\} (\\d+)$`, 'm').exec(text);
    t.ok(line, `count line for ${stage.name}`);
    t.equal(Number(line?.[1]), stage.count, stage.name);
  }
  t.match(text, /^# TYPE oms_stage_latency_seconds histogram$/m);
  t.match(text, /^oms_stage_latency_seconds_bucket\{le="\+Inf",stage="total"\} \d+$/m);
});

t.test('a stage window, started by POST, holds only the orders placed since', async (t) => {
  await oms.request('POST', '/orders', { body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 43000 } });
  const started = await oms.request('POST', '/metrics/stages/window', { key: null });
  t.equal(started.status, 200);
  t.ok(started.body.started_at_us > 1.7e15, 'it says when it started, epoch µs');
  for (let k = 0; k < 3; k++) await oms.request('POST', '/orders', { body: { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 43100 + k } });
  const window = await oms.request('GET', '/metrics/stages/window', { key: null });
  t.equal(window.status, 200);
  t.equal(window.body.started_at_us, started.body.started_at_us);
  t.equal((window.body.stages as Stage[]).find((s) => s.name === 'total')!.count, 3, 'the three orders since, not the one before');
  t.ok(window.body.slowest.length >= 1 && window.body.slowest.every((o: { at_us: number }) => o.at_us >= started.body.started_at_us),
    'its slowest orders are from the window');
});
