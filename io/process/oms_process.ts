/**
 * The OMS process, wired in one place, in the order it starts:
 *
 *   1. reference tables (instruments, accounts) and risk limits (bank 0, with saved overrides)
 *   2. recovery: validate the journal and cut a torn tail; rebuild the io read model from it
 *   3. shared memory: rings, doorbells, tables, health block
 *   4. engine worker (replays the journal itself, then runs the hot loop)
 *   5. journal worker (appends from last_seq + 1)
 *   6. services: market data, PnL, sinks (supervised; each optional)
 *   7. the io link (durable events -> read model, replies -> clients), HTTP and WebSocket
 *
 * and stops in the reverse order on SIGTERM: unready, refuse new orders, let in-flight
 * ones finish, stop the engine, let the journal drain and fsync, stop the services, close
 * the sockets, all within OMS_SHUTDOWN_TIMEOUT_MS.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { disableMemoryReducer } from '../../engine/agent/quiet_heap.js';
import { EngineInit } from '../../engine/engine_factory.js';
import { AccountTable } from '../../engine/reference/accounts.js';
import { InstrumentTable } from '../../engine/reference/instruments.js';
import { RiskLimits } from '../../engine/reference/risk_limits.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { allocateOmsBuffers, EventConsumer } from '../../engine/shared_memory.js';
import { SharedRing } from '../../engine/ring/ring.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { Durability } from '../../services/journal/durability.js';
import { JournalScan, scanJournal } from '../../services/journal/journal_reader.js';
import { replayJournal } from '../../services/journal/replay.js';
import { readyReport, workersReport } from '../../services/health/health_report.js';
import { createMetricsRegistry } from '../../services/health/metrics.js';
import { serviceWorkerSpecs } from './service_workers.js';
import { WorkerSupervisor } from '../../services/supervisor/worker_supervisor.js';
import { readOrderStore } from '../../services/snapshot/order_store_codec.js';
import { planRecovery } from '../../services/snapshot/recovery_plan.js';
import { SnapshotScheduler } from '../../services/snapshot/snapshot_scheduler.js';
import type { JournalWorkerInit } from '../../services/journal/journal_worker.js';
import { AdminState } from '../admin/admin_state.js';
import { LimitsManager } from '../admin/limits_manager.js';
import { Authenticator } from '../auth/authenticator.js';
import { OmsConfig } from '../config/oms_config.js';
import { EngineLink } from '../engine_link/engine_link.js';
import { HttpServerHandle, startHttpServer } from '../http/http_server.js';
import { HealthProbe } from '../http/routes/health_routes.js';
import { addAccountRoutes } from '../http/routes/account_routes.js';
import { addMetricsRoute } from '../http/routes/metrics_route.js';
import { addManualMarketRoute } from '../http/routes/manual_market_route.js';
import { addSnapshotRoute } from '../http/routes/snapshot_route.js';
import { IoContext, makeClientOrderIdGenerator } from '../io_context.js';
import { OrderRenderer } from '../orders/order_json.js';
import { OrderStore } from '../../services/read_model/order_store.js';
import { WsGateway } from '../ws/ws_gateway.js';

const WORKER_START_TIMEOUT_MS = 60_000;
const READY_HEARTBEAT_AGE_MS = 2_000;

export interface OmsHandle {
  readonly port: number;
  readonly transport: 'uws' | 'node:http';
  readonly context: IoContext;
  /** Graceful shutdown; resolves when everything is stopped. */
  stop(reason: string): Promise<void>;
}

