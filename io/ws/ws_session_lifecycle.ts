/**
 * A WebSocket session from upgrade to close (PROTOCOL.md §2, §11): logged on at the
 * upgrade by the `x-api-key` header (`?cancel_on_disconnect=1` turns that on) or later
 * by a Logon message; ended by a Logout once its commands are answered, or closed by
 * either side, whereupon its cancel-on-disconnect is carried out.
 */
import type { HttpRequest as UwsRequest, HttpResponse, WebSocket, us_socket_context_t } from 'uWebSockets.js';
import { RejectCode, rejectInfo } from '../../engine/protocol/reject_codes.js';
import { CloseReason, LogonFeature, TemplateId, WsCloseCode } from '../binary/index.js';
import { IoContext } from '../io_context.js';
import { CancelOnDisconnect, firstFreeSessionId } from './cancel_on_disconnect.js';
import { WsOutbound } from './ws_outbound.js';
import { WsSession, WsUserData } from './ws_session.js';
import { WsSessionRegistry } from './ws_session_registry.js';

export class WsSessionLifecycle {
  /** See firstFreeSessionId: never an id that an open order recovered from the journal carries. */
  private next_session_id: number;
  /** Counter for metrics. */
  sessions_opened = 0;

  constructor(
    private readonly ctx: IoContext,
    private readonly heartbeat_interval_ms: number,
    private readonly sessions: WsSessionRegistry,
    private readonly outbound: WsOutbound,
    private readonly cancel_on_disconnect: CancelOnDisconnect,
  ) {
    this.next_session_id = firstFreeSessionId(ctx);
  }

  /**
   * The HTTP upgrade: a bad `x-api-key` is refused with 401 and the reject catalogue's JSON
   * error, and no session starts while the OMS is shutting down (503).
   */
  upgrade(res: HttpResponse, req: UwsRequest, context: us_socket_context_t): void {
    const key = req.getHeader('x-api-key');
    const query = new URLSearchParams(req.getQuery() ?? '');
    const session = new WsSession(this.next_session_id++);
    if (key !== '') {
      const auth = this.ctx.auth.account(key);
      if (!auth.ok) {
        const info = rejectInfo(auth.code);
        res.writeStatus('401 Unauthorized').writeHeader('content-type', 'application/json')
          .end(JSON.stringify({ success: false, code: info.name, reject_code: info.code, reason: info.reason }));
        return;
      }
      session.account = auth.account;
      session.cancel_on_disconnect = query.get('cancel_on_disconnect') === '1';
      session.report_flags = query.get('report_flags') === '1';
    }
    if (!this.ctx.accepting()) {
      res.writeStatus('503 Service Unavailable').writeHeader('retry-after', '1').end();
      return;
    }
    res.upgrade<WsUserData>({ session }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'),
      req.getHeader('sec-websocket-extensions'), context);
  }

  open(ws: WebSocket<WsUserData>): void {
    const session = ws.getUserData().session;
    session.ws = ws;
    this.sessions.opened(session);
    this.sessions_opened++;
    if (session.loggedOn) {
      this.loggedOn(session);
      this.outbound.flush(session);
    }
  }

  logon(session: WsSession, seq: number, api_key: string, cancel_on_disconnect: boolean, features = 0): void {
    if (session.loggedOn) {
      this.outbound.reject(session, seq, RejectCode.ALREADY_LOGGED_ON, 'this session is already logged on', TemplateId.LOGON);
      return;
    }
    const auth = this.ctx.auth.account(api_key);
    if (!auth.ok) {
      this.outbound.endAfterAnswers(session, WsCloseCode.POLICY, CloseReason.AUTHENTICATION_FAILED,
        { ref_seq: seq, code: auth.code, reason: rejectInfo(auth.code).reason, ref_template_id: TemplateId.LOGON });
      return;
    }
    session.account = auth.account;
    session.cancel_on_disconnect = cancel_on_disconnect;
    session.report_flags = (features & LogonFeature.REPORT_FLAGS) !== 0;
    this.loggedOn(session);
  }

  /**
   * Logout: nothing more is read; the answers to what the session already sent (reports,
   * rejects) still go out, then the close (1000), as PROTOCOL.md §2 says. WsOrderEntry
   * closes the session when the last of them is answered.
   */
  logout(session: WsSession): void {
    this.outbound.endAfterAnswers(session, WsCloseCode.NORMAL, 'logout');
  }

  closed(session: WsSession): void {
    session.closed = true;
    session.ws = null;
    this.sessions.closed(session);
    if (session.loggedOn && session.cancel_on_disconnect) this.cancel_on_disconnect.cancel(session.account, session.orderTag);
  }

  /** Logged on, by header or by Logon: the account's reports start, and the LogonAck is queued. */
  private loggedOn(session: WsSession): void {
    this.sessions.loggedOn(session);
    this.outbound.logonAck(session, this.heartbeat_interval_ms, this.ctx.accounts.nameOf(session.account));
  }
}
