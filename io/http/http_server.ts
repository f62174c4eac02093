/**
 * Starts the front end: uWebSockets.js when its binary loads (HTTP routes and the binary
 * WebSocket protocol on /ws), otherwise node:http with the same HTTP routes and a clear
 * log line saying so.
 */
import type { Logger } from 'pino';
import { AdminState } from '../admin/admin_state.js';
import { LimitsManager } from '../admin/limits_manager.js';
import { IoContext } from '../io_context.js';
import { createNodeHttpServer } from './node_http.js';
import { Router } from './router.js';
import { addAdminRoutes } from './routes/admin_routes.js';
import { addCheckRoute } from './routes/check_route.js';
import { addHealthRoutes, HealthProbe } from './routes/health_routes.js';
import { addInstrumentRoutes } from './routes/instrument_routes.js';
import { addMarketRoutes } from './routes/market_routes.js';
import { addOrderListRoutes } from './routes/order_list_routes.js';
import { addOrderRoutes } from './routes/order_routes.js';
import { loadUws } from './uws_loader.js';
import { mountHttpRoutes } from './uws_http.js';

export interface HttpServerOptions {
  readonly context: IoContext;
  readonly admin: AdminState;
  readonly limits: LimitsManager;
  readonly probe: HealthProbe;
  readonly log: Logger;
  /** Extra routes (metrics, positions) registered by the process. */
  readonly extra_routes?: (router: Router) => void;
  /** Mounts /ws on the uWS app (absent on the fallback). */
  readonly mount_ws?: (app: import('uWebSockets.js').TemplatedApp) => { close(): void };
}

export interface HttpServerHandle {
  readonly port: number;
  readonly transport: 'uws' | 'node:http';
  close(): void;
}

export function buildRouter(options: HttpServerOptions): Router {
  const router = new Router();
  addOrderRoutes(router, options.context);
  addOrderListRoutes(router, options.context);
  addCheckRoute(router, options.context);
  addMarketRoutes(router, options.context);
  addInstrumentRoutes(router, options.context, options.admin, options.limits);
  addHealthRoutes(router, options.context, options.probe);
  addAdminRoutes(router, options.context, options.admin, options.limits);
  options.extra_routes?.(router);
  return router;
}

/** uWebSockets.js's ListenOptions value; its typings declare it only as a const enum and only for listen(port, options, cb). */
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;
interface ListenWithOptions {
  listen(host: string, port: number, options: number, cb: (listen_socket: import('uWebSockets.js').us_listen_socket | false) => void): void;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const { context, log } = options;
  const router = buildRouter(options);
  const { host, port, max_body_bytes } = context.config;
  const loaded = await loadUws();
  if (loaded.ok) {
    const uws = loaded.uws;
    const app = uws.App();
    const ws = options.mount_ws?.(app);
    mountHttpRoutes(app, router, max_body_bytes);
    const socket = await new Promise<import('uWebSockets.js').us_listen_socket>((resolve, reject) => {
      // Exclusive: by default uWebSockets.js sets SO_REUSEPORT, so a second OMS on the same
      // port started and the kernel split new connections between the two (data_dir_lock.ts).
      (app as unknown as ListenWithOptions).listen(host, port, LIBUS_LISTEN_EXCLUSIVE_PORT, (listen_socket) => {
        if (listen_socket === false) reject(new Error(`could not listen on ${host}:${port}: in use (another OMS?) or not permitted`));
        else resolve(listen_socket);
      });
    });
    return {
      port: uws.us_socket_local_port(socket),
      transport: 'uws',
      close: () => {
        ws?.close();
        uws.us_listen_socket_close(socket);
      },
    };
  }
  log.warn({ reason: loaded.reason },
    'uWebSockets.js could not be loaded: serving the HTTP routes on node:http instead (slower; no binary WebSocket protocol). See native-free-notes/.');
  const server = createNodeHttpServer(router, max_body_bytes);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    transport: 'node:http',
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}