export async function startOms(config: OmsConfig, log: Logger): Promise<OmsHandle> {
  disableMemoryReducer(); // before any worker's heap exists (see quiet_heap.ts)
  // 1. Reference tables and limits.
  const instruments = new InstrumentTable(config.instruments);
  const accounts = new AccountTable(config.accounts, instruments);
  const journal_dir = path.join(config.data_dir, 'journal');
  fs.mkdirSync(config.data_dir, { recursive: true });

  // 2. Recovery: validate and repair the journal, rebuild the read model.
  let scan: JournalScan = { segments: [], last_seq: 0, torn: null };
  if (config.durability !== Durability.NONE) {
    scan = scanJournal(journal_dir, { repair: true });
    if (scan.torn !== null) {
      log.warn({ file: scan.torn.path, offset: scan.torn.offset, bytes_cut: scan.torn.bytes_cut },
        'journal ended in a torn record (a crash interrupted an unacknowledged write); cut it at the last whole record');
    }
  }
  const plan = planRecovery(config.data_dir, scan);
  for (const skipped of plan.skipped) log.warn(skipped, 'snapshot skipped during recovery');
  const last_seq = scan.last_seq;
  const store = new OrderStore(config.order_history);
  const admin = new AdminState();
  const replay_started = performance.now();
  if (plan.file !== null) {
    readOrderStore(plan.file, store);
    const meta = plan.file.meta.engine as { global_kill: number; limits_version: number };
    admin.restore(meta.global_kill !== 0, plan.file.u8('engine.flags', 'kill_switch'), plan.file.u8('engine.flags', 'halted'), meta.limits_version);
  }
  replayJournal(journal_dir, plan.from_seq, plan.to_seq, (views, base) => {
    store.apply(views, base);
    admin.apply(views, base);
  });
  log.info({ last_seq, snapshot_seq: plan.snapshot?.seq ?? null, replayed: Math.max(0, plan.to_seq - plan.from_seq + 1),
    segments: scan.segments.length, ms: Math.round(performance.now() - replay_started) }, 'recovered the io read model');

  // 3. Shared memory.
  const buffers = allocateOmsBuffers(config.engine, accounts.count, instruments.count);
  const progress = new SeqlockTable(buffers.journal_progress);
  const health = new WorkerHealthBlock(buffers.health);
  const limits = new LimitsManager([new RiskLimits(buffers.limits[0]), new RiskLimits(buffers.limits[1])], instruments, accounts,
    config.durability === Durability.NONE ? null : config.data_dir);
  limits.initialize();
  const marks = new SeqlockTable(buffers.marks);

  // 4. Engine worker.
  const engine_init: EngineInit = {
    config: config.engine,
    accounts: accounts.count,
    notional_scale: instruments.instruments.map((i) => i.notional_scale),
    commands: buffers.commands,
    events: buffers.events,
    replies: buffers.replies,
    own_doorbell: buffers.engine_doorbell,
    // The journal reads straight behind the engine; io and PnL are woken by the journal.
    event_wake: [buffers.journal_doorbell],
    reply_wake: [buffers.io_doorbell],
    marks: buffers.marks,
    pnl: buffers.pnl,
    limits: buffers.limits,
    active_limits_bank: limits.activeBank,
    health: buffers.health,
    counters: buffers.engine_counters,
    recovery: last_seq > 0 ? { snapshot_file: plan.snapshot?.path ?? null, journal_dir, from_seq: plan.from_seq, to_seq: plan.to_seq } : null,
  };
  const engine_worker = new Worker(new URL('./engine_worker.js', import.meta.url), { workerData: engine_init, name: 'engine' });
  await waitForWorker(engine_worker, health, WorkerId.ENGINE, 'engine', log);

  // 5. Journal worker.
  const journal_init: JournalWorkerInit = {
    events: buffers.events,
    consumer: EventConsumer.JOURNAL,
    own_doorbell: buffers.journal_doorbell,
    wake_on_release: [buffers.io_doorbell, buffers.pnl_doorbell],
    engine_doorbell: buffers.engine_doorbell,
    data_dir: config.data_dir,
    durability: config.durability,
    segment_bytes: config.journal_segment_bytes,
    buffer_records: config.journal_buffer_records,
    last_seq,
    progress: buffers.journal_progress,
    health: buffers.health,
    spin_limit: 200,
  };
  const journal_worker = new Worker(new URL('../../services/journal/journal_worker.js', import.meta.url), { workerData: journal_init, name: 'journal' });
  await waitForWorker(journal_worker, health, WorkerId.JOURNAL, 'journal', log);

  // 6. Services: market data, PnL, sinks, each supervised (restarted when it crashes).
  // The PnL worker attaches its event-ring position when it runs; until then (and while
  // it is down) that position must not hold the ring back.
  new SharedRing(buffers.events).detach(EventConsumer.PNL);
  const services = serviceWorkerSpecs({ config, buffers, instruments, accounts, recovered_last_seq: last_seq });
  for (const id of services.disabled) health.setState(id, WorkerState.DISABLED);
  if (config.durability === Durability.NONE) health.setState(WorkerId.SNAPSHOT, WorkerState.DISABLED);
  const supervisors = services.enabled.map((spec) => new WorkerSupervisor(spec, health, log));
  for (const supervisor of supervisors) supervisor.start();
  const enabled_workers = new Set(['engine', 'journal', ...services.enabled.map((spec) => spec.name),
    ...(config.durability === Durability.NONE ? [] : ['snapshot'])]);
  const sink_cursor_files = services.enabled.filter((spec) => spec.name.startsWith('sink_'))
    .map((spec) => path.join(config.data_dir, 'cursors', `${spec.name.slice('sink_'.length)}.json`));

  // 7. The io link and the servers.
  let accepting = true;
  const link = new EngineLink({
    commands: buffers.commands,
    events: buffers.events,
    replies: buffers.replies,
    io_doorbell: buffers.io_doorbell,
    engine_doorbell: buffers.engine_doorbell,
    store,
    busy_journal_lag: config.busy_journal_lag,
    request_timeout_ms: config.request_timeout_ms,
  });
  link.onEvent((views, base) => admin.apply(views, base));
  const metrics = createMetricsRegistry({
    health,
    engine_counters: new Float64Array(buffers.engine_counters),
    journal_progress: progress,
    rings: { commands: new SharedRing(buffers.commands), events: new SharedRing(buffers.events), replies: new SharedRing(buffers.replies) },
  });
  const context: IoContext = {
    config,
    instruments,
    accounts,
    auth: new Authenticator(accounts, config.admin_token),
    store,
    renderer: new OrderRenderer(instruments, accounts),
    link,
    marks,
    accepting: () => accepting,
    generatedClientOrderId: makeClientOrderIdGenerator(),
    observeLatency: (operation, seconds) => metrics.order_latency.observe({ operation }, seconds),
  };
  const probe: HealthProbe = {
    ready: () => readyReport({
      health, journal_progress: progress, engine_counters: new Float64Array(buffers.engine_counters),
      max_heartbeat_age_ms: READY_HEARTBEAT_AGE_MS, max_journal_lag: config.busy_journal_lag,
    }),
    workers: () => workersReport(health, enabled_workers),
  };
  link.start();
  const snapshots = config.durability === Durability.NONE ? null : new SnapshotScheduler({
    link, health, log,
    interval_events: config.snapshot_interval_events,
    durable_seq: () => store.last_seq,
    last_snapshot_seq: plan.snapshot?.seq ?? 0,
    task_base: {
      data_dir: config.data_dir,
      capacity: { accounts: accounts.count, symbols: instruments.count, max_open_orders: config.engine.max_open_orders, dedupe_window: config.engine.dedupe_window },
      notional_scale: instruments.instruments.map((i) => i.notional_scale),
      order_history: config.order_history,
      sink_cursor_files,
      keep_snapshots: 2,
      session_end_utc_minutes: config.session_end_utc_minutes,
    },
  });
  snapshots?.start();
  const gateway = new WsGateway(context, {
    heartbeat_interval_ms: config.ws_heartbeat_interval_ms,
    max_backpressure_bytes: config.ws_max_backpressure_bytes,
    max_payload_bytes: config.ws_max_payload_bytes,
    idle_timeout_s: config.ws_idle_timeout_s,
  }, log);
  const server: HttpServerHandle = await startHttpServer({
    context, admin, limits, probe, log,
    mount_ws: (app) => gateway.mount(app),
    extra_routes: (router) => {
      if (config.market_data === 'manual') addManualMarketRoute(router, context, new Doorbell(buffers.engine_doorbell));
      if (snapshots !== null) addSnapshotRoute(router, context, snapshots);
      addMetricsRoute(router, metrics.registry);
      addAccountRoutes(router, context, {
        positions: new SeqlockTable(buffers.positions), pnl: new SeqlockTable(buffers.pnl), instruments,
        account_names: accounts.accounts.map((a) => a.name),
      });
    },
  });
  log.info({ host: config.host, port: server.port, transport: server.transport, durability: config.durability, data_dir: config.data_dir },
    'OMS is listening');

  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log.info({ reason }, 'shutting down: refusing new orders, finishing in-flight ones');
      accepting = false;
      const deadline = Date.now() + config.shutdown_timeout_ms;
      // Sessions end while the engine still runs, so cancel-on-disconnect is carried out.
      gateway.endAllSessions();
      await waitUntil(() => gateway.openSessions === 0 && gateway.pendingMassCancels === 0, 2000);
      await waitUntil(() => link.in_flight === 0, Math.max(0, deadline - Date.now() - 2000));
      // The engine first, so nothing new reaches the ring; then the journal drains and fsyncs.
      await stopWorker(engine_worker, health, WorkerId.ENGINE, buffers.engine_doorbell, deadline);
      await stopWorker(journal_worker, health, WorkerId.JOURNAL, buffers.journal_doorbell, deadline);
      // The sinks flush what the journal holds, within their stop timeout.
      await Promise.all(supervisors.map((supervisor) => supervisor.stop()));
      link.drain();
      await snapshots?.close();
      link.stop();
      server.close();
      log.info({ durable_seq: store.last_seq }, 'stopped');
    })();
    return stopping;
  };
  return { port: server.port, transport: server.transport, context, stop };
}

