/**
 * Command-line options of the soak run (`npm run soak -- --minutes M`), `--name value` or
 * `--name=value`, each checked, each mistake answered with what to type instead.
 */

export class SoakUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoakUsageError';
  }
}

export interface SoakOptions {
  /** Length of the run, load included (the kill and the restart happen at its middle). */
  readonly minutes: number;
  /** Orders (new orders, cancels and replaces together) per second, steady. */
  readonly rate_per_s: number;
  readonly accounts: number;
  /** OMS_SNAPSHOT_INTERVAL_EVENTS: small, so snapshots retire journal segments during the run. */
  readonly snapshot_interval_events: number;
  /** OMS_JOURNAL_SEGMENT_BYTES: small, so there are segments to retire. */
  readonly segment_bytes: number;
  /** Memory is judged from this long after each start of the OMS (the first minute by default). */
  readonly warmup_s: number;
  /** Seconds between progress lines (RSS, heaps, open orders, journal size). */
  readonly report_every_s: number;
  /** Leave the data directory and the brokers' files in place (their path is printed). */
  readonly keep: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
}

export const SOAK_USAGE = `Usage: npm run soak -- [--minutes M] [options]

Drives a realistic order mix at a steady rate into a real OMS with the NATS JetStream and
Redis sinks on (its own nats-server -js and redis-server on free ports), through snapshots
that retire journal segments and one kill -9 and restart at the middle; prints memory every
--report-every seconds; at the end checks and prints PASS or FAIL per check, and exits 1 on
any FAIL (bench/soak/README.md).

  --minutes M                  length of the run (default 30; 0.5 is the CI version)
  --rate R                     orders per second (default 500)
  --accounts N                 trading accounts (default 4)
  --snapshot-interval-events N OMS_SNAPSHOT_INTERVAL_EVENTS (default 10000)
  --segment-bytes N            OMS_JOURNAL_SEGMENT_BYTES (default 262144)
  --warmup S                   memory is judged from S seconds after each start (default 60)
  --report-every S             seconds between progress lines (default 10)
  --keep                       keep the data directory
  --verbose                    echo the OMS's log
  --help`;

const DEFAULTS: SoakOptions = {
  minutes: 30,
  rate_per_s: 500,
  accounts: 4,
  snapshot_interval_events: 10_000,
  segment_bytes: 256 * 1024,
  warmup_s: 60,
  report_every_s: 10,
  keep: false,
  verbose: false,
  help: false,
};

export function parseSoakArgs(argv: readonly string[]): SoakOptions {
  const options: { -readonly [K in keyof SoakOptions]: SoakOptions[K] } = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new SoakUsageError(`unexpected argument ${JSON.stringify(arg)}; options start with --`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const flag = (): void => {
      if (eq >= 0) throw new SoakUsageError(`--${name} takes no value`);
    };
    const value = (): number => {
      const text = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      const number = Number(text);
      if (text === undefined || text === '' || !Number.isFinite(number) || number <= 0) {
        throw new SoakUsageError(`--${name} needs a positive number, for example --${name} ${String(DEFAULTS[key(name)] ?? 1)}`);
      }
      return number;
    };
    switch (name) {
      case 'minutes': options.minutes = value(); break;
      case 'rate': options.rate_per_s = value(); break;
      case 'accounts': options.accounts = Math.round(value()); break;
      case 'snapshot-interval-events': options.snapshot_interval_events = Math.round(value()); break;
      case 'segment-bytes': options.segment_bytes = Math.round(value()); break;
      case 'warmup': options.warmup_s = value(); break;
      case 'report-every': options.report_every_s = value(); break;
      case 'keep': flag(); options.keep = true; break;
      case 'verbose': flag(); options.verbose = true; break;
      case 'help': flag(); options.help = true; break;
      default: throw new SoakUsageError(`unknown option --${name}; see --help`);
    }
  }
  if (options.accounts < 2 || options.accounts > 64) throw new SoakUsageError('--accounts must be from 2 to 64');
  if (options.segment_bytes < 64 * 1024) throw new SoakUsageError('--segment-bytes must be at least 65536 (the OMS\'s minimum)');
  return options;
}

function key(name: string): keyof SoakOptions {
  const map: Record<string, keyof SoakOptions> = {
    'minutes': 'minutes', 'rate': 'rate_per_s', 'accounts': 'accounts', 'snapshot-interval-events': 'snapshot_interval_events',
    'segment-bytes': 'segment_bytes', 'warmup': 'warmup_s', 'report-every': 'report_every_s',
  };
  return map[name] ?? 'minutes';
}
