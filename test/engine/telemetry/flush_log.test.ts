/**
 * The journal's flush log: the io thread finds the flush that made a sequence durable,
 * across the ring's wrap, and gets no answer (rather than a wrong one) for a flush it no
 * longer keeps or that has not happened yet.
 */
import t from 'tap';
import { FlushLog, FlushTimes } from '../../../engine/telemetry/flush_log.js';
import { FLUSH_LOG_CAPACITY } from '../../../engine/telemetry/flush_log_layout.js';

const out = (): FlushTimes => ({ write_start_us: 0, write_done_us: 0, sync_done_us: 0 });

t.test('the flush that covers a sequence is the first whose last sequence reaches it', async (t) => {
  const log = new FlushLog();
  log.record(10, 1000, 1010, 1100);
  log.record(11, 2000, 2010, 2100);
  log.record(25, 3000, 3010, 3100);
  const f = out();
  t.ok(log.find(10, f));
  t.same(f, { write_start_us: 1000, write_done_us: 1010, sync_done_us: 1100 });
  t.ok(log.find(12, f));
  t.equal(f.write_start_us, 3000, 'sequence 12 became durable in the flush that ended at 25');
  t.ok(log.find(25, f));
  t.equal(f.sync_done_us, 3100);
  t.notOk(log.find(26, f), 'not yet durable: no answer');
});

t.test('a reader on another view of the same buffer sees what the writer recorded', async (t) => {
  const writer = new FlushLog();
  const reader = new FlushLog(writer.buffer);
  writer.record(7, 1, 2, 3);
  const f = out();
  t.ok(reader.find(7, f));
  t.equal(reader.count, 1);
  t.same(f, { write_start_us: 1, write_done_us: 2, sync_done_us: 3 });
});

t.test('after the ring wraps, recent flushes are found and forgotten ones are not', async (t) => {
  const log = new FlushLog();
  const flushes = FLUSH_LOG_CAPACITY * 3 + 17;
  for (let k = 1; k <= flushes; k++) log.record(k * 2, k * 100, k * 100 + 1, k * 100 + 2);
  const f = out();
  t.ok(log.find(flushes * 2, f));
  t.equal(f.write_start_us, flushes * 100);
  t.ok(log.find(flushes * 2 - 1, f), 'an odd sequence falls in the flush after it');
  t.equal(f.write_start_us, flushes * 100);
  // The oldest slot is the one the next flush overwrites, possibly while it is read: the
  // reader trusts the CAPACITY - 1 newest.
  const oldest_trusted = flushes - FLUSH_LOG_CAPACITY + 2;
  t.ok(log.find(oldest_trusted * 2, f));
  t.equal(f.write_start_us, oldest_trusted * 100);
  t.notOk(log.find(oldest_trusted * 2 - 2, f), 'the slot being overwritten next is not trusted');
  t.notOk(log.find(2, f), 'a flush the log no longer keeps gives no answer');
});

t.test('a wrong-sized buffer is refused', async (t) => {
  t.throws(() => new FlushLog(new SharedArrayBuffer(64)), /wrong size/);
});
