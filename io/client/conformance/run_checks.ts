/**
 * Runs the conformance checks against one server and reports each as it is decided, in
 * the order they are listed. The others run one at a time; then the slow ones (they wait
 * on the server's heartbeat interval, on a session the account's reports must not reach)
 * run beside each other. Every check has a time bound, and whatever a check opened is
 * closed when the run ends.
 */
import { OmsClient } from '../oms_client.js';
import type { OmsClientOptions } from '../client_options.js';
import { Check, CheckContext, CHECKS, idSource } from './checks.js';
import { RawSession } from './raw_session.js';
import { OrderTerms, orderTerms, TermOverrides } from './reference_data.js';

export interface ConformanceOptions extends TermOverrides {
  readonly url: string;
  readonly api_key: string;
  /** Per exchange (connect, one answer); a check as a whole gets several. */
  readonly timeout_ms: number;
}

export interface CheckResult {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** A check that is not slow gets this many timeouts in all. */
const CHECK_TIMEOUTS = 4;

export async function runConformance(options: ConformanceOptions, report: (result: CheckResult) => void): Promise<CheckResult[]> {
  const clients: OmsClient[] = [];
  const sessions: RawSession[] = [];
  let terms: OrderTerms | Error;
  try {
    terms = await orderTerms(options.url, options);
  } catch (error) {
    terms = error as Error;
  }
  const ctx: CheckContext = {
    url: options.url,
    api_key: options.api_key,
    timeout_ms: options.timeout_ms,
    terms() {
      if (terms instanceof Error) throw new Error(`no order terms from the server's reference data: ${terms.message}`);
      return terms;
    },
    id: idSource(),
    async client(extra: Partial<OmsClientOptions> = {}) {
      const client = await OmsClient.connect({ url: options.url, api_key: options.api_key, timeout_ms: options.timeout_ms, reconnect: false, ...extra });
      clients.push(client);
      return client;
    },
    async raw() {
      const { session, ack } = await RawSession.logon(options.url, options.api_key, options.timeout_ms);
      sessions.push(session);
      return { session, heartbeat_interval_ms: ack.heartbeat_interval_ms };
    },
    async rawOpen() {
      const session = await RawSession.open(options.url, options.timeout_ms);
      sessions.push(session);
      return session;
    },
  };

  const results: CheckResult[] = [];
  for (const check of CHECKS.filter((c) => c.slow !== true)) {
    const result = await run(check, ctx);
    results.push(result);
    report(result);
  }
  // Close what the other checks opened first: their sessions would otherwise keep getting the account's reports.
  await closeAll();
  const slow = CHECKS.filter((c) => c.slow === true).map((check) => run(check, ctx));
  for (const pending of slow) {
    const result = await pending;
    results.push(result);
    report(result);
  }
  await closeAll();
  return results;

  async function closeAll(): Promise<void> {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
    for (const session of sessions.splice(0)) session.terminate();
  }
}

async function run(check: Check, ctx: CheckContext): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  // Slow checks bound their own waits by the heartbeat interval the server announced.
  const bound = check.slow === true ? null : new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${CHECK_TIMEOUTS * ctx.timeout_ms} ms`)), CHECK_TIMEOUTS * ctx.timeout_ms);
  });
  try {
    const detail = await (bound === null ? check.run(ctx) : Promise.race([check.run(ctx), bound]));
    return { name: check.name, passed: true, detail };
  } catch (error) {
    return { name: check.name, passed: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
