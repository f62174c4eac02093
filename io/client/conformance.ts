/**
 * The protocol conformance script: points a scripted set of checks at a server and prints
 * PASS or FAIL for each (PROTOCOL.md §17). For anyone writing a client, or running a
 * server, who wants to know that the server does what the spec says.
 *
 *   node dist/io/client/conformance.js ws://127.0.0.1:8099 --api-key test-key
 *
 * Exit code 0 when every check passed, 1 when one failed, 2 for a wrong command line.
 * It places small orders on the account (one fill of the smallest quantity; every resting
 * order is canceled), so point it at a test account.
 */
import { parseArgs } from 'node:util';
import { endpointUrl } from './client_options.js';
import { runConformance } from './conformance/run_checks.js';

const USAGE = `usage: node dist/io/client/conformance.js <ws-or-http-url> --api-key <key>
         [--symbol <symbol>] [--quantity <decimal>] [--resting-price <decimal>] [--timeout-ms <ms>]

  <url>            the server, e.g. ws://127.0.0.1:8099 (/ws is added when the URL has no path)
  --api-key        the key of a test account: the checks place, fill and cancel small orders
  --symbol         the symbol to trade (default: the first TRADING symbol of GET /instruments)
  --quantity       order quantity (default: the symbol's lot size)
  --resting-price  a buy price that rests without filling (default: below the bid, from GET /ticker/<symbol>)
  --timeout-ms     per answer (default 5000)`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'api-key': { type: 'string' },
        symbol: { type: 'string' },
        quantity: { type: 'string' },
        'resting-price': { type: 'string' },
        'timeout-ms': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const timeout_ms = Number(values['timeout-ms'] ?? 5000);
  if (positionals.length !== 1 || values['api-key'] === undefined || !(timeout_ms > 0)) {
    console.error(USAGE);
    return 2;
  }
  let url: string;
  try {
    url = endpointUrl(positionals[0]);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  console.log(`protocol conformance of ${url}`);
  const results = await runConformance({
    url, api_key: values['api-key'], timeout_ms,
    symbol: values.symbol, quantity: values.quantity, resting_price: values['resting-price'],
  }, (result) => console.log(`${result.passed ? 'PASS' : 'FAIL'} ${result.name}: ${result.detail}`));
  const failed = results.filter((r) => !r.passed).length;
  console.log(`${results.length} checks: ${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
