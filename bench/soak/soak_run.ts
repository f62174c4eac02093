/**
 * The soak run, as a list of named steps:
 *   1. a directory, an accounts file, nats-server -js and redis-server, the OMS with both
 *      sinks, simulated market data, small snapshot intervals and journal segments;
 *   2. the order mix at a steady rate (order_driver.ts), memory sampled every 2 s and a
 *      progress line every --report-every seconds (memory_sampler.ts), the journal
 *      followed (journal_follower.ts);
 *   3. at the middle: a state-hash marker, kill -9 at once, restart on the same data;
 *   4. at the end: stop the load, engage the global kill switch (it cancels every open
 *      order, so nothing more happens in the market and the journal head stands still),
 *      wait for the PnL worker and both sinks to reach that head;
 *   5. the checks (soak_checks.ts, memory_check.ts), PASS or FAIL each.
 * Returns whether every check passed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRandom } from '../../services/market_data/simulated_ticker.js';
import { freePort } from '../servers/free_port.js';
import { Broker, startNats, startRedis } from './brokers.js';
import { HttpJsonClient } from './http_client.js';
import { JournalFollower } from './journal_follower.js';
import { judgeMemory } from './memory_check.js';
import { MemorySample, progressLine, SAMPLE_EVERY_MS, takeSample } from './memory_sampler.js';
import { OrderDriver } from './order_driver.js';
import { ORDER_KINDS, OrderMix } from './order_mix.js';
import {
  ackedOrdersCheck, CheckResult, natsCheck, processCheck, redisCheck, retirementCheck, stateHashCheck, stopsCheck,
} from './soak_checks.js';
import type { SoakOptions } from './soak_args.js';
import { SOAK_ADMIN_TOKEN, SoakAccount, SoakOms, writeAccountsFile } from './soak_oms.js';

/** Resting orders per account beyond which new resting orders turn into cancels. */
const MAX_RESTING_PER_ACCOUNT = 1500;
const DEDUPE_WINDOW = 1 << 20;
const DRAIN_TIMEOUT_MS = 120_000;

type Print = (line: string) => void;

