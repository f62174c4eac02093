/**
 * Start-up step 10: what clients reach. The io context (tables, auth, read model, link,
 * marks), the health probe, /metrics, the WebSocket gateway and the HTTP server, which
 * logs "OMS is listening" once its port is bound.
 */
import type { Logger } from 'pino';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { SharedRing } from '../../engine/ring/ring.js';
import { SeqlockTable } from '../../engine/reference/seqlock_table.js';
import { readyReport, workersReport } from '../../services/health/health_report.js';
import { createMetricsRegistry } from '../../services/health/metrics.js';
import { tradingHealth } from '../admin/admin_state.js';
import { registerTradingStateMetric } from '../admin/trading_state_metric.js';
import { RequestLatency } from '../request_latency.js';
import { registerIoMetrics } from './io_metrics.js';
import type { SnapshotScheduler } from '../../services/snapshot/snapshot_scheduler.js';
import { Authenticator } from '../auth/authenticator.js';
import type { OmsConfig } from '../config/oms_config.js';
import type { EngineLink } from '../engine_link/engine_link.js';
import { HttpServerHandle, startHttpServer } from '../http/http_server.js';
import { addAccountRoutes } from '../http/routes/account_routes.js';
import { addAccountStatusRoute } from '../http/routes/account_status_route.js';
import { HealthProbe } from '../http/routes/health_routes.js';
import { addManualMarketRoute } from '../http/routes/manual_market_route.js';
import { addMetricsRoute } from '../http/routes/metrics_route.js';
import { stageLatencyMetric } from '../engine_link/stage_metric.js';
import { addSnapshotRoute } from '../http/routes/snapshot_route.js';
import { addStateHashRoutes } from '../http/routes/state_hash_route.js';
import { IoContext, makeClientOrderIdGenerator } from '../io_context.js';
import { OrderRenderer } from '../orders/order_json.js';
import { WsGateway } from '../ws/ws_gateway.js';
import type { SharedMemory } from './allocate_shared_memory.js';
import type { ReadModel } from './read_model_recovery.js';
import type { ReferenceTables } from './reference_tables.js';
import type { Services } from './start_services.js';

const READY_HEARTBEAT_AGE_MS = 2_000;

export interface ServerWiring {
  readonly config: OmsConfig;
  readonly tables: ReferenceTables;
  readonly memory: SharedMemory;
  readonly read_model: ReadModel;
  readonly services: Services;
  readonly link: EngineLink;
  readonly snapshots: SnapshotScheduler | null;
  readonly log: Logger;
}

export interface FrontEnds {
  readonly context: IoContext;
  readonly gateway: WsGateway;
  readonly server: HttpServerHandle;
  /** From now on new orders are refused (SHUTTING_DOWN); the first step of shutdown. */
  refuseNewOrders(): void;
}

export async function startServers(w: ServerWiring): Promise<FrontEnds> {
  const { config, tables, memory, log } = w;
  const { instruments, accounts } = tables;
  const { buffers, health } = memory;
  let accepting = true;
  const metrics = createMetricsRegistry({
    health,
    engine_counters: new Float64Array(buffers.engine_counters),
    journal_progress: memory.journal_progress,
    rings: { commands: new SharedRing(buffers.commands), events: new SharedRing(buffers.events), replies: new SharedRing(buffers.replies) },
  });
  if (w.link.stage_timer !== null) metrics.registry.registerMetric(stageLatencyMetric(w.link.stage_timer));
  registerTradingStateMetric(metrics.registry, w.read_model.admin, accounts);
  const context: IoContext = {
    config,
    instruments,
    accounts,
    auth: new Authenticator(accounts, config.admin_token),
    store: w.read_model.store,
    renderer: new OrderRenderer(instruments, accounts),
    link: w.link,
    marks: memory.marks,
    accepting: () => accepting,
    generatedClientOrderId: makeClientOrderIdGenerator(),
    observeLatency: (operation, seconds) => metrics.order_latency.series([operation]).observe(seconds),
    latency: new RequestLatency((protocol, type) => metrics.request_latency.series([protocol, type])),
  };
  const enabled_workers = new Set(['engine', 'journal', ...w.services.names, ...(w.snapshots === null ? [] : ['snapshot'])]);
  const probe: HealthProbe = {
    ready: () => readyReport({
      health, journal_progress: memory.journal_progress, engine_counters: new Float64Array(buffers.engine_counters),
      max_heartbeat_age_ms: READY_HEARTBEAT_AGE_MS, max_journal_lag: config.busy_journal_lag,
      enabled: enabled_workers, marks: memory.marks, errors: w.services.errors,
    }),
    workers: () => {
      const report = workersReport(health, enabled_workers, Date.now(), w.services.errors);
      return { status: report.status, body: { ...(report.body as object), trading: tradingHealth(w.read_model.admin) } };
    },
  };
  const gateway = new WsGateway(context, {
    heartbeat_interval_ms: config.ws_heartbeat_interval_ms,
    max_backpressure_bytes: config.ws_max_backpressure_bytes,
    max_payload_bytes: config.ws_max_payload_bytes,
    idle_timeout_s: config.ws_idle_timeout_s,
  }, log);
  registerIoMetrics(metrics.registry, { link: w.link, gateway });
  const snapshots = w.snapshots;
  const server = await startHttpServer({
    context, admin: w.read_model.admin, limits: memory.limits, probe, log,
    mount_ws: (app) => gateway.mount(app),
    extra_routes: (router) => {
      if (config.market_data === 'manual') addManualMarketRoute(router, context, new Doorbell(buffers.engine_doorbell));
      if (snapshots !== null) addSnapshotRoute(router, context, snapshots);
      addStateHashRoutes(router, context, new Float64Array(buffers.engine_counters));
      addMetricsRoute(router, metrics.registry, w.link.stage_timer);
      addAccountRoutes(router, context, {
        positions: new SeqlockTable(buffers.positions), pnl: new SeqlockTable(buffers.pnl), instruments,
        account_names: accounts.accounts.map((a) => a.name),
      });
      addAccountStatusRoute(router, context, { limits: memory.limits, admin: w.read_model.admin, pnl: new SeqlockTable(buffers.pnl) });
    },
  });
  log.info({ host: config.host, port: server.port, transport: server.transport, durability: config.durability, data_dir: config.data_dir },
    'OMS is listening');
  return { context, gateway, server, refuseNewOrders: () => { accepting = false; } };
}
