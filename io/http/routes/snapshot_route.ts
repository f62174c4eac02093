/** POST /admin/snapshot (admin token): take a verified snapshot now and say where it went. */
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { SnapshotBusyError, type SnapshotScheduler } from '../../../services/snapshot/snapshot_scheduler.js';
import { IoContext } from '../../io_context.js';
import { sendJson, sendRefusal } from '../json_reply.js';
import { Router } from '../router.js';
import { requireAdmin } from './route_helpers.js';

export function addSnapshotRoute(router: Router, ctx: IoContext, snapshots: SnapshotScheduler): void {
  router.add('POST', '/admin/snapshot', (req, res) => {
    if (!requireAdmin(ctx, req, res)) return;
    snapshots.snapshotNow().then(
      (result) => sendJson(res, 200, { success: true, ...result }),
      (error: Error) => error instanceof SnapshotBusyError
        ? sendRefusal(res, RejectCode.ENGINE_BUSY, error.message)
        : sendRefusal(res, RejectCode.INTERNAL_ERROR, `snapshot failed: ${error.message}`),
    );
  });
}
