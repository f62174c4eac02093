/**
 * The engine scenario's baseline (the Disruptor's "plain queue beside every performance
 * test"): a worker that stands where the engine stands, on the same rings, doorbells and
 * idle strategy, and answers every command with an OK reply at once, doing no risk, no
 * state and no events. The engine's latency divided by this one is the cost of the
 * engine's own work; this one alone is the cost of the thread handoff on this machine.
 *
 * Like the engine's loop, it reads no clock per batch (the engine takes its time from the
 * commands' stamps): a clock read allocates in Node 20, and a baseline that collected
 * garbage the engine does not would flatter the engine's ratio.
 *
 * Takes the same workerData as the engine worker (EngineInit plus profile_gc) and stops
 * the same way (the engine's stop flag in the health block).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Agent, runAgent } from '../../engine/agent/agent.js';
import { EngineInit } from '../../engine/engine_factory.js';
import { CMD_REQUEST_ID, CMD_TYPE } from '../../engine/protocol/command_layout.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { RP_CODE, RP_COMMAND_TYPE, RP_REQUEST_ID, REPLY_SLOT_BYTES } from '../../engine/protocol/reply_layout.js';
import { Doorbell } from '../../engine/ring/doorbell.js';
import { SpinThenParkIdleStrategy } from '../../engine/ring/idle_strategy.js';
import { RingConsumer, RingProducer, SharedRing } from '../../engine/ring/ring.js';
import { GcRecorder } from '../../engine/telemetry/gc_recorder.js';
import { WorkerHealthBlock } from '../../engine/telemetry/worker_health.js';
import { WorkerId, WorkerState } from '../../engine/telemetry/worker_health_layout.js';

/** Same batch bound as the engine (engine_agent COMMAND_BATCH_MAX). */
const BATCH_MAX = 256;

class RingEchoAgent implements Agent {
  readonly roleName = 'ring-echo';

  constructor(private readonly commands: RingConsumer, private readonly replies: RingProducer) {}

  onStart(): void {}

  doWork(): number {
    const available = this.commands.available();
    if (available === 0) return 0;
    const batch = available < BATCH_MAX ? available : BATCH_MAX;
    if (!this.replies.hasCapacity(batch)) return 0;
    const cmd = this.commands.ring;
    const rp = this.replies.ring;
    for (let k = 0; k < batch; k++) {
      const off = this.commands.slotAt(k);
      const r = this.replies.claim();
      rp.f64.fill(0, r >> 3, (r + REPLY_SLOT_BYTES) >> 3);
      rp.u32[(r + RP_REQUEST_ID) >> 2] = cmd.u32[(off + CMD_REQUEST_ID) >> 2];
      rp.u8[r + RP_COMMAND_TYPE] = cmd.u8[off + CMD_TYPE];
      rp.u16[(r + RP_CODE) >> 1] = RejectCode.OK;
    }
    this.commands.release(batch);
    this.replies.publish();
    return batch;
  }

  hasWork(): boolean {
    return this.commands.available() > 0;
  }

  msUntilDeadline(): number {
    return 50;
  }

  onClose(): void {
    this.replies.publish();
  }
}

const init = workerData as EngineInit & { readonly profile_gc?: boolean };
const health = new WorkerHealthBlock(init.health!);
const reporter = health.reporter(WorkerId.ENGINE);
const agent = new RingEchoAgent(
  new RingConsumer(new SharedRing(init.commands), 0),
  new RingProducer(new SharedRing(init.replies), init.reply_wake.map((b) => new Doorbell(b))),
);
const idle = new SpinThenParkIdleStrategy(new Doorbell(init.own_doorbell), init.config.spin_limit, init.config.park_timeout_ms);
const gc = init.profile_gc === true ? new GcRecorder().start() : null;
reporter.setState(WorkerState.STARTING); // records its thread id, so its CPU can be read by thread
reporter.setState(WorkerState.RUNNING);
try {
  runAgent(agent, idle, () => reporter.stopRequested());
} finally {
  reporter.setState(WorkerState.STOPPED);
  if (gc !== null) parentPort?.postMessage({ type: 'gc_records', records: await gc.stop() });
}
