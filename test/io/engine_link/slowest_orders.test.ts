/**
 * The slowest traced order of each second is kept whole, stage by stage, with the io
 * thread's longest GC pause of that second, for the last SECONDS_KEPT seconds.
 */
import t from 'tap';
import { SECONDS_KEPT, SlowestBySecond, watchGcPauses } from '../../../io/engine_link/slowest_orders.js';

const NAMES = ['to_engine', 'fdatasync', 'total'];

function offer(slowest: SlowestBySecond, at_us: number, to_engine: number, fdatasync: number, total: number): void {
  slowest.offer(at_us, Float64Array.of(to_engine, fdatasync, total));
}

t.test('each second keeps its slowest order, with every stage of that one order', (t) => {
  const slowest = new SlowestBySecond(NAMES, 2);
  offer(slowest, 5_000_100, 10, 300, 400);
  offer(slowest, 5_000_200, 9_000, 100, 9_500); // the slowest of second 5
  offer(slowest, 5_900_000, 10, 8_000, 8_100);
  offer(slowest, 6_000_000, 20, NaN, 60); // no journal stage
  t.same(slowest.list(), [
    { at_us: 5_000_200, total_us: 9_500, stages: { to_engine: 9_000, fdatasync: 100, total: 9_500 }, io_gc_max_us: 0 },
    { at_us: 6_000_000, total_us: 60, stages: { to_engine: 20, fdatasync: null, total: 60 }, io_gc_max_us: 0 },
  ], 'the 9.5 ms order is kept as it was: its time was the wait for the engine, not the disk');
  t.end();
});

t.test('a GC pause of the io thread is reported beside the slowest order of its second', (t) => {
  const slowest = new SlowestBySecond(NAMES, 2);
  offer(slowest, 7_100_000, 10, 10, 30_000);
  slowest.noteIoGcPause(7_050_000, 1_200);
  slowest.noteIoGcPause(7_400_000, 25_000);
  slowest.noteIoGcPause(8_000_000, 99_000); // another second, with no traced order
  t.equal(slowest.list()[0].io_gc_max_us, 25_000);
  t.equal(slowest.list().length, 1);
  t.end();
});

t.test('seconds older than SECONDS_KEPT are overwritten by new ones', (t) => {
  const slowest = new SlowestBySecond(NAMES, 2);
  offer(slowest, 1_000_000, 1, 1, 99_999);
  slowest.noteIoGcPause(1_000_000, 5_000);
  offer(slowest, (1 + SECONDS_KEPT) * 1_000_000, 1, 1, 10);
  t.same(slowest.list().map((o) => [o.total_us, o.io_gc_max_us]), [[10, 0]], 'a far faster order of a new second replaces the old one, and the old GC is not carried over');
  t.end();
});

t.test('the io thread\'s GC pauses are observed', async (t) => {
  const slowest = new SlowestBySecond(NAMES, 2);
  const observer = watchGcPauses(slowest);
  t.teardown(() => observer.disconnect());
  offer(slowest, Date.now() * 1000, 1, 1, 10);
  const keep: unknown[] = [];
  for (let k = 0; k < 200_000; k++) keep.push({ k, s: `x${k}` }); // garbage enough for scavenges
  keep.length = 0;
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.ok(slowest.list().some((o) => o.io_gc_max_us > 0), 'a pause in the same second as the order');
});

t.test('total_index must name a stage', (t) => {
  t.throws(() => new SlowestBySecond(NAMES, 3), RangeError);
  t.end();
});
