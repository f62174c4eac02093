/**
 * `npm run soak -- --minutes M`: the OMS under a steady realistic load for M minutes with
 * its sinks on, through snapshots, segment retirement and a kill -9 (soak_run.ts).
 * Exit status: 0 when every check passed, 1 when one failed, 2 for a usage error.
 */
import { parseSoakArgs, SOAK_USAGE, SoakUsageError } from './soak_args.js';
import { runSoak } from './soak_run.js';

async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseSoakArgs(argv);
  } catch (error) {
    if (!(error instanceof SoakUsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${SOAK_USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${SOAK_USAGE}\n`);
    return 0;
  }
  const pass = await runSoak(options, (line) => process.stdout.write(`${line}\n`));
  return pass ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`soak: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
