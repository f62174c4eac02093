/**
 * Liveness, readiness and per-worker health, readable without a key.
 *  - /health/live: the process answers (200), whatever its dependencies.
 *  - /health/ready: orders can be taken now: the engine and journal are running and keeping
 *    up, and the OMS is not shutting down (200, else 503 with the reasons).
 *  - /health/workers: each worker by name with state, heartbeat age, processed, lag, restarts.
 */
import { IoContext } from '../../io_context.js';
import { sendJson } from '../json_reply.js';
import { Router } from '../router.js';

export interface HealthProbe {
  ready(): { ready: boolean; reasons: string[] };
  workers(): unknown[];
}

export function addHealthRoutes(router: Router, ctx: IoContext, probe: HealthProbe): void {
  router.add('GET', '/health/live', (_req, res) => sendJson(res, 200, { status: 'live' }));
  router.add('GET', '/health/ready', (_req, res) => {
    const { ready, reasons } = probe.ready();
    if (!ctx.accepting()) reasons.push('shutting down');
    const ok = ready && ctx.accepting();
    sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not_ready', reasons });
  });
  router.add('GET', '/health/workers', (_req, res) => sendJson(res, 200, { workers: probe.workers() }));
}
