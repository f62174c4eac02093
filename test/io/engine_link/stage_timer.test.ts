/**
 * The stage timer turns one traced request's times into one value per stage, takes the
 * journal's times from the flush that made the request's events durable, leaves the journal
 * stages out when nothing of the request needed the journal, and samples one in N.
 */
import t from 'tap';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { ReplyRecord } from '../../../engine/protocol/event_record.js';
import { FlushLog } from '../../../engine/telemetry/flush_log.js';
import { STAGE_NAMES, StageTimer } from '../../../io/engine_link/stage_timer.js';

const BUCKETS_US = [10, 100, 1000];

function reply(last_seq: number, engine_in_us: number, engine_out_us: number): ReplyRecord {
  return { request_id: 1, command_type: 1, code: 0, order_id: 1, last_seq, flag: 0, risk_level: 0, warnings: 0, arg: 0, engine_in_us, engine_out_us, amount: 0 };
}

function p50(timer: StageTimer): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const stage of timer.snapshot().stages) out[stage.name] = stage.count === 0 ? null : stage.p50_us;
  return out;
}

t.test('every stage of a durable order is the gap between its two hops', async (t) => {
  const log = new FlushLog();
  const timer = new StageTimer(1, log, BUCKETS_US);
  log.record(41, 1_000_150, 1_000_170, 1_000_470);
  // edge 1_000_000, published +20, engine in +50, out +60, write +150..+170, fsync ..+470, seen +520, answered +530
  timer.record(1_000_000, 1_000_020, reply(41, 1_000_070, 1_000_130), 1_000_520, 1_000_530);
  t.same(p50(timer), {
    io_queue: 20, to_engine: 50, engine: 60, to_journal: 20, journal_write: 20, fdatasync: 300, to_io: 50, answer: 10, total: 530,
  });
});

t.test('a reply whose events were durable before the engine handled it has no journal stages', async (t) => {
  const log = new FlushLog();
  const timer = new StageTimer(1, log, BUCKETS_US);
  log.record(5, 100, 110, 120);
  timer.record(1000, 1010, reply(5, 1020, 1030), 1100, 1105);
  const stages = p50(timer);
  t.equal(stages.to_journal, null);
  t.equal(stages.fdatasync, null);
  t.equal(stages.to_io, 70, 'to_io runs from "handled"');
  t.equal(stages.total, 105);
});

t.test('with durability none (no flush log) the journal is off the path: to_io runs from "handled"', async (t) => {
  const log = new FlushLog();
  log.record(5, 1040, 1040, 1040); // the journal released the slots, on its own 1 ms poll
  const timer = new StageTimer(1, null, BUCKETS_US);
  timer.record(1000, 1010, reply(5, 1020, 1030), 1100, 1105);
  const stages = p50(timer);
  t.equal(stages.to_journal, null, 'no journal stage');
  t.equal(stages.to_io, 70, 'the io thread\'s wake-up, from the engine\'s reply');
});

t.test('one request in sample_every is traced, and 0 traces none', async (t) => {
  const log = new FlushLog();
  const every4 = new StageTimer(4, log, BUCKETS_US);
  const traced = Array.from({ length: 12 }, () => every4.shouldTrace()).filter(Boolean).length;
  t.equal(traced, 3);
  const off = new StageTimer(0, log, BUCKETS_US);
  t.notOk(Array.from({ length: 100 }, () => off.shouldTrace()).some(Boolean));
  t.throws(() => new StageTimer(-1, log, BUCKETS_US), RangeError);
});

t.test('the snapshot lists the stages in path order with histograms that decode to the same counts', async (t) => {
  const log = new FlushLog();
  const timer = new StageTimer(1, log, BUCKETS_US);
  log.record(1, 200, 210, 900);
  for (let k = 0; k < 5; k++) timer.record(0, 5, reply(1, 10, 20), 1000, 1500 + k);
  const snapshot = timer.snapshot();
  t.same(snapshot.stages.map((s) => s.name), [...STAGE_NAMES]);
  t.equal(snapshot.unit, 'us');
  for (const stage of snapshot.stages) t.equal(decodeFromCompressedBase64(stage.hdr).totalCount, stage.count, stage.name);
  // Prometheus buckets: total 1500..1504 us all fall above the last bound (1000 us).
  const width = BUCKETS_US.length + 1;
  const total = STAGE_NAMES.indexOf('total');
  t.same([...timer.bucket_counts.subarray(total * width, total * width + width)], [0, 0, 0, 5]);
  t.equal(timer.sums_us[total], 1500 + 1501 + 1502 + 1503 + 1504);
});

t.test('the snapshot keeps the slowest traced order of each second whole', async (t) => {
  const log = new FlushLog();
  const timer = new StageTimer(1, log, BUCKETS_US);
  log.record(41, 2_000_150, 2_000_170, 2_009_170); // a 9 ms fdatasync
  timer.record(2_000_000, 2_000_020, reply(41, 2_000_070, 2_000_130), 2_009_220, 2_009_230);
  timer.record(2_100_000, 2_100_020, reply(3, 2_100_070, 2_100_130), 2_100_200, 2_100_210);
  const snapshot = timer.snapshot();
  t.ok(snapshot.now_us > 1.7e15, 'the reading says when it was taken, epoch µs');
  t.same(snapshot.slowest, [{
    at_us: 2_000_000, total_us: 9_230, io_gc_max_us: 0,
    stages: { io_queue: 20, to_engine: 50, engine: 60, to_journal: 20, journal_write: 20, fdatasync: 9_000, to_io: 50, answer: 10, total: 9_230 },
  }], 'one order for second 2, the slower, with every stage of its own');
});

t.test('a window holds only what was traced since it started; starting it again empties it', async (t) => {
  const timer = new StageTimer(1, null, BUCKETS_US);
  const none = timer.windowSnapshot();
  t.equal(none.started_at_us, null, 'no window started: an empty one');
  t.ok(none.stages.every((stage) => stage.count === 0));
  timer.record(1000, 1010, reply(5, 1020, 1030), 1100, 90_000); // before the window: a 89 ms outlier
  const started = timer.startWindow();
  t.ok(started > 1.7e15, 'epoch µs');
  const at = started + 1000;
  timer.record(at, at + 10, reply(5, at + 20, at + 30), at + 100, at + 105);
  const window = timer.windowSnapshot();
  const total = window.stages.find((stage) => stage.name === 'total')!;
  t.same([total.count, total.max_us], [1, 105], 'the outlier before the start is not in the window');
  t.equal(decodeFromCompressedBase64(total.hdr).totalCount, 1, 'its histogram too');
  t.same(window.slowest.map((order) => order.total_us), [105], 'nor among its slowest orders');
  t.equal(timer.snapshot().stages.find((stage) => stage.name === 'total')!.count, 2, 'the cumulative reading keeps both');
  timer.startWindow();
  t.equal(timer.windowSnapshot().stages.find((stage) => stage.name === 'total')!.count, 0, 'a new window starts empty');
});
