/**
 * The open WebSocket sessions: all of them (for heartbeats and shutdown), and the
 * logged-on ones by account (every durable event of an account goes to each of its
 * sessions as an ExecutionReport).
 */
import { WsSession } from './ws_session.js';

export class WsSessionRegistry {
  private readonly all_sessions = new Set<WsSession>();
  private readonly sessions_by_account = new Map<number, Set<WsSession>>();

  get size(): number {
    return this.all_sessions.size;
  }

  /** Every open session, logged on or not. Ending a session removes it: iterate a copy to end them all. */
  get all(): ReadonlySet<WsSession> {
    return this.all_sessions;
  }

  /** The logged-on sessions of an account; undefined or empty when there are none. */
  ofAccount(account: number): ReadonlySet<WsSession> | undefined {
    return this.sessions_by_account.get(account);
  }

  /** A session whose WebSocket opened. */
  opened(session: WsSession): void {
    this.all_sessions.add(session);
  }

  /** A session that logged on: it now receives its account's reports. */
  loggedOn(session: WsSession): void {
    let sessions = this.sessions_by_account.get(session.account);
    if (sessions === undefined) {
      sessions = new Set();
      this.sessions_by_account.set(session.account, sessions);
    }
    sessions.add(session);
  }

  /** A session whose WebSocket closed. */
  closed(session: WsSession): void {
    this.all_sessions.delete(session);
    if (session.loggedOn) this.sessions_by_account.get(session.account)?.delete(session);
  }
}
