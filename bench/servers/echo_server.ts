/**
 * The echo server: the physical limit of this machine for the OMS's front ends. A bare
 * uWebSockets.js app in its own process that does only what any order entry must do:
 *
 *  - POST /orders: checks that x-api-key is present, parses the order JSON, answers
 *    200 with a small JSON body (no validation, no engine, no journal);
 *  - /ws: echoes every binary WebSocket frame back as it came (the ws-echo baseline);
 *  - GET /health/ready and /health/live: 200, so it starts like the OMS.
 *
 * Started with the OMS's contract: env OMS_HOST and OMS_PORT, ready when /health/ready
 * answers 200. Stops on SIGTERM/SIGINT.
 */
import { App, HttpResponse, us_listen_socket, us_listen_socket_close } from 'uWebSockets.js';

const host = process.env.OMS_HOST ?? '127.0.0.1';
const port = Number(process.env.OMS_PORT ?? '0');
/** Largest order body accepted; an order is ~200 bytes. */
const MAX_BODY_BYTES = 64 * 1024;
/** uWS's DISABLED compression (the package types declare the constant as a type only). */
const COMPRESSION_DISABLED = 0;

let next_order_id = 0;
let ws_dropped = 0;
let listen_socket: us_listen_socket | null = null;

function answer(res: HttpResponse, status: string, body: string): void {
  res.cork(() => {
    res.writeStatus(status).writeHeader('Content-Type', 'application/json').end(body);
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
      answer(res, '200 OK', `{"success":true,"order_id":"${++next_order_id}","client_order_id":${JSON.stringify(id)},"status":"ACCEPTED"}`);
    });
  })
  .get('/health/ready', (res) => answer(res, '200 OK', '{"ready":true}'))
  .get('/health/live', (res) => answer(res, '200 OK', '{"live":true}'))
  .ws('/ws', {
    compression: COMPRESSION_DISABLED,
    maxPayloadLength: 1 << 20,
    maxBackpressure: 64 << 20,
    idleTimeout: 0,
    message: (ws, message, is_binary) => {
      // send() returns 0 under backpressure (queued), 1 sent, 2 dropped (over maxBackpressure).
      if (ws.send(message, is_binary) === 2) ws_dropped++;
    },
  })
  .listen(host, port, (token) => {
    if (!token) {
      console.error(`echo server: cannot listen on ${host}:${port}`);
      process.exit(1);
    }
    listen_socket = token;
  });

function shutdown(): void {
  if (ws_dropped > 0) console.error(`echo server: dropped ${ws_dropped} WebSocket frames under backpressure`);
  if (listen_socket !== null) us_listen_socket_close(listen_socket);
  app.close();
  process.exit(0);
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
