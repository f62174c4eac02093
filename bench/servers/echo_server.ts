/**
 * The echo server: the physical limit of this machine for the OMS's front ends. A bare
 * uWebSockets.js app in its own process that does only what any order entry must do:
 *
 *  - POST /orders: checks that x-api-key is present, parses the order JSON, answers
 *    200 with a small JSON body (no validation, no engine, no journal);
 *  - /ws: echoes every binary WebSocket frame back as it came (the ws-echo baseline);
 *  - GET /health/ready and /health/live: 200, so it starts like the OMS.
 *
 * With ECHO_DURABILITY (fsync | write | none) and ECHO_DATA_DIR set it is the durable
 * echo: the same server plus the OMS's durability rule. The product's journal worker runs
 * in this process (echo_journal.ts); every order, and every 112-byte message of a
 * WebSocket frame, becomes an event journaled with group commit, and the answer (the
 * echoed frame) is sent only once its events are durable (durable_answers.ts). A full
 * ring is answered busy: HTTP 503 with Retry-After, or the WebSocket closed with 1013. It
 * also answers GET /health/workers with its process and the journal's thread id, so its
 * CPU can be read by thread.
 *
 * With ECHO_HOP=1 it is the hop echo: every order, and every 112-byte message of a frame,
 * becomes a command on the production command ring, and the answer is held until a worker
 * standing where the engine stands has replied to it (hop_answers.ts): the OMS's thread
 * handoff at durability none with no order logic. Its worker is named `engine` on
 * /health/workers. A full ring is answered busy, as above.
 *
 * With neither it is the plain echo, unchanged.
 *
 * Started with the OMS's contract: env OMS_HOST and OMS_PORT, ready when /health/ready
 * answers 200. Stops on SIGTERM/SIGINT (the durable echo lets its journal finish first).
 */
import { App, HttpResponse, us_listen_socket, us_listen_socket_close, WebSocket } from 'uWebSockets.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { parseDurability } from '../../services/journal/durability.js';
import { ECHO_MESSAGE_BYTES } from '../load/ws_echo_framing.js';
import { DurableAnswers } from './durable_answers.js';
import { EchoJournal } from './echo_journal.js';
import { HopAnswers } from './hop_answers.js';

const host = process.env.OMS_HOST ?? '127.0.0.1';
const port = Number(process.env.OMS_PORT ?? '0');
/** Largest order body accepted; an order is ~200 bytes. */
const MAX_BODY_BYTES = 64 * 1024;
/** uWS's DISABLED compression (the package types declare the constant as a type only). */
const COMPRESSION_DISABLED = 0;

/** What a WebSocket connection carries for its held answers: they must not touch a closed socket. */
interface WsSession {
  closed?: boolean;
}

/** Holds each answer until what it waits for is done: its events durable, or the worker's reply. */
interface AnswerGate {
  /** False, and nothing held, when the ring it writes to is full: the caller answers busy. */
  hold(records: number, answer: () => void): boolean;
}

let next_order_id = 0;
let ws_dropped = 0;
let listen_socket: us_listen_socket | null = null;

const hop_flag = process.env.ECHO_HOP ?? '';
if (!['', '0', '1'].includes(hop_flag)) throw new Error(`ECHO_HOP must be 1 (the hop echo) or 0, got ${JSON.stringify(hop_flag)}`);
const hop_mode = hop_flag === '1';
if (hop_mode && process.env.ECHO_DURABILITY !== undefined && process.env.ECHO_DURABILITY !== '') {
  throw new Error('ECHO_HOP and ECHO_DURABILITY are two different echoes: set one');
}
const journal = await startJournal(process.env);
const durable = journal === null ? null : new DurableAnswers(journal);
const hop = hop_mode ? await HopAnswers.start() : null;
const gate: AnswerGate | null = durable ?? hop;
const busy_reason = durable !== null ? 'busy: journal ring full' : 'busy: command ring full';
// Fail-stop, as the OMS does: without its journal (or engine) nothing can be answered any more.
journal?.onFailure((reason) => {
  console.error(`durable echo: ${reason}`);
  process.exit(1);
});
hop?.onFailure((reason) => {
  console.error(`hop echo: ${reason}`);
  process.exit(1);
});
durable?.start();

/** The durable echo's journal, or null for the plain echo (ECHO_DURABILITY unset). */
async function startJournal(env: NodeJS.ProcessEnv): Promise<EchoJournal | null> {
  if (env.ECHO_DURABILITY === undefined || env.ECHO_DURABILITY === '') return null;
  if (env.ECHO_DATA_DIR === undefined || env.ECHO_DATA_DIR === '') throw new Error('ECHO_DURABILITY needs ECHO_DATA_DIR, a fresh directory');
  return EchoJournal.start(env.ECHO_DATA_DIR, parseDurability(env.ECHO_DURABILITY));
}

