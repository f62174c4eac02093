/**
 * The engine's state hash, for an operator (or the soak run) to check that a restart
 * rebuilt exactly the state the engine had:
 *  - POST /admin/state-hash: the engine hashes its whole state at this point of the
 *    command stream and journals the hash as a STATE_HASH marker event; the answer comes
 *    once the marker is durable: {sequence, state_hash}.
 *  - GET /admin/state-hash: what this process's recovery found at the markers it replayed
 *    (engine/state/state_hash_markers.ts): how many it reproduced and how many it did not,
 *    and the last one's sequence with the hash replay computed there. After a crash, a
 *    marker placed before it reads back here with the same hash, unless a snapshot taken
 *    after the marker holds it (recovery then starts beyond it).
 * Both behind the admin token.
 */
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { EngineCounter } from '../../../engine/telemetry/engine_counters.js';
import { IoContext } from '../../io_context.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';
import { requireAdmin } from './route_helpers.js';

export function addStateHashRoutes(router: Router, ctx: IoContext, engine_counters: Float64Array): void {
  router.add('POST', '/admin/state-hash', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    const submitted = ctx.link.submit(
      (writer, request_id) => writer.stateHash(request_id),
      (reply) => {
        if (reply.code !== RejectCode.OK) return sendRefusal(res, reply.code);
        sendJson(res, 200, { success: true, sequence: reply.last_seq, state_hash: reply.arg });
      },
    );
    if (submitted === 'busy') sendRefusal(res, RejectCode.ENGINE_BUSY);
  });
  router.add('GET', '/admin/state-hash', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    const c = engine_counters;
    const last_seq = c[EngineCounter.RECOVERY_LAST_MARKER_SEQ];
    const first_mismatch_seq = c[EngineCounter.RECOVERY_FIRST_MISMATCH_SEQ];
    sendJson(res, 200, {
      success: true,
      recovery: {
        markers_matched: c[EngineCounter.RECOVERY_MARKERS_MATCHED],
        markers_mismatched: c[EngineCounter.RECOVERY_MARKERS_MISMATCHED],
        last_marker: last_seq > 0 ? { sequence: last_seq, state_hash: c[EngineCounter.RECOVERY_LAST_MARKER_HASH] } : null,
        first_mismatch_sequence: first_mismatch_seq > 0 ? first_mismatch_seq : null,
      },
    });
  });
}
