import t from 'tap';
import { parseArgs, UsageError } from '../../bench/cli_args.js';

function options(argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.help) throw new Error('unexpected help');
  return parsed.options;
}

t.test('a scenario with a rate and a duration is an open-loop run with the documented defaults', (t) => {
  const o = options(['--scenario', 'http-json', '--rate', '5000', '--duration=3']);
  t.equal(o.scenario, 'http-json');
  t.equal(o.mode, 'open');
  t.equal(o.rate_per_s, 5000);
  t.equal(o.duration_s, 3);
  t.equal(o.warmup_s, 2);
  t.equal(o.connections, null, 'connections and pipeline default per scenario');
  t.equal(o.pipeline, null);
  t.equal(o.rounds, 3);
  t.equal(o.durability, 'fsync');
  t.equal(o.baseline, true);
  t.equal(o.json, false);
  t.equal(o.generator_nice, 0, 'the generators run at the harness\'s own priority unless asked');
  t.equal(options(['--scenario', 'echo', '--rate', '10', '--generator-nice', '10']).generator_nice, 10);
  t.equal(o.stage_sample_every, null, 'a launched OMS traces as the mode says unless asked');
  t.equal(options(['--scenario', 'ws-binary', '--rate', '10', '--stage-sample-every', '16']).stage_sample_every, 16);
  t.end();
});

t.test('saturation, sweep and suite modes parse', (t) => {
  t.equal(options(['--scenario', 'echo', '--saturate', '--window', '32']).mode, 'saturate');
  const sweep = options(['--scenario', 'engine', '--sweep', '--rate', '1000', '--p99-budget-us', '200']);
  t.equal(sweep.mode, 'sweep');
  t.equal(sweep.p99_budget_us, 200);
  t.equal(options(['--suite', 'standard', '--json']).suite, 'standard');
  t.equal(options(['--suite', 'floor', '--durability', 'none']).suite, 'floor', 'the floor suite: the OMS beside the hop echo');
  t.same(parseArgs(['--help']), { help: true });
  t.end();
});

t.test('mistakes are refused with a sentence that says what to do', (t) => {
  const refusals: [string[], RegExp][] = [
    [[], /either --scenario NAME or --suite NAME/],
    [['--scenario', 'echo', '--suite', 'standard'], /either --scenario/],
    [['--scenario', 'fix-gateway', '--rate', '1'], /unknown scenario "fix-gateway"; choose one of engine/],
    [['--scenario', 'echo'], /--rate is required/],
    [['--scenario', 'echo', '--rate', 'fast'], /--rate must be a number > 0, got "fast"/],
    [['--scenario', 'echo', '--rate', '0'], /--rate must be a number > 0/],
    [['--scenario', 'echo', '--rate', '10', '--connections', '2.5'], /--connections must be a whole number >= 1/],
    [['--scenario', 'echo', '--rate', '10', '--durability', 'maybe'], /--durability must be one of fsync, write, none/],
    [['--scenario', 'echo', '--saturate', '--rate', '10'], /--saturate is closed loop and has no rate/],
    [['--scenario', 'echo', '--saturate', '--sweep'], /pick one/],
    [['--scenario', 'echo', '--sweep'], /--sweep needs --rate/],
    [['--scenario', 'echo', '--rate', '10', '--window', '4'], /--window only applies to --saturate/],
    [['--suite', 'standard', '--rate', '10'], /sets each scenario's rate/],
    [['--suite', 'nightly'], /unknown suite "nightly"/],
    [['--scenario', 'echo', '--rate'], /--rate needs a value/],
    [['--scenario', 'echo', '--rate', '10', '--fast'], /unknown option --fast/],
    [['--scenario', 'echo', '--rate', '10', '--json=yes'], /--json takes no value/],
    [['--scenario', 'http-json', '--rate', '10', '--target-url', 'localhost'], /not a URL/],
    [['--scenario', 'echo', '--rate', '10', '--target-url', 'http://127.0.0.1:1'], /OMS scenarios \(http-json, ws-binary\) only/],
    [['echo'], /options start with --/],
    [['--scenario', 'ws-binary', '--rate', '10', '--stage-sample-every', '0'], /--stage-sample-every must be a whole number >= 1/],
    [['--scenario', 'ws-binary', '--rate', '10', '--target-url', 'http://127.0.0.1:1', '--stage-sample-every', '16'], /an OMS at --target-url keeps its own/],
    [['--scenario', 'echo', '--rate', '10', '--generator-nice', '20'], /--generator-nice must be at most 19/],
    [['--scenario', 'echo', '--rate', '10', '--generator-nice', '-5'], /--generator-nice must be a whole number >= 0/],
  ];
  for (const [argv, message] of refusals) t.throws(() => parseArgs(argv), message instanceof RegExp ? { name: 'UsageError', message } : UsageError, argv.join(' '));
  t.end();
});
