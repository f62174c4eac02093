/**
 * PUT /admin/limits saves the overrides without blocking the io thread and answers only
 * once they are on disk: concurrent changes end with the last one saved, whole; a client
 * that goes away mid-save gets nothing written to its dead response, and the save still
 * completes, since the engine already uses the new limits.
 */
import fs from 'node:fs';
import http from 'node:http';
import t from 'tap';
import { OmsServer, ADMIN_TOKEN } from '../../../support/oms_server.js';

const oms = await OmsServer.start();
t.teardown(() => oms.cleanup());

const admin = (method: string, route: string, body?: unknown) => oms.request(method, route, { key: null, admin: true, body });
const overridesFile = () => `${oms.data_dir}/limits-overrides.json`;
const savedOverrides = () => JSON.parse(fs.readFileSync(overridesFile(), 'utf8'));
const qty = (text: string) => ({ symbols: { BTCUSDT: { max_order_qty: text } } });

t.test('each answer comes after its change is on disk', async (t) => {
  for (const text of ['0.5', '0.25', '0.75']) {
    const put = await admin('PUT', '/admin/limits', qty(text));
    t.equal(put.status, 200);
    t.same(savedOverrides(), qty(text), `${text}: saved by the time the answer arrived`);
  }
});

t.test('concurrent changes end with the last one applied saved on disk, whole', async (t) => {
  for (let round = 0; round < 5; round++) {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => admin('PUT', '/admin/limits', qty(`0.${round}${i + 1}`))));
    const refused = results.filter((r) => r.status !== 200);
    t.ok(refused.every((r) => r.status === 503 && r.body.code === 'ENGINE_BUSY'), 'a change that overlaps a swap is refused as busy');
    const applied = results.filter((r) => r.status === 200);
    t.ok(applied.length >= 1, `round ${round}: ${applied.length} of 6 applied`);
    const last = applied.reduce((a, b) => (a.body.version > b.body.version ? a : b));
    const now = (await admin('GET', '/admin/limits')).body;
    t.equal(now.version, last.body.version, 'the live limits are the last change applied');
    t.same(savedOverrides(), now.overrides, 'and the file holds them');
    t.notOk(fs.existsSync(`${overridesFile()}.tmp`), 'no temp file is left behind');
  }
});

t.test('a client that goes away while its change is saved gets nothing written, and the change is still saved', async (t) => {
  const before = (await admin('GET', '/admin/limits')).body;
  const body = JSON.stringify(qty('0.33'));
  await new Promise<void>((resolve) => {
    const req = http.request(`${oms.url}/admin/limits`, {
      method: 'PUT', headers: { 'x-admin-token': ADMIN_TOKEN, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    // Gone as soon as the whole request is out: the answer, if any, finds an aborted response.
    req.on('finish', () => req.destroy());
    req.end(body);
  });
  let now = (await admin('GET', '/admin/limits')).body;
  for (let i = 0; i < 100 && now.version === before.version; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    now = (await admin('GET', '/admin/limits')).body;
  }
  // Whether the server read the request before the client left is up to timing; either
  // way the file must come to hold the live limits (the save may still be running when
  // the new version shows) and the server must carry on.
  for (let i = 0; i < 200 && JSON.stringify(savedOverrides()) !== JSON.stringify(now.overrides); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  t.same(savedOverrides(), now.overrides, 'the file holds the live limits');
  t.equal((await admin('PUT', '/admin/limits', {})).status, 200, 'the next change goes through');
  t.same(savedOverrides(), {});
});

t.test('the process is still running and logged no errors', async (t) => {
  t.ok(oms.alive, 'running');
  t.same(oms.problems(), [], 'no error lines');
});
