import t from 'tap';
import { OpenLoopSchedule } from '../../../bench/harness/open_loop_schedule.js';

t.test('orders are due at start + i / rate, whatever happened before', (t) => {
  const s = new OpenLoopSchedule(1000, 100, 10);
  t.equal(s.intendedMs(0), 100);
  t.equal(s.intendedMs(3), 103);
  t.equal(s.dueBy(99.9), 0);
  t.equal(s.dueBy(100), 1);
  t.equal(s.dueBy(102.5), 3);
  t.end();
});

t.test('a generator that falls behind finds every overdue order due at once, and no more than the total', (t) => {
  const s = new OpenLoopSchedule(1000, 0, 10);
  t.equal(s.dueBy(5.2), 6, 'six orders are overdue after a 5 ms hiccup');
  t.equal(s.dueBy(1e9), 10);
  t.end();
});

t.test('a run has warm-up orders first, then measured ones', (t) => {
  const s = OpenLoopSchedule.forRun(500, 0, 1, 2);
  t.equal(s.total, 1500);
  t.equal(s.measured_from, 500);
  t.equal(s.measured_count, 1000);
  t.notOk(s.isMeasured(499));
  t.ok(s.isMeasured(500));
  t.equal(s.measured_start_ms, 1000);
  t.equal(s.end_ms, 3000);
  t.end();
});

t.test('nonsense rates and totals are refused', (t) => {
  t.throws(() => new OpenLoopSchedule(0, 0, 1), RangeError);
  t.throws(() => new OpenLoopSchedule(Infinity, 0, 1), RangeError);
  t.throws(() => new OpenLoopSchedule(10, 0, -1), RangeError);
  t.throws(() => new OpenLoopSchedule(10, 0, 5, 6), RangeError);
  t.end();
});
