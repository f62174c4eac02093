/**
 * GET /metrics: Prometheus text from the registry services/health/metrics.ts builds.
 * GET /metrics/stages: the stage timer's histograms since start as JSON (percentiles, each
 * histogram encoded, and the slowest order of each recent second).
 * POST /metrics/stages/window starts a window, GET /metrics/stages/window reads it (the
 * same shape, only orders traced since): the benchmark's measured seconds, without the
 * cost of encoding every histogram at their start (stage_timer.ts).
 */
import type { Registry } from 'prom-client';
import type { StageTimer } from '../../engine_link/stage_timer.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';

export function addMetricsRoute(router: Router, registry: Registry, stages: StageTimer | null): void {
  if (stages !== null) {
    router.add('GET', '/metrics/stages', (_req, res) => sendJson(res, 200, stages.snapshot()));
    router.add('POST', '/metrics/stages/window', (_req, res) => sendJson(res, 200, { started_at_us: stages.startWindow() }));
    router.add('GET', '/metrics/stages/window', (_req, res) => sendJson(res, 200, stages.windowSnapshot()));
  }
  router.add('GET', '/metrics', (_req, res) => {
    registry.metrics().then(
      (text) => res.send(200, text, undefined, registry.contentType),
      (error: Error) => sendRefusal(res, RejectCode.INTERNAL_ERROR, `metrics failed: ${error.message}`),
    );
  });
}
