/**
 * Start-up step 8b: when recovery did not reproduce the engine's state.
 *
 * The journal carries STATE_HASH markers, each the hash the live engine computed of its
 * whole state at that point; recovery replays through them and counts the ones whose hash
 * it did not reproduce (engine/state/state_hash_markers.ts). A mismatch means the state
 * rebuilt from the journal is not the one the engine had: positions, open orders or
 * limits may be wrong, so checking new risk against it is not safe. Refusing to start
 * would not bring the right state back either, and would leave the desk unable to cancel.
 *
 * So, by default (OMS_RECOVERY_HASH_MISMATCH=halt), the OMS starts with the global
 * trading state HALTED, journaled like an operator's: cancels are still taken, new orders
 * and replaces are refused TRADING_HALTED; the log says why at error, GET
 * /admin/state-hash shows the first diverging marker, and an operator who has checked
 * the state resumes with POST /admin/trading-state {"state":"ACTIVE"}. With
 * OMS_RECOVERY_HASH_MISMATCH=trade it only logs.
 */
import type { Logger } from 'pino';
import { TradingState } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { EngineCounter } from '../../engine/telemetry/engine_counters.js';
import type { OmsConfig } from '../config/oms_config.js';
import type { EngineLink } from '../engine_link/engine_link.js';

export type RecoveryMismatchPolicy = 'halt' | 'trade';

export async function haltIfRecoveryDiverged(
  config: Pick<OmsConfig, 'recovery_hash_mismatch'>, engine_counters: Float64Array, link: EngineLink, log: Logger,
): Promise<boolean> {
  const mismatched = engine_counters[EngineCounter.RECOVERY_MARKERS_MISMATCHED];
  if (!(mismatched > 0) || config.recovery_hash_mismatch === 'trade') return false;
  const first_mismatch_seq = engine_counters[EngineCounter.RECOVERY_FIRST_MISMATCH_SEQ];
  const code = await new Promise<number>((resolve) => {
    const submitted = link.submit((w, id) => w.tradingState(id, -1, TradingState.HALTED), (reply) => resolve(reply.code));
    if (submitted !== 'ok') resolve(RejectCode.ENGINE_BUSY);
  });
  if (code !== RejectCode.OK) throw new Error(`recovery diverged from the engine's state (first at sequence ${first_mismatch_seq}) and trading could not be halted (code ${code})`);
  log.error({ markers_mismatched: mismatched, first_mismatch_seq },
    'recovery did not reproduce the engine\'s state: trading is HALTED (cancels only) until an operator checks it and sets '
    + 'POST /admin/trading-state {"state":"ACTIVE"}; GET /admin/state-hash shows where it diverged (OMS_RECOVERY_HASH_MISMATCH=trade: only log)');
  return true;
}
