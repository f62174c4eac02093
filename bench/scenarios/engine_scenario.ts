/**
 * `engine`: the engine worker alone, driven open loop through its rings from another
 * thread. Topology, in one process: the engine worker (dist/io/process/engine_worker.js, its
 * hot loop on its own thread), a load-generator worker thread playing the io thread
 * (writes commands at their scheduled times, reads replies, releases the event ring for
 * all three consumer positions), and the main thread, which only sets up and waits.
 *
 * Latency: intended send time -> the generator sees the order's reply (published right
 * after its events). The engine worker records every collection with its time; the
 * result has those of the measured window (engine_gc) and those before it, start-up and
 * warm-up (engine_gc_before_measuring), apart.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ENGINE_COUNTER_NAMES } from '../../engine/telemetry/engine_counters.js';
import type { GcRecord } from '../../engine/telemetry/gc_recorder.js';
import { GcStats, mergeLoadResults, LoadResult, MergedLoad } from '../harness/load_result.js';
import { RunSpec } from '../harness/run_spec.js';
import { EngineLoadConfig } from '../load/engine_load.js';
import { GeneratorProgress } from '../load/generator_process.js';
import { EngineSideWorker, prepareEngineFixture } from './engine_fixture.js';
import { DEFAULT_LOAD, Scenario, ScenarioName, ScenarioUnavailableError, Topology } from './scenario.js';

const ENGINE_WORKER = new URL('../../io/process/engine_worker.js', import.meta.url);
const RING_ECHO_WORKER = new URL('../servers/ring_echo_worker.js', import.meta.url);
const LOAD_WORKER = new URL('../load/engine_load_worker.js', import.meta.url);
/** Time for the generator thread to load before the common start. */
const START_DELAY_MS = 300;

export class EngineScenario implements Scenario {
  readonly baseline: ScenarioName | null;
  readonly durable_baseline = null;
  readonly load_defaults = DEFAULT_LOAD;
  readonly topology: Topology;

  /** `ring-echo` runs the same harness with the ring-echo baseline worker in the engine's place. */
  constructor(readonly name: 'engine' | 'ring-echo') {
    this.baseline = name === 'engine' ? 'ring-echo' : null;
    this.topology = {
      generator: 'worker thread in the bench process (plays the io thread: command ring producer, reply/event ring consumer)',
      server: name === 'engine'
        ? 'engine worker thread (dist/io/process/engine_worker.js) in the bench process'
        : 'ring-echo worker thread in the bench process (answers every command at once, no engine work)',
      path: name === 'engine'
        ? 'command ring -> engine hot loop (dedupe, risk, venue) -> events + reply ring -> generator (shared memory, doorbells)'
        : 'command ring -> ring-echo (reply at once) -> reply ring -> generator (shared memory, doorbells)',
    };
  }

  async start(): Promise<void> {
    const entry = this.name === 'engine' ? ENGINE_WORKER : RING_ECHO_WORKER;
    if (!existsSync(fileURLToPath(entry))) {
      throw new ScenarioUnavailableError(this.name, `${fileURLToPath(entry)} is not built (run npm run build)`);
    }
  }

  async run(spec: RunSpec, on_progress: (p: GeneratorProgress) => void): Promise<MergedLoad> {
    const fixture = prepareEngineFixture(`e${spec.id_tag}-`);
    const side = await EngineSideWorker.start(this.name === 'engine' ? ENGINE_WORKER : RING_ECHO_WORKER, fixture.init, fixture.buffers);
    const config: EngineLoadConfig = {
      commands: fixture.buffers.commands,
      events: fixture.buffers.events,
      replies: fixture.buffers.replies,
      engine_doorbell: fixture.buffers.engine_doorbell,
      own_doorbell: fixture.buffers.io_doorbell,
      plan: fixture.plan,
      mode: spec.mode,
      rate_per_s: spec.rate_per_s,
      window: spec.window,
      warmup_s: spec.warmup_s,
      duration_s: spec.duration_s,
      drain_timeout_ms: spec.drain_timeout_ms,
      progress_interval_ms: spec.progress_interval_ms,
      start_at_epoch_ms: performance.timeOrigin + performance.now() + START_DELAY_MS,
    };
    let result: LoadResult;
    let collections: GcRecord[] | null = null;
    try {
      result = await runLoadWorker(config, on_progress, () => side.error);
    } finally {
      collections = await side.stop();
    }
    // Read after the worker stopped, so the counters are final.
    const engine_counters = readCounters(fixture.buffers.engine_counters);
    // The window the latencies come from: the first measured order to the last answer.
    // Collections after it (the worker stopping) touch no measured order.
    const measured_from_ms = config.start_at_epoch_ms + spec.warmup_s * 1000;
    const measured_to_ms = measured_from_ms + result.window_ms;
    const gc = collections === null ? null : {
      engine_gc: gcStats(collections.filter((c) => c.at_epoch_ms >= measured_from_ms && c.at_epoch_ms <= measured_to_ms)),
      engine_gc_before_measuring: gcStats(collections.filter((c) => c.at_epoch_ms < measured_from_ms)),
    };
    return mergeLoadResults([{ ...result, extra: { ...result.extra, ...gc, engine_counters } }]);
  }

  async stop(): Promise<void> {}
}

function runLoadWorker(config: EngineLoadConfig, on_progress: (p: GeneratorProgress) => void, engine_error: () => Error | null): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // A large young generation, as the network generators get (GENERATOR_EXEC_ARGV): the
    // pacing loop reads the clock, every read allocates in Node 20, and the generator's own
    // scavenges would otherwise land in the latencies it measures.
    const worker = new Worker(LOAD_WORKER, { workerData: config, resourceLimits: { maxYoungGenerationSizeMb: 192 } });
    let settled = false;
    const watchdog = setInterval(() => {
      const error = engine_error();
      if (error !== null && !settled) {
        settled = true;
        void worker.terminate();
        reject(new Error(`engine worker failed during the run: ${error.message}`));
      }
    }, 100);
    worker.on('message', (message: { type: string; progress?: GeneratorProgress; result?: LoadResult }) => {
      if (message.type === 'progress' && message.progress !== undefined) on_progress(message.progress);
      if (message.type === 'result' && !settled) {
        settled = true;
        clearInterval(watchdog);
        resolve(message.result!);
      }
    });
    worker.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      reject(new Error(`engine load generator failed: ${error.message}`));
    });
    worker.on('exit', () => {
      clearInterval(watchdog);
      if (!settled) {
        settled = true;
        reject(new Error('engine load generator exited without a result'));
      }
    });
  });
}

function readCounters(buffer: SharedArrayBuffer): Record<string, number> {
  const counters = new Float64Array(buffer);
  const named: Record<string, number> = {};
  // The state hash and what recovery found at start are not figures of a run.
  ENGINE_COUNTER_NAMES.forEach((name, k) => { if (name !== 'state_hash' && !name.startsWith('recovery_')) named[name] = counters[k]; });
  return named;
}

function gcStats(collections: readonly GcRecord[]): GcStats {
  let total_pause_us = 0;
  let max_pause_us = 0;
  for (const c of collections) {
    total_pause_us += c.pause_us;
    if (c.pause_us > max_pause_us) max_pause_us = c.pause_us;
  }
  return { count: collections.length, total_pause_us, max_pause_us };
}
