/** The sink cursor file: absent means 0, saves are atomic, a damaged file is refused. */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SinkCursor } from '../../../services/sinks/sink_cursor.js';

t.test('a cursor starts at 0, saves atomically, and loads what was saved', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-cursor-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cursor = new SinkCursor(dir, 'nats');
  t.equal(cursor.load(), 0);
  cursor.save(1234);
  t.equal(new SinkCursor(dir, 'nats').load(), 1234);
  t.same(fs.readdirSync(path.join(dir, 'cursors')), ['nats.json'], 'no temporary file left behind');
  const body = JSON.parse(fs.readFileSync(path.join(dir, 'cursors', 'nats.json'), 'utf8'));
  t.equal(body.sink, 'nats');
  t.equal(body.seq, 1234);
  t.throws(() => cursor.save(-1));
  fs.writeFileSync(path.join(dir, 'cursors', 'nats.json'), '{"sink":"nats","seq":');
  t.throws(() => cursor.load(), /not valid JSON/);
  fs.writeFileSync(path.join(dir, 'cursors', 'nats.json'), '{"sink":"redis","seq":5}');
  t.throws(() => cursor.load(), /damaged/, 'another sink\'s cursor is refused');
});
