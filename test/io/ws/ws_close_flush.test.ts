/**
 * Answers already due go out before any close (PROTOCOL.md §9, §12): when a message ends
 * the session (a cut-off message, a sequence gap, a text frame, a Logout), what the client
 * sent before it is still answered, in order: the reports of an order taken, the Reject of
 * a Cancel refused, then the Reject of the fatal message, then the close frame. Without
 * this a client would conclude its order was not taken while another session of the
 * account saw it fill. Against the real OMS over a real uWebSockets.js server.
 */
import t from 'tap';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { encodeClientBatch, ExecType, TemplateId } from '../../../io/binary/index.js';
import type { ClientMessageInput, ServerMessage } from '../../../io/binary/index.js';
import { wsOmsFixture } from '../../support/ws_oms_fixture.js';
import { newOrder, WsClient } from '../../support/ws_client.js';

const { oms, logon } = await wsOmsFixture();

const order = (seq: number, client_order_id: string): ClientMessageInput => ({ ...newOrder({ client_order_id }), seq } as ClientMessageInput);
const cancel = (seq: number, order_id: number): ClientMessageInput => ({ template_id: TemplateId.CANCEL, order_id, seq });

/** Index of the first message that matches, -1 if none. */
function indexOf(client: WsClient, match: (m: ServerMessage) => boolean): number {
  return client.messages.findIndex(match);
}

const isReport = (id: string, exec_type: string) => (m: ServerMessage) =>
  m.template_id === TemplateId.EXECUTION_REPORT && m.client_order_id === id && m.exec_type === exec_type;
const isReject = (ref_seq: number, code: number) => (m: ServerMessage) =>
  m.template_id === TemplateId.REJECT && m.ref_seq === ref_seq && m.code === code;

t.test('a valid NewOrder then a cut-off message in the same payload: the order\'s report, then the Reject, then 1002', async (t) => {
  const client = await logon();
  const whole = encodeClientBatch([order(1, 'flush-same'), order(2, 'flush-cut')]);
  client.sendRaw(whole.subarray(0, 112 + 40));
  const closed = await client.waitForClose();
  t.equal(closed.code, 1002);
  const report = indexOf(client, isReport('flush-same', ExecType.NEW));
  const reject = indexOf(client, isReject(2, RejectCode.MALFORMED_BODY));
  t.ok(report > 0, 'the order\'s NEW report arrived');
  t.ok(reject > report, `the Reject (message ${reject}) came after the report (message ${report})`);
  t.equal(reject, client.messages.length - 1, 'the Reject is the last message before the close');
});

t.test('a valid NewOrder then a cut-off message in the next payload: the report still comes before the close', async (t) => {
  const client = await logon();
  client.send(newOrder({ client_order_id: 'flush-later' }));
  client.sendRaw(new Uint8Array([112, 0, 2, 0, 1, 0]));
  t.equal((await client.waitForClose()).code, 1002);
  const report = indexOf(client, isReport('flush-later', ExecType.NEW));
  const reject = indexOf(client, isReject(0, RejectCode.MALFORMED_BODY));
  t.ok(report > 0, 'the order\'s NEW report arrived');
  t.ok(reject > report, 'then the Reject');
});

t.test('a Cancel of an unknown order then a fatal payload: its UNKNOWN_ORDER Reject comes before the fatal one', async (t) => {
  const client = await logon();
  const whole = encodeClientBatch([cancel(1, 987_654_321), order(2, 'flush-cancel-cut')]);
  client.sendRaw(whole.subarray(0, 24 + 30));
  t.equal((await client.waitForClose()).code, 1002);
  const refused = indexOf(client, isReject(1, RejectCode.UNKNOWN_ORDER));
  const fatal = indexOf(client, isReject(2, RejectCode.MALFORMED_BODY));
  t.ok(refused > 0, 'the Cancel\'s Reject arrived');
  t.ok(fatal > refused, 'then the fatal Reject');
});

t.test('a valid NewOrder then a sequence gap: the order\'s report, then the gap\'s Reject, then 1002', async (t) => {
  const client = await logon();
  client.sendRaw(encodeClientBatch([order(1, 'flush-gap'), order(5, 'flush-gap-2')]));
  t.equal((await client.waitForClose()).code, 1002);
  const report = indexOf(client, isReport('flush-gap', ExecType.NEW));
  const reject = indexOf(client, isReject(5, RejectCode.MALFORMED_BODY));
  t.ok(report > 0, 'the order\'s NEW report arrived');
  t.ok(reject > report, 'then the Reject naming the gap');
  t.equal(client.reportsFor('flush-gap-2').length, 0, 'the message after the gap was not taken');
});

t.test('a valid NewOrder then a text frame: the report comes before the 1003 close', async (t) => {
  const client = await logon();
  client.send(newOrder({ client_order_id: 'flush-text' }));
  client.ws.send('hello');
  t.equal((await client.waitForClose()).code, 1003);
  t.ok(indexOf(client, isReport('flush-text', ExecType.NEW)) > 0, 'the order\'s NEW report arrived');
});

t.test('the server is still running and logged no errors', async (t) => {
  t.equal((await oms.request('GET', '/health/live', { key: null })).status, 200);
  t.same(oms.problems(), []);
});
