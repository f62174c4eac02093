/**
 * Entry point of the engine worker thread: builds the engine from the shared buffers in
 * workerData, then runs the hot loop until the main thread sets the engine's stop flag
 * in the health block (and rings the engine's doorbell).
 *
 * With `profile_gc: true` in workerData (the benchmark sets it), every garbage collection
 * of the run is recorded with its time and posted to the parent when the loop ends, so a
 * latency result can say whether the engine collected garbage while it was measured.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runAgent } from '../../engine/agent/agent.js';
import { createEngine, EngineInit } from '../../engine/engine_factory.js';
import { warmUpEngine, WarmUpResult } from '../../engine/warm_up.js';
import { EngineState } from '../../engine/state/engine_state.js';
import { StateHashMarkers } from '../../engine/state/state_hash_markers.js';
import { replayJournal } from '../../services/journal/replay.js';
import { ColumnarFile } from '../../services/snapshot/columnar_file.js';
import { readEngineState } from '../../services/snapshot/engine_state_codec.js';
import { checkRecoveryPlan, RecoveryPlan } from '../../services/snapshot/recovery_plan.js';
import { GcRecorder } from '../../engine/telemetry/gc_recorder.js';
import { EngineCounter } from '../../engine/telemetry/engine_counters.js';
import { WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';
import { exitAfter } from '../../services/runtime/test_fault.js';

export interface EngineWorkerData extends EngineInit {
  /**
   * Rebuild state from the process's recovery plan (its snapshot, then its journal range)
   * before running. Absent or null: start empty (the benchmark, tests, an empty journal).
   */
  readonly recovery?: { readonly plan: RecoveryPlan; readonly journal_dir: string } | null;
  readonly profile_gc?: boolean;
  /**
   * A test fault (OMS_FAULT_ENGINE_EXIT_AFTER_COMMANDS): exit abruptly, with
   * FAULT_EXIT_CODE (services/runtime/test_fault.ts), once this many commands were
   * handled. Absent or 0: never.
   */
  readonly fault_exit_after_commands?: number;
}

/** Posted to the main thread once the start-up warm-up (engine/warm_up.ts) is done. */
export interface EngineWarmUpMessage extends WarmUpResult {
  readonly type: 'engine_warm_up';
}

const init = workerData as EngineWorkerData;
const capacity = {
  accounts: init.accounts,
  symbols: init.notional_scale.length,
  max_open_orders: init.config.max_open_orders,
  dedupe_window: init.config.dedupe_window,
};
// Recovery: the main thread validated the journal (and cut a torn tail) and chose the
// snapshot; the engine rebuilds its own state from that plan before it runs.
const recovery = init.recovery ?? null;
if (recovery !== null) checkRecoveryPlan(recovery.plan);
const snapshot = recovery?.plan.snapshot ?? null;
const state = snapshot !== null
  ? readEngineState(new ColumnarFile(snapshot.path), capacity, init.notional_scale)
  : new EngineState(capacity, init.notional_scale);
// Every STATE_HASH marker replayed must hash the same as when the engine emitted it.
const markers = new StateHashMarkers();
if (recovery !== null) {
  replayJournal(recovery.journal_dir, recovery.plan.from_seq, recovery.plan.to_seq, (views, base) => {
    markers.check(state, views, base);
    state.apply(views, base);
  });
}
markers.publish(new Float64Array(init.counters));
// Compile the hot loop on a throwaway engine before the real one takes its first order,
// and tell the main thread what it cost and whether every order was taken (it logs both).
if (init.config.warmup_orders > 0) {
  const warm_up: EngineWarmUpMessage = {
    type: 'engine_warm_up', ...warmUpEngine(init.config, init.accounts, init.notional_scale, init.config.warmup_orders),
  };
  parentPort?.postMessage(warm_up);
}
const engine = createEngine(init, undefined, state);
const reporter = engine.health?.reporter(WorkerId.ENGINE) ?? null;
reporter?.setState(WorkerState.STARTING);
const gc = init.profile_gc === true ? new GcRecorder().start() : null;
try {
  const counters = new Float64Array(init.counters);
  runAgent(engine.agent, engine.idle, exitAfter(init.fault_exit_after_commands ?? 0, () => counters[EngineCounter.COMMANDS],
    () => reporter !== null && reporter.stopRequested()));
} finally {
  if (gc !== null) parentPort?.postMessage({ type: 'gc_records', records: await gc.stop() });
}