function answer(res: HttpResponse, status: string, body: string): void {
  res.cork(() => {
    res.writeStatus(status).writeHeader('Content-Type', 'application/json').end(body);
  });
}

/** The OMS's answer to a full ring (RejectCode.ENGINE_BUSY), so a refused order looks the same from both servers. */
function answerBusy(res: HttpResponse): void {
  res.cork(() => {
    res.writeStatus('503 Service Unavailable').writeHeader('Retry-After', '1').writeHeader('Content-Type', 'application/json')
      .end(`{"success":false,"code":${RejectCode.ENGINE_BUSY},"reason":"${busy_reason}"}`);
  });
}

function echoFrame(ws: WebSocket<WsSession>, message: ArrayBuffer, is_binary: boolean): void {
  // send() returns 0 under backpressure (queued), 1 sent, 2 dropped (over maxBackpressure).
  ws.cork(() => {
    if (ws.send(message, is_binary) === 2) ws_dropped++;
  });
}

const app = App()
  .post('/orders', (res, req) => {
    // req is valid only inside this callback: read the header now.
    const has_key = req.getHeader('x-api-key').length > 0;
    let aborted = false;
    res.onAborted(() => { aborted = true; });
    let body: Buffer | null = null;
    res.onData((chunk, is_last) => {
      // chunk is only valid inside this callback: copy it.
      const part = Buffer.from(new Uint8Array(chunk));
      body = body === null ? part : Buffer.concat([body, part]);
      if (body.length > MAX_BODY_BYTES) {
        if (!aborted) { aborted = true; answer(res, '413 Payload Too Large', '{"success":false,"code":115,"reason":"body too large"}'); }
        return;
      }
      if (!is_last || aborted) return;
      if (!has_key) {
        answer(res, '401 Unauthorized', '{"success":false,"code":200,"reason":"missing x-api-key"}');
        return;
      }
      let order: { client_order_id?: unknown };
      try {
        order = JSON.parse(body.toString('utf8')) as { client_order_id?: unknown };
      } catch {
        answer(res, '400 Bad Request', '{"success":false,"code":100,"reason":"malformed body"}');
        return;
      }
      const id = typeof order.client_order_id === 'string' ? order.client_order_id : '';
      const accepted = `{"success":true,"order_id":"${++next_order_id}","client_order_id":${JSON.stringify(id)},"status":"ACCEPTED"}`;
      if (gate === null) {
        answer(res, '200 OK', accepted);
      } else if (!gate.hold(1, () => { if (!aborted) answer(res, '200 OK', accepted); })) {
        answerBusy(res);
      }
    });
  })
  .get('/health/ready', (res) => answer(res, '200 OK', '{"ready":true}'))
  .get('/health/live', (res) => answer(res, '200 OK', '{"live":true}'))
  .ws<WsSession>('/ws', {
    compression: COMPRESSION_DISABLED,
    maxPayloadLength: 1 << 20,
    maxBackpressure: 64 << 20,
    idleTimeout: 0,
    message: (ws, message, is_binary) => {
      if (gate === null) {
        // send() returns 0 under backpressure (queued), 1 sent, 2 dropped (over maxBackpressure).
        if (ws.send(message, is_binary) === 2) ws_dropped++;
        return;
      }
      // The message is valid only inside this callback: the held answer keeps a copy.
      const frame = message.slice(0);
      const session = ws.getUserData();
      const records = Math.max(1, Math.floor(frame.byteLength / ECHO_MESSAGE_BYTES));
      if (!gate.hold(records, () => { if (session.closed !== true) echoFrame(ws, frame, is_binary); })) {
        ws.end(1013, busy_reason);
      }
    },
    close: (ws) => { ws.getUserData().closed = true; },
  });

if (journal !== null || hop !== null) {
  app.get('/health/workers', (res) => answer(res, '200 OK', JSON.stringify({
    process: { pid: process.pid, io_tid: process.pid },
    workers: [journal !== null ? { name: 'journal', os_tid: journal.osTid() } : { name: 'engine', os_tid: hop!.workerTid() }],
  })));
}

app.listen(host, port, (token) => {
  if (!token) {
    console.error(`echo server: cannot listen on ${host}:${port}`);
    process.exit(1);
  }
  listen_socket = token;
});

async function shutdown(): Promise<void> {
  if (ws_dropped > 0) console.error(`echo server: dropped ${ws_dropped} WebSocket frames under backpressure`);
  if (listen_socket !== null) us_listen_socket_close(listen_socket);
  durable?.stop();
  await journal?.stop();
  await hop?.stop();
  app.close();
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
