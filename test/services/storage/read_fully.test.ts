/** readFully: the bytes asked for at a position, and fewer only at the end of the file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { readFully } from '../../../services/storage/read_fully.js';

t.test('reads the length asked for at the position, and what is left at the end of the file', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-fully-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, Buffer.from(Array.from({ length: 100 }, (_, k) => k)));
  const fd = fs.openSync(file, 'r');
  t.teardown(() => fs.closeSync(fd));
  const into = new Uint8Array(64);
  t.equal(readFully(fd, into, 10, 20), 10);
  t.same([...into.subarray(0, 10)], [20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
  t.equal(readFully(fd, into, 64, 90), 10, 'only ten bytes are left after 90');
  t.equal(into[9], 99);
  t.equal(readFully(fd, into, 8, 100), 0, 'nothing at the end');
  t.end();
});
