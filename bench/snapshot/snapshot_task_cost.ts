/**
 * What one snapshot task costs in CPU, on a real journal: the figures behind
 * "Snapshot cost at saturation" in bench/README.md.
 *
 *   node dist/bench/snapshot/snapshot_task_cost.js <data dir> [interval events] [snapshots]
 *
 * <data dir> holds a journal that starts at sequence 1 and has at least interval ×
 * snapshots events, recorded by the OMS on its demo configuration with
 * OMS_SNAPSHOT_INTERVAL_EVENTS=0 (no snapshot retires a segment), for instance under
 * `dist/bench/cli.js --scenario ws-binary --saturate --target-url ...`. The journal is
 * copied to a temporary directory; the task then takes `snapshots` snapshots in a row on
 * this thread (the first from empty, each next one from the one before, as the pool's
 * thread does), `interval` events apart, and prints the thread's CPU for each. The later
 * ones are the steady state once the read model and the idempotency window are full.
 * The hash each snapshot must match is taken from one replay beforehand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineState } from '../../engine/state/engine_state.js';
import { stateHash } from '../../engine/state/state_hash.js';
import { loadOmsConfig } from '../../io/config/oms_config.js';
import { loadReferenceTables } from '../../io/process/reference_tables.js';
import { replayJournal } from '../../services/journal/replay.js';
import type { SnapshotRef } from '../../services/snapshot/snapshot_files.js';
import takeSnapshot from '../../services/snapshot/snapshot_task.js';

const [source, interval_text, count_text] = process.argv.slice(2);
if (source === undefined) {
  console.error('usage: snapshot_task_cost.js <data dir> [interval events] [snapshots]');
  process.exit(2);
}
const interval = Number(interval_text ?? 1_000_000);
const count = Number(count_text ?? 4);

/** CPU time of the calling thread, ms (Linux: /proc/thread-self/schedstat). */
function threadCpuMs(): number {
  return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
}

const config = loadOmsConfig({ OMS_DATA_DIR: path.join(os.tmpdir(), 'snapshot-task-cost-config') });
const tables = loadReferenceTables(config);
const capacity = {
  accounts: tables.accounts.count,
  symbols: tables.instruments.count,
  max_open_orders: config.engine.max_open_orders,
  dedupe_window: config.engine.dedupe_window,
};
const notional_scale = tables.instruments.instruments.map((i) => i.notional_scale);

const data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-task-cost-'));
try {
  fs.cpSync(path.join(source, 'journal'), path.join(data_dir, 'journal'), { recursive: true });
  const targets = Array.from({ length: count }, (_, i) => (i + 1) * interval);
  const hashes: number[] = [];
  const replayed = new EngineState(capacity, notional_scale);
  let from = 1;
  for (const target of targets) {
    replayJournal(path.join(data_dir, 'journal'), from, target - 1, (v, b) => replayed.apply(v, b));
    hashes.push(stateHash(replayed));
    from = target;
  }

  let base: SnapshotRef | null = null;
  for (const [i, target_seq] of targets.entries()) {
    const cpu_ms = threadCpuMs();
    const wall_ms = performance.now();
    const result = takeSnapshot({
      data_dir, capacity, notional_scale, order_history: config.order_history, base, target_seq, expected_hash: hashes[i],
      sink_cursor_files: [], keep_snapshots: 2, session_end_utc_minutes: config.session_end_utc_minutes,
    });
    const used_ms = threadCpuMs() - cpu_ms;
    console.log(`snapshot ${i + 1} at ${target_seq}: ${Math.round(used_ms)} ms of thread CPU (${(used_ms * 1000 / interval).toFixed(2)} us per event), `
      + `${Math.round(performance.now() - wall_ms)} ms wall, ${result.bytes} bytes, ${result.orders_kept} orders, base from ${result.base_from}`);
    base = { path: result.file, seq: result.seq };
  }
} finally {
  fs.rmSync(data_dir, { recursive: true, force: true });
}
