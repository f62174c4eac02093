/**
 * Start-up step 11: fail-stop for the order path. The engine and the journal are not
 * restarted in place (their state is the journal's, and only recovery rebuilds it), so
 * when either exits without being asked to, or the read model cannot apply a durable
 * event, the OMS stops taking orders at once: the link answers every request in flight
 * and every new one NOT_READY (engine_link.ts failStop), /health/live and /health/ready
 * answer 503 with the reason (health_routes.ts), the reason is logged at fatal, and the
 * process exits non-zero after OMS_FAIL_STOP_EXIT_MS so that its supervisor restarts it
 * and recovery takes over. The delay only lets the NOT_READY answers and the health
 * probes that are already on their way go out; nothing else is waited for.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import type { EngineLink } from '../engine_link/engine_link.js';

/** The process's exit code after a fail-stop (EX_SOFTWARE): not 0, and not a signal's 128 + n. */
export const FAIL_STOP_EXIT_CODE = 70;

export interface FailStopWiring {
  readonly engine: Worker;
  readonly journal: Worker;
  readonly health: WorkerHealthBlock;
  readonly link: EngineLink;
  readonly log: Logger;
  readonly exit_after_ms: number;
}

export function failStopOnOrderPathDeath(w: FailStopWiring): void {
  const { health, link, log } = w;
  link.onFailStop((reason) => {
    log.fatal({ reason, exit_after_ms: w.exit_after_ms },
      'the order path is down: refusing orders and exiting, so the supervisor restarts the OMS and recovery takes over');
    setTimeout(() => process.exit(FAIL_STOP_EXIT_CODE), w.exit_after_ms);
  });
  watch(w.engine, WorkerId.ENGINE, 'engine');
  watch(w.journal, WorkerId.JOURNAL, 'journal');

  function watch(worker: Worker, id: number, name: string): void {
    // It may have died between its start and now (start-up steps 6 to 10).
    if (health.state(id) === WorkerState.FAILED) link.failStop(`the ${name} worker exited during start-up`);
    worker.on('exit', (code) => {
      // An exit shutdown asked for (stopWorker sets the stop flag first) is not a failure.
      if (health.reporter(id).stopRequested()) return;
      link.failStop(`the ${name} worker exited unexpectedly with code ${code}`);
    });
  }
}
