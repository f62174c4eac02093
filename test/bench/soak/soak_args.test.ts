/** The soak's options: defaults, both spellings, and a sentence for every mistake. */
import t from 'tap';
import { parseSoakArgs, SoakUsageError } from '../../../bench/soak/soak_args.js';

t.test('defaults: 30 minutes at 500 orders per second, judged after the first minute', (t) => {
  const o = parseSoakArgs([]);
  t.match(o, { minutes: 30, rate_per_s: 500, accounts: 4, warmup_s: 60, report_every_s: 10, keep: false });
  t.ok(o.snapshot_interval_events <= 20_000 && o.segment_bytes <= 1 << 20, 'small snapshot interval and segments, so retirement happens');
  t.end();
});

t.test('--name value and --name=value; flags take no value', (t) => {
  t.match(parseSoakArgs(['--minutes', '0.5', '--rate=300', '--keep']), { minutes: 0.5, rate_per_s: 300, keep: true });
  t.throws(() => parseSoakArgs(['--keep=yes']), SoakUsageError);
  t.throws(() => parseSoakArgs(['--minutes']), /--minutes needs a positive number/);
  t.throws(() => parseSoakArgs(['--rate', '-5']), /--rate needs a positive number/);
  t.throws(() => parseSoakArgs(['--segment-bytes', '1000']), /at least 65536/);
  t.throws(() => parseSoakArgs(['--accounts', '1']), /from 2 to 64/);
  t.throws(() => parseSoakArgs(['--minute', '3']), /unknown option --minute/);
  t.end();
});
