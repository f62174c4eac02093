/**
 * What the client does with each way a session can end (io/client/close_policy.ts,
 * PROTOCOL.md §12 and §16): one row per close code and reason, the action and the error.
 */
import t from 'tap';
import { closeVerdict, SessionEnd } from '../../../io/client/close_policy.js';
import { ConnectionLost, LogonRefused, ProtocolError } from '../../../io/client/client_errors.js';
import { RejectCode } from '../../../io/client/index.js';

const end = (code: number, reason = '', more: Partial<SessionEnd> = {}): SessionEnd => ({
  code, reason, logon_refusal: null, logout_sent: false, local_error: null, ...more,
});

t.test('each close code leads to a reconnect or a stop with a typed error', async (t) => {
  const rows: [SessionEnd, boolean, (new (...args: never[]) => Error) | null][] = [
    [end(1000, 'logout', { logout_sent: true }), false, null],
    [end(1000, ''), true, ConnectionLost],
    [end(1001, 'the server is shutting down'), true, ConnectionLost],
    [end(1002, 'sequence gap'), false, ProtocolError],
    [end(1003, 'binary frames only'), false, ProtocolError],
    [end(1008, 'heartbeat timeout'), true, ConnectionLost],
    [end(1008, 'slow consumer: 1048576 bytes waiting'), true, ConnectionLost],
    [end(1008, 'not logged on'), false, ProtocolError],
    [end(1008, 'authentication failed'), false, ProtocolError],
    [end(1009, 'messages are limited to 65536 bytes'), false, ProtocolError],
    [end(1013, 'try again later'), true, ConnectionLost],
    [end(1006), true, ConnectionLost],
    [end(1011, 'internal error'), true, ConnectionLost],
  ];
  for (const [session_end, reconnect, error_class] of rows) {
    const verdict = closeVerdict(session_end);
    const what = `${session_end.code} "${session_end.reason}"`;
    t.equal(verdict.reconnect, reconnect, `${what}: ${reconnect ? 'reconnect' : 'stop'}`);
    if (error_class === null) t.equal(verdict.error, null, `${what}: no error`);
    else t.ok(verdict.error instanceof error_class, `${what}: ${error_class.name}`);
  }
});

t.test('a Reject of the Logon before the close is a LogonRefused with its code, whatever the close code', async (t) => {
  const verdict = closeVerdict(end(1008, 'authentication failed', { logon_refusal: { code: RejectCode.UNKNOWN_API_KEY, reason: 'the API key is not known' } }));
  t.equal(verdict.reconnect, false);
  t.ok(verdict.error instanceof LogonRefused);
  t.match(verdict.error, { code: RejectCode.UNKNOWN_API_KEY, code_name: 'UNKNOWN_API_KEY' });
});

t.test('an end of this side\'s own decides by its error: a silent server is worth a reconnect, garbage from it is not', async (t) => {
  const silent = closeVerdict(end(1006, '', { local_error: new ConnectionLost('heartbeat timeout', 1006, 'heartbeat timeout') }));
  t.equal(silent.reconnect, true);
  const garbage = closeVerdict(end(1006, '', { local_error: new ProtocolError(1006, 'server sequence gap') }));
  t.equal(garbage.reconnect, false);
  t.ok(garbage.error instanceof ProtocolError);
});
