import t from 'tap';
import { allocateMarkTable, MARK_FIELD_COUNT, MarkField } from '../../../engine/reference/mark_table.js';
import { SeqlockTable } from '../../../engine/reference/seqlock_table.js';

t.test('a seqlock record reads back what was written, and every write moves the versions', (t) => {
  const table = allocateMarkTable(3);
  const values = Float64Array.from({ length: MARK_FIELD_COUNT }, (_, i) => i + 0.5);
  const global = table.globalVersion();
  table.write(1, values);
  const out = new Float64Array(MARK_FIELD_COUNT);
  const version = table.read(1, out);
  t.same(Array.from(out), Array.from(values));
  t.equal(version % 2, 0, 'a completed write leaves an even version');
  t.equal(table.recordVersion(1), 2);
  t.equal(table.recordVersion(0), 0, 'other records are untouched');
  t.equal(table.globalVersion(), global + 1);
  table.writeField(1, MarkField.LAST_TICKS, 99);
  t.equal(table.readField(1, MarkField.LAST_TICKS), 99);
  t.equal(table.readField(1, MarkField.BID_TICKS), 0.5);
  t.equal(table.globalVersion(), global + 2);
  t.end();
});

t.test('a table opened on the same buffer from another thread sees the same records', (t) => {
  const table = allocateMarkTable(2);
  table.writeField(0, MarkField.ASK_TICKS, 42);
  const other = new SeqlockTable(table.buffer);
  t.equal(other.record_count, 2);
  t.equal(other.field_count, MARK_FIELD_COUNT);
  t.equal(other.readField(0, MarkField.ASK_TICKS), 42);
  t.throws(() => other.readField(2, 0), /no record 2/);
  t.throws(() => new SeqlockTable(new SharedArrayBuffer(table.buffer.byteLength + 64)), /does not match/);
  t.end();
});
