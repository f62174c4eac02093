/**
 * The durable echo server (bench/servers/echo_server.ts with ECHO_DURABILITY) end to end,
 * as a client sees it: when an answer arrives, the journal on disk holds a valid record
 * for every request answered so far, and in the end exactly one record per request (one
 * per message of a WebSocket frame). A client in another process looks a little later
 * than the server answered, so the sharp check of "never before durable" is made at the
 * instant of answering, in durable_answers.test.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import WebSocket from 'ws';
import { ECHO_MESSAGE_BYTES } from '../../../bench/load/ws_echo_framing.js';
import { startEchoServer } from '../../../bench/servers/echo_process.js';
import { scanJournal } from '../../../services/journal/journal_reader.js';

const REQUESTS = 60;
const FRAMES = 20;
const MESSAGES_PER_FRAME = 3;

/** Records in the journal now (its last sequence: they are gap-free from 1, each checked by its CRC). */
function journaled(data_dir: string): number {
  return scanJournal(join(data_dir, 'journal')).last_seq;
}

t.test('every HTTP answer comes after its request is in the journal', async (t) => {
  const echo = await startEchoServer(false, 'fsync');
  t.teardown(() => echo.stop());
  const { host, port } = echo.process.options;
  let answered = 0;
  const behind: string[] = [];
  await Promise.all(Array.from({ length: REQUESTS }, async (_, k) => {
    const answer = await fetch(`http://${host}:${port}/orders`, {
      method: 'POST',
      headers: { 'x-api-key': 'test-key', 'content-type': 'application/json' },
      body: JSON.stringify({ client_order_id: `durable-${k}` }),
    });
    const body = await answer.json() as { success: boolean; client_order_id: string };
    answered++;
    const on_disk = journaled(echo.data_dir!);
    if (on_disk < answered) behind.push(`answer ${answered} arrived with ${on_disk} records on disk`);
    t.equal(answer.status, 200);
    t.equal(body.client_order_id, `durable-${k}`);
  }));
  t.same(behind, [], 'no answer overtook its record');
  t.equal(journaled(echo.data_dir!), REQUESTS, 'one record per request');
});

t.test('every WebSocket frame is echoed after each of its messages is in the journal', async (t) => {
  const echo = await startEchoServer(false, 'write');
  t.teardown(() => echo.stop());
  const { host, port } = echo.process.options;
  const socket = new WebSocket(`ws://${host}:${port}/ws`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  t.teardown(() => socket.close());
  const frames = Array.from({ length: FRAMES }, (_, k) => Buffer.alloc(MESSAGES_PER_FRAME * ECHO_MESSAGE_BYTES, k + 1));
  const behind: string[] = [];
  let echoed = 0;
  await new Promise<void>((resolve, reject) => {
    socket.on('message', (data: Buffer) => {
      t.ok(data.equals(frames[echoed]), `frame ${echoed} came back unchanged`);
      echoed++;
      const on_disk = journaled(echo.data_dir!);
      if (on_disk < echoed * MESSAGES_PER_FRAME) behind.push(`frame ${echoed} echoed with ${on_disk} records on disk`);
      if (echoed === FRAMES) resolve();
    });
    socket.once('error', reject);
    for (const frame of frames) socket.send(frame);
  });
  t.same(behind, [], 'no echo overtook its records');
  t.equal(journaled(echo.data_dir!), FRAMES * MESSAGES_PER_FRAME, 'one record per message');
});

t.test('it names its threads on /health/workers and removes its data directory on stop', async (t) => {
  const echo = await startEchoServer(false, 'fsync');
  const { host, port } = echo.process.options;
  const body = await (await fetch(`http://${host}:${port}/health/workers`)).json() as {
    process: { pid: number; io_tid: number };
    workers: { name: string; os_tid: number }[];
  };
  t.equal(body.process.pid, echo.process.pid);
  t.equal(body.process.io_tid, echo.process.pid, 'the io thread is the main thread');
  t.same(body.workers.map((w) => w.name), ['journal']);
  t.ok(existsSync(`/proc/${echo.process.pid}/task/${body.workers[0].os_tid}`), 'the journal os_tid is a thread of the server');
  const data_dir = echo.data_dir!;
  await echo.stop();
  t.notOk(existsSync(data_dir));
});
