/**
 * Start-up step 3: the io thread's read model (orders for GET /orders) and admin state
 * (kill switches, halts, limits version), rebuilt from the recovery plan: the plan's
 * snapshot, then the journal range after it, the same range the engine replays.
 */
import type { Logger } from 'pino';
import { replayJournal } from '../../services/journal/replay.js';
import { OrderStore } from '../../services/read_model/order_store.js';
import { readOrderStore } from '../../services/snapshot/order_store_codec.js';
import { TradingState } from '../../engine/protocol/enums.js';
import { AdminState } from '../admin/admin_state.js';
import type { OmsConfig } from '../config/oms_config.js';
import type { Recovery } from './recovery.js';

export interface ReadModel {
  readonly store: OrderStore;
  readonly admin: AdminState;
}

export function rebuildReadModel(config: OmsConfig, recovery: Recovery, log: Logger): ReadModel {
  const { plan, snapshot_file } = recovery;
  const store = new OrderStore(config.order_history);
  const admin = new AdminState();
  const replay_started = performance.now();
  if (snapshot_file !== null) {
    readOrderStore(snapshot_file, store);
    const meta = snapshot_file.meta.engine as { global_kill: number; limits_version: number; global_trading_state?: number };
    const trading_state = snapshot_file.hasColumn('engine.flags', 'trading_state') ? snapshot_file.u8('engine.flags', 'trading_state') : [];
    admin.restore(meta.global_kill !== 0, snapshot_file.u8('engine.flags', 'kill_switch'), snapshot_file.u8('engine.flags', 'halted'), meta.limits_version,
      meta.global_trading_state ?? TradingState.ACTIVE, trading_state);
  }
  replayJournal(recovery.journal_dir, plan.from_seq, plan.to_seq, (views, base) => {
    store.apply(views, base);
    admin.apply(views, base);
  });
  log.info({ last_seq: recovery.last_seq, snapshot_seq: plan.snapshot?.seq ?? null, replayed: Math.max(0, plan.to_seq - plan.from_seq + 1),
    segments: recovery.segments, ms: Math.round(performance.now() - replay_started) }, 'recovered the io read model');
  return { store, admin };
}