export async function runSoak(options: SoakOptions, print: Print): Promise<boolean> {
  const duration_ms = options.minutes * 60_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-soak-'));
  const data_dir = path.join(dir, 'data');
  const brokers: Broker[] = [];
  let oms: SoakOms | null = null;
  let client: HttpJsonClient | null = null;
  let follower: JournalFollower | null = null;
  try {
    // 1. The environment.
    const accounts = writeAccountsFile(path.join(dir, 'accounts.json'), options.accounts);
    const nats = await startNats(dir);
    brokers.push(nats);
    const redis = await startRedis(dir);
    brokers.push(redis);
    const order_history = orderHistoryFor(options);
    oms = new SoakOms('127.0.0.1', await freePort(), {
      OMS_DATA_DIR: data_dir,
      OMS_ACCOUNTS_FILE: path.join(dir, 'accounts.json'),
      OMS_ADMIN_TOKEN: SOAK_ADMIN_TOKEN,
      OMS_MARKET_DATA: 'sim',
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      OMS_SNAPSHOT_INTERVAL_EVENTS: String(options.snapshot_interval_events),
      OMS_JOURNAL_SEGMENT_BYTES: String(options.segment_bytes),
      OMS_ORDER_HISTORY: String(order_history),
      OMS_DEDUPE_WINDOW: String(DEDUPE_WINDOW),
      OMS_LOG_LEVEL: options.verbose ? 'info' : 'warn',
    }, options.verbose);
    print(`soak: ${options.minutes} min at ${options.rate_per_s} orders/s, ${options.accounts} accounts, snapshots every ${options.snapshot_interval_events} events, `
      + `journal segments of ${options.segment_bytes} bytes, order history ${order_history}; kill -9 at ${fmtS(duration_ms / 2)}; files in ${dir}`);
    await oms.start();
    client = new HttpJsonClient(oms.host, oms.port);
    follower = new JournalFollower(path.join(data_dir, 'journal'));

    // 2. The load and the sampling.
    const driver = new OrderDriver(client, accounts, options.rate_per_s, new OrderMix(seededRandom(20261207), MAX_RESTING_PER_ACCOUNT));
    const run_started_ms = Date.now();
    const lives = new Map<number, { life: number; started_ms: number }>([[oms.pid!, { life: 1, started_ms: run_started_ms }]]);
    const samples: MemorySample[] = [];
    let sampling = true;
    let next_report_ms = run_started_ms + options.report_every_s * 1000;
    const sampler = (async () => {
      while (sampling) {
        const sample = await takeSample(client!, data_dir, { lifeOf: (pid) => lives.get(pid) ?? null, max_order_id: driver.max_order_id });
        if (sample !== null) {
          samples.push(sample);
          follower!.follow(sample.durable_seq);
          if (sample.at_ms >= next_report_ms) {
            next_report_ms += options.report_every_s * 1000;
            print(progressLine((sample.at_ms - run_started_ms) / 1000, sample, loadLine(driver, sample.at_ms - run_started_ms)));
          }
        }
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
      }
    })();
    await driver.start();

    // 3. The crash at the middle.
    await sleepUntil(run_started_ms + duration_ms / 2);
    const marker = await client.request('POST', '/admin/state-hash', { 'x-admin-token': SOAK_ADMIN_TOKEN });
    await oms.kill9();
    const killed_ms = Date.now();
    if (marker.status !== 200) throw new Error(`POST /admin/state-hash answered ${marker.status}: ${JSON.stringify(marker.body)}`);
    print(`[${fmtS(killed_ms - run_started_ms)}] kill -9 right after the state-hash marker ${marker.body.state_hash} at sequence ${marker.body.sequence}; restarting`);
    await oms.start();
    const restarted_ms = Date.now();
    lives.set(oms.pid!, { life: 2, started_ms: restarted_ms });
    print(`[${fmtS(restarted_ms - run_started_ms)}] restarted and ready after ${fmtS(restarted_ms - killed_ms)}`);

    // 4. The end of the load, then a still journal head for the sinks to reach.
    await sleepUntil(run_started_ms + duration_ms);
    await driver.stop();
    const load_ms = Date.now() - run_started_ms;
    const kill_switch = await client.request('POST', '/admin/kill-switch', { 'x-admin-token': SOAK_ADMIN_TOKEN }, { engaged: true });
    print(`[${fmtS(load_ms)}] load stopped; the global kill switch canceled the ${kill_switch.body?.canceled_orders} open orders; waiting for the sinks`);
    const head = await drained(client);
    sampling = false;
    await sampler;
    follower.follow(head);

    // 5. The checks.
    print('');
    print(`load: ${loadLine(driver, load_ms)}`);
    print(`  sent by kind: ${ORDER_KINDS.map((k) => `${k} ${driver.sent_by_kind[k]}`).join(', ')}`);
    print(`  taken by kind: ${ORDER_KINDS.map((k) => `${k} ${driver.ok_by_kind[k]}`).join(', ')}`);
    print(`  refused: ${[...driver.refusals].map(([code, n]) => `${code} ${n}`).join(', ') || 'none'}`);
    print(`  journal: ${head} records, ${follower.order_events} order events`);
    const lookup = await ackedOrdersCheck(client, accounts, driver.acked);
    const checks: CheckResult[] = [
      await stateHashCheck(client, marker.body),
      lookup.result,
      await natsCheck(nats.url, follower, head),
      await redisCheck(redis.url, client, accounts, lookup.statuses, head),
      retirementCheck(data_dir),
      stopsCheck(lookup.stops, lookup.stops_triggered),
      processCheck(oms.unexpected_exits, oms.problems),
    ];
    const memory = judgeMemory(samples, options.warmup_s, { order_history, dedupe_window: DEDUPE_WINDOW });
    checks.push({
      name: 'memory is flat after the warm-up', pass: memory.status !== 'fail', skipped: memory.status === 'skip',
      detail: memory.status === 'skip' ? 'the run was too short to judge (below)' : 'below',
    });
    print('');
    for (const check of checks) print(`${check.skipped === true ? 'SKIP' : check.pass ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
    print('');
    print('memory:');
    for (const line of memory.lines) print(`  ${line}`);
    const pass = checks.every((c) => c.pass);
    print('');
    print(pass ? 'soak: PASS' : `soak: FAIL (${checks.filter((c) => !c.pass).map((c) => c.name).join('; ')})`);
    return pass;
  } catch (error) {
    print(`soak: FAIL (the run stopped: ${(error as Error).message})`);
    if (oms !== null) print(`the OMS's log ends with:\n${oms.logTail().slice(-3000)}`);
    return false;
  } finally {
    follower?.close();
    client?.close();
    await oms?.stop();
    for (const broker of brokers) await broker.stop();
    if (options.keep) print(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The read model keeps every order of the run: the end check looks each one up by id. */
function orderHistoryFor(options: SoakOptions): number {
  const orders_at_most = options.rate_per_s * options.minutes * 60 * 1.25;
  let capacity = 1 << 20;
  while (capacity < orders_at_most) capacity *= 2;
  return capacity;
}

/** Waits for the journal head to stand still and the PnL worker and both sinks to reach it; returns the head. */
async function drained(client: HttpJsonClient): Promise<number> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let last = '';
  for (;;) {
    const answer = await client.request('GET', '/health/workers', {});
    const position = (name: string) => answer.body.workers.find((w: { name: string }) => w.name === name)?.position as number;
    const head = position('journal');
    last = `journal ${head}, pnl ${position('pnl')}, sink_nats ${position('sink_nats')}, sink_redis ${position('sink_redis')}`;
    if (['pnl', 'sink_nats', 'sink_redis'].every((w) => position(w) === head)) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const again = await client.request('GET', '/health/workers', {});
      if (again.body.workers.find((w: { name: string }) => w.name === 'journal')?.position === head) return head;
    }
    if (Date.now() > deadline) throw new Error(`the sinks did not reach the journal head within ${DRAIN_TIMEOUT_MS} ms (${last})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function loadLine(driver: OrderDriver, elapsed_ms: number): string {
  return `sent ${driver.sent} (${Math.round(driver.sent / (elapsed_ms / 1000))}/s), acknowledged orders ${driver.acked.length}, `
    + `unanswered ${driver.unanswered}, behind ${driver.behind}, resting known ${driver.resting_known}`;
}

function sleepUntil(at_ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at_ms - Date.now())));
}

function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
