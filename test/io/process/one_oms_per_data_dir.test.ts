/**
 * One OMS per data directory and per port, with real OMS processes: a second one on the
 * same data directory, or on the same port, exits non-zero with the reason, and the first
 * goes on answering; after kill -9 the restart takes the stale lock and the same port at once.
 */
import t from 'tap';
import { OmsServer } from '../../support/oms_server.js';

t.test('a second OMS on the same data directory refuses to start; the first keeps serving', async (t) => {
  const first = await OmsServer.start();
  t.teardown(() => first.cleanup());
  const second = await OmsServer.start({ data_dir: first.data_dir }).then(
    (server) => { void server.stop(); return null; },
    (error: Error) => error,
  );
  t.ok(second instanceof Error, 'the second OMS did not start');
  t.match(second?.message ?? '', /exited with code [1-9]/, 'it exited non-zero');
  t.match(second?.message ?? '', /in use by another OMS \(pid \d+/, 'and said why');
  t.equal((await first.request('GET', '/health/ready')).status, 200, 'the first OMS still answers');
});

t.test('a second OMS on the same port refuses to start instead of sharing the port', async (t) => {
  const first = await OmsServer.start();
  t.teardown(() => first.cleanup());
  const second = await OmsServer.start({ env: { OMS_PORT: String(first.port) } }).then(
    (server) => { void server.stop(); return null; },
    (error: Error) => error,
  );
  t.ok(second instanceof Error, 'the second OMS did not start');
  t.match(second?.message ?? '', /could not listen on 127\.0\.0\.1:\d+: in use/, 'it said the port is in use');
  for (let k = 0; k < 20; k++) {
    t.equal((await first.request('GET', '/health/ready')).status, 200, 'every new connection reaches the first OMS');
  }
});

t.test('after kill -9 the restart takes over the stale lock and the same port', async (t) => {
  const oms = await OmsServer.startRestartable();
  await oms.request('GET', '/health/ready'); // a keep-alive connection, left in TIME_WAIT by the kill
  t.teardown(() => oms.cleanup());
  const port = oms.port;
  await oms.kill9();
  await oms.launch({ port });
  t.equal(oms.port, port, 'listening on the same port');
  t.equal((await oms.request('GET', '/health/ready')).status, 200);
});
