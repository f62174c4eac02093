/**
 * Cancel-on-disconnect (PROTOCOL.md §11): when a session that turned it on ends, however
 * it ends, its open DAY orders are canceled with one mass-cancel command carrying the
 * session's tag. The same holds for sessions that ended with the previous run of the
 * OMS (a crash included): their orders come back from the journal still carrying the
 * tag, and are canceled at start-up.
 */
import type { Logger } from 'pino';
import { TimeInForce } from '../../engine/protocol/enums.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import type { EngineLink } from '../engine_link/engine_link.js';
import { IoContext } from '../io_context.js';
import { CANCEL_ON_DISCONNECT_TAG } from './ws_session.js';

const DAY_MASK = 1 << TimeInForce.DAY;
/** How soon a mass cancel the engine was too busy to take is offered again. */
const RETRY_DELAY_MS = 10;

export class CancelOnDisconnect {
  /** Mass cancels the engine was too busy to take yet: retried until taken. */
  private readonly pending: { account: number; session: number }[] = [];

  constructor(private readonly link: EngineLink, private readonly log: Logger) {}

  /** Mass cancels still waiting for room on the engine ring. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Cancels the open DAY orders tagged `session_tag`; if the engine is busy, keeps retrying until it takes the command. */
  cancel(account: number, session_tag: number): void {
    const submitted = this.link.submit(
      (w, id) => w.massCancel(id, account, session_tag, DAY_MASK),
      (reply) => {
        if (reply.code !== RejectCode.OK) this.log.error({ account, session_id: session_tag, code: reply.code }, 'cancel-on-disconnect failed');
      },
    );
    if (submitted === 'busy') {
      this.pending.push({ account, session: session_tag });
      setTimeout(() => this.retry(), RETRY_DELAY_MS).unref();
    }
  }

  /** At start-up: cancels what the previous run's cancel-on-disconnect sessions left open. */
  cancelOrphans(ctx: IoContext): void {
    const orphans = orphanedCancelOnDisconnectSessions(ctx);
    if (orphans.length === 0) return;
    this.log.warn({ sessions: orphans.length }, 'canceling the open DAY orders of cancel-on-disconnect sessions that ended when the OMS last stopped');
    for (const orphan of orphans) this.cancel(orphan.account, orphan.tag);
  }

  private retry(): void {
    const pending = this.pending.splice(0);
    for (const { account, session } of pending) this.cancel(account, session);
  }
}

/**
 * Sessions that had cancel-on-disconnect on when the OMS last stopped (crash or not) are
 * gone: their open DAY orders are canceled now, as their disconnect would have done.
 * Returns the (account, session tag) pairs to cancel.
 */
export function orphanedCancelOnDisconnectSessions(ctx: IoContext): { account: number; tag: number }[] {
  const found = new Map<string, { account: number; tag: number }>();
  for (let account = 0; account < ctx.accounts.count; account++) {
    for (const order_id of ctx.store.activeOrders(account)) {
      const order = ctx.store.get(order_id);
      if (order === undefined || order.time_in_force !== TimeInForce.DAY) continue;
      if ((order.session_id & CANCEL_ON_DISCONNECT_TAG) === 0) continue;
      found.set(`${account}:${order.session_id}`, { account, tag: order.session_id });
    }
  }
  return [...found.values()];
}

/**
 * Orders carry the id of the session that placed them, and the journal keeps it: after a
 * restart, open orders of the previous run's sessions are back in the engine with their
 * old ids. Cancel-on-disconnect cancels by session id, so a new session must not reuse
 * one of those ids, or its disconnect would cancel another session's orders. Ids start
 * above the highest one any open order carries (0, the HTTP API's, is never handed out).
 */
export function firstFreeSessionId(ctx: IoContext): number {
  let highest = 0;
  for (let account = 0; account < ctx.accounts.count; account++) {
    for (const order_id of ctx.store.activeOrders(account)) {
      const session_id = ((ctx.store.get(order_id)?.session_id ?? 0) & ~CANCEL_ON_DISCONNECT_TAG) >>> 0;
      if (session_id > highest) highest = session_id;
    }
  }
  return highest + 1;
}
