/**
 * Liveness, readiness and per-worker health, readable without a key.
 *  - /health/live: the process answers (200), whatever its dependencies, unless the order
 *    path failed for good (fail-stop: the engine or journal died): then 503 with the
 *    reason, while the process waits to exit, so no probe keeps a dead OMS in rotation.
 *  - /health/ready: orders can be taken now: the engine and journal are running and keeping
 *    up, and the OMS is not shutting down (200, else 503 with the reasons). Either way its
 *    body names every degraded worker (`degraded`: a sink whose broker is down, a failed
 *    snapshot), which does not stop order entry (services/health/health_report.ts).
 *  - /health/workers: each worker by name with state and since when, heartbeat age,
 *    processed, lag, restarts and last error, and the same `degraded` list.
 */
import { IoContext } from '../../io_context.js';
import { sendJson } from '../json_reply.js';
import { Router } from '../router.js';

export interface HealthProbe {
  ready(): { status: number; body: { status: string; reasons: string[] } };
  workers(): { status: number; body: unknown };
}

export function addHealthRoutes(router: Router, ctx: IoContext, probe: HealthProbe): void {
  router.add('GET', '/health/live', (_req, res) => {
    const failure = ctx.link.failure;
    if (failure !== null) return sendJson(res, 503, { status: 'failed', reasons: [failure] });
    sendJson(res, 200, { status: 'live' });
  });
  router.add('GET', '/health/ready', (_req, res) => {
    const report = probe.ready();
    const failure = ctx.link.failure;
    if (failure !== null) {
      report.body.reasons.push(failure);
      report.body.status = 'not_ready';
      report.status = 503;
    }
    if (!ctx.accepting()) {
      report.body.reasons.push('shutting down');
      report.body.status = 'not_ready';
      report.status = 503;
    }
    sendJson(res, report.status, report.body);
  });
  router.add('GET', '/health/workers', (_req, res) => {
    const report = probe.workers();
    sendJson(res, report.status, report.body);
  });
}
