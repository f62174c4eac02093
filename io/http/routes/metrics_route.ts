/**
 * GET /metrics: Prometheus text from the registry services/health/metrics.ts builds.
 * GET /metrics/stages: the stage timer's histograms as JSON (percentiles, and each
 * histogram encoded so that two reads can be subtracted for a window: the benchmark does).
 */
import type { Registry } from 'prom-client';
import type { StageTimer } from '../../engine_link/stage_timer.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';

export function addMetricsRoute(router: Router, registry: Registry, stages: StageTimer | null): void {
  if (stages !== null) router.add('GET', '/metrics/stages', (_req, res) => sendJson(res, 200, stages.snapshot()));
  router.add('GET', '/metrics', (_req, res) => {
    registry.metrics().then(
      (text) => res.send(200, text, undefined, registry.contentType),
      (error: Error) => sendRefusal(res, RejectCode.INTERNAL_ERROR, `metrics failed: ${error.message}`),
    );
  });
}