async function waitForWorker(worker: Worker, health: WorkerHealthBlock, id: number, name: string, log: Logger): Promise<void> {
  let failure: Error | null = null;
  const on_error = (error: Error) => { failure = error; };
  const on_exit = (code: number) => { failure ??= new Error(`${name} worker exited with code ${code} while starting`); };
  worker.on('error', on_error);
  worker.on('exit', on_exit);
  const deadline = Date.now() + WORKER_START_TIMEOUT_MS;
  while (health.state(id) !== WorkerState.RUNNING) {
    if (failure !== null) throw failure;
    if (Date.now() > deadline) throw new Error(`${name} worker did not start within ${WORKER_START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  worker.off('error', on_error);
  worker.off('exit', on_exit);
  worker.on('error', (error) => log.error({ err: error, worker: name }, 'worker failed'));
  worker.on('exit', (code) => {
    if (health.state(id) !== WorkerState.STOPPED) {
      health.setState(id, WorkerState.FAILED);
      log.error({ worker: name, code }, 'worker exited unexpectedly: the OMS is not ready');
    }
  });
}

async function stopWorker(worker: Worker, health: WorkerHealthBlock, id: number, doorbell: SharedArrayBuffer, deadline: number): Promise<void> {
  if (worker.threadId < 0) return;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  health.requestStop(id);
  new Doorbell(doorbell).wake();
  const timeout = Math.max(100, deadline - Date.now());
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeout).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') await worker.terminate();
}

async function waitUntil(condition: () => boolean, timeout_ms: number): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}
