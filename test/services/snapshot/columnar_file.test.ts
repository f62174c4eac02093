/**
 * The snapshot file format: a column written in pieces (FilledColumn) makes the same file
 * as the column held whole, and a file read for a few sections is still checked whole.
 * The snapshot task depends on both: it writes the read model in pieces and reads each
 * new file back for the engine's sections only, before giving it its final name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ColumnarFile, ColumnarWriter, FilledColumn, SnapshotCorruptionError } from '../../../services/snapshot/columnar_file.js';

const ROW_BYTES = 40;
// More rows than one 1 MiB piece holds of either column, and not a multiple of what it holds.
const ROWS = 300_001;

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'columnar-file-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function columns() {
  const prices = Float64Array.from({ length: ROWS }, (_, i) => i * 1.5 - 7);
  const ids = new Uint8Array(ROWS * ROW_BYTES);
  // Rows of different lengths: the rest of each row stays zero, as in a client order id column.
  for (let i = 0; i < ROWS; i++) for (let k = 0; k < i % ROW_BYTES; k++) ids[i * ROW_BYTES + k] = 65 + ((i + k) % 26);
  const small = Int32Array.from([3, -1, 4, -1, 5]);
  return { prices, ids, small };
}

/** A file with a small section first, then a large one; `filled` writes the large one in pieces. */
function writeFile(file: string, filled: boolean): void {
  const { prices, ids, small } = columns();
  const writer = new ColumnarWriter({ seq: 42 });
  writer.section('head', small.length).add('small', 'i32', small);
  const price_column: FilledColumn = { rows: ROWS, row_elements: 1, fill: (into, first) => into.set(prices.subarray(first, first + into.length)) };
  const id_column: FilledColumn = { rows: ROWS, row_elements: ROW_BYTES, fill: (into, first) => into.set(ids.subarray(first * ROW_BYTES, first * ROW_BYTES + into.length)) };
  writer.section('body', ROWS)
    .add('price', 'f64', filled ? price_column : prices)
    .add('id', 'u8', filled ? id_column : ids);
  writer.write(file);
}

/** Byte-wise equality (tap's deep comparison is far too slow for millions of elements). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function damageByteAt(file: string, position: number): void {
  const fd = fs.openSync(file, 'r+');
  const byte = Buffer.alloc(1);
  fs.readSync(fd, byte, 0, 1, position);
  byte[0] ^= 0x5a;
  fs.writeSync(fd, byte, 0, 1, position);
  fs.closeSync(fd);
}

t.test('a column written in pieces makes the same file, byte for byte, as the column held whole', (t) => {
  const dir = tempDir(t);
  writeFile(path.join(dir, 'whole.snap'), false);
  writeFile(path.join(dir, 'pieces.snap'), true);
  const whole = fs.readFileSync(path.join(dir, 'whole.snap'));
  t.ok(whole.length > 2 * (1 << 20) * 2, `the file spans many pieces (${whole.length} bytes)`);
  t.ok(whole.equals(fs.readFileSync(path.join(dir, 'pieces.snap'))), 'the two files are identical');
  const file = new ColumnarFile(path.join(dir, 'pieces.snap'));
  const { prices, ids } = columns();
  t.ok(sameBytes(file.f64('body', 'price'), prices), 'the values read back are those written');
  t.ok(sameBytes(file.u8('body', 'id'), ids));
  t.end();
});

t.test('a file read for some sections keeps only those, with the values written', (t) => {
  const dir = tempDir(t);
  const name = path.join(dir, 'pieces.snap');
  writeFile(name, true);
  const head = new ColumnarFile(name, ['head']);
  t.same(head.meta, { seq: 42 });
  t.same(Array.from(head.i32('head', 'small')), [3, -1, 4, -1, 5]);
  t.notOk(head.hasSection('body'), 'the large section is not kept');
  const body = new ColumnarFile(name, ['body']);
  t.ok(sameBytes(body.f64('body', 'price'), columns().prices), 'a section read alone has its own values');
  t.end();
});

t.test('a file read for some sections is still checked whole: damage in a section it does not keep is refused', (t) => {
  const dir = tempDir(t);
  const name = path.join(dir, 'pieces.snap');
  writeFile(name, true);
  // A byte in the middle of the large section, far from the small one kept.
  damageByteAt(name, Math.floor(fs.statSync(name).size / 2));
  t.throws(() => new ColumnarFile(name, ['head']), SnapshotCorruptionError);
  t.throws(() => new ColumnarFile(name, ['head']), /data fails its check/);
  t.throws(() => new ColumnarFile(name), /data fails its check/, 'as a whole read refuses it');
  t.end();
});

t.test('a truncated file or a damaged header is refused by a read for some sections as by a whole read', (t) => {
  const dir = tempDir(t);
  const truncated = path.join(dir, 'truncated.snap');
  writeFile(truncated, true);
  fs.truncateSync(truncated, fs.statSync(truncated).size - 3);
  t.throws(() => new ColumnarFile(truncated, ['head']), SnapshotCorruptionError);
  t.throws(() => new ColumnarFile(truncated), SnapshotCorruptionError);

  const header = path.join(dir, 'header.snap');
  writeFile(header, true);
  damageByteAt(header, 20);
  t.throws(() => new ColumnarFile(header, ['head']), /header fails its check/);
  t.throws(() => new ColumnarFile(header), /header fails its check/);
  t.end();
});
