/** GET /metrics: Prometheus text from the registry services/health/metrics.ts builds. */
import type { Registry } from 'prom-client';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';

export function addMetricsRoute(router: Router, registry: Registry): void {
  router.add('GET', '/metrics', (_req, res) => {
    registry.metrics().then(
      (text) => res.send(200, text, undefined, registry.contentType),
      (error: Error) => sendRefusal(res, RejectCode.INTERNAL_ERROR, `metrics failed: ${error.message}`),
    );
  });
}
