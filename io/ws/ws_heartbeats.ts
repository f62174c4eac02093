/**
 * Heartbeats (PROTOCOL.md §10): a logged-on session the server has sent nothing to for
 * one interval gets a ServerHeartbeat, and a peer the server has heard nothing from for
 * three intervals is closed with 1008 "heartbeat timeout". The check runs four times per
 * interval (at most every 100 ms), so a heartbeat is late by a quarter interval at most.
 */
import { CloseReason, WsCloseCode } from '../binary/index.js';
import { WsOutbound } from './ws_outbound.js';
import { WsSessionRegistry } from './ws_session_registry.js';

const CHECKS_PER_INTERVAL = 4;
const CHECK_PERIOD_MS_MIN = 100;
const SILENT_INTERVALS_MAX = 3;

export class WsHeartbeats {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly interval_ms: number,
    private readonly sessions: WsSessionRegistry,
    private readonly outbound: WsOutbound,
  ) {}

  /** Starts the check on a timer that does not keep the process alive. */
  start(): void {
    this.timer = setInterval(() => this.check(), Math.max(CHECK_PERIOD_MS_MIN, Math.floor(this.interval_ms / CHECKS_PER_INTERVAL)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private check(): void {
    const now = Date.now();
    const interval = this.interval_ms;
    for (const session of this.sessions.all) {
      if (session.closing || session.ws === null) continue;
      if (now - session.last_received_ms > SILENT_INTERVALS_MAX * interval) {
        this.outbound.end(session, WsCloseCode.POLICY, CloseReason.HEARTBEAT_TIMEOUT);
        continue;
      }
      if (session.loggedOn && now - session.last_sent_ms >= interval) this.outbound.heartbeat(session);
    }
  }
}
