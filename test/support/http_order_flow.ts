/**
 * Orders flowing into a real OMS process over HTTP while a test breaks something: a few
 * clients per account, each sending back to back (market orders that fill, limit orders
 * that rest, cancels of those), recording every order the OMS acknowledged and every
 * refusal by its code. After the flow, `lostOrders` looks up every acknowledged order.
 *
 * Prices suit both the known manual market (BTCUSDT 44999 / 45001) and the simulated one
 * (a walk around 45000, kept within 10%): resting buys at 43000 do not fill and stay
 * inside the 10% price collar; fills are market buys and limit sells at 44000 (IOC), which
 * never reach the account's own resting buys, so the self-trade check refuses nothing.
 */
import type { OmsServer } from './oms_server.js';

export interface AckedOrder {
  readonly key: string;
  readonly order_id: string;
  readonly client_order_id: string;
}

export interface FlowOptions {
  /** API keys of the accounts to trade (demo: test-key, demo2-key). */
  readonly keys?: readonly string[];
  readonly clients_per_key?: number;
  /** Prefix of the client order ids, unique per flow. */
  readonly tag?: string;
}

export class HttpOrderFlow {
  /** Acknowledged (HTTP 200) new orders, by order id. */
  readonly acked = new Map<string, AckedOrder>();
  /** Refusals by code name (NOT_READY, STALE_PNL, ...), new orders and cancels together. */
  readonly refusals = new Map<string, number>();
  /** Answers that are neither 200 nor a refusal with a code. */
  readonly unexpected: string[] = [];
  /** Requests that got no answer (the process went away under them). */
  unanswered = 0;
  sent = 0;
  private running = true;
  private readonly lanes: Promise<void>[];

  constructor(private readonly oms: OmsServer, options: FlowOptions = {}) {
    const keys = options.keys ?? ['test-key', 'demo2-key'];
    const per_key = options.clients_per_key ?? 2;
    const tag = options.tag ?? 'flow';
    this.lanes = keys.flatMap((key) => Array.from({ length: per_key }, (_, n) => this.lane(key, `${tag}-${key}-${n}`)));
  }

  /** Refusals of any code but these. */
  refusalsOtherThan(...codes: string[]): Record<string, number> {
    return Object.fromEntries([...this.refusals].filter(([code]) => !codes.includes(code)));
  }

  /** Stops sending; resolves once every client has its last answer. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.lanes);
  }

  /** Sends until stopped, or until the process stops answering. */
  private async lane(key: string, prefix: string): Promise<void> {
    const resting: string[] = [];
    for (let i = 0; this.running; i++) {
      const step = i % 5;
      let answer;
      try {
        if (step === 3 && resting.length > 0) {
          answer = await this.oms.request('DELETE', `/orders/${resting.shift()}`, { key });
        } else {
          const client_order_id = `${prefix}-${i}`;
          answer = await this.oms.request('POST', '/orders', { key, body: orderBody(step, client_order_id) });
          if (answer.status === 200) {
            this.acked.set(answer.body.order_id, { key, order_id: answer.body.order_id, client_order_id });
            if (answer.body.status === 'ACCEPTED') resting.push(answer.body.order_id);
          }
        }
        this.sent++;
      } catch {
        this.unanswered++;
        return;
      }
      if (answer.status === 200) continue;
      const code = answer.body?.code;
      if (typeof code === 'string') this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
      else this.unexpected.push(`${answer.status} ${answer.text.slice(0, 200)}`);
    }
  }
}

function orderBody(step: number, client_order_id: string): Record<string, unknown> {
  switch (step) {
    case 0: return { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, order_type: 'MARKET', time_in_force: 'IOC', client_order_id };
    case 2: return { symbol: 'BTCUSDT', side: 'sell', quantity: 0.01, price: 44000, time_in_force: 'IOC', client_order_id };
    default: return { symbol: 'BTCUSDT', side: 'buy', quantity: 0.01, price: 43000, time_in_force: 'GTC', client_order_id };
  }
}

/**
 * Every acknowledged order that GET /orders/{order_id} does not find under its client
 * order id; an empty list when nothing acknowledged was lost. (The GET /orders list holds
 * an account's open orders and only its 256 most recent others, so it cannot vouch for a
 * whole flow; the read model keeps OMS_ORDER_HISTORY orders by id.)
 */
export async function lostOrders(oms: OmsServer, acked: Iterable<AckedOrder>): Promise<string[]> {
  const queue = [...acked];
  const lost: string[] = [];
  const reader = async (): Promise<void> => {
    for (let order = queue.pop(); order !== undefined; order = queue.pop()) {
      const found = await oms.request('GET', `/orders/${order.order_id}`, { key: order.key });
      if (found.status !== 200 || found.body.client_order_id !== order.client_order_id) {
        lost.push(`${order.order_id} (${order.client_order_id}): ${found.status} ${found.text.slice(0, 120)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, reader));
  return lost.sort();
}

/** A worker's line on /health/workers. */
export async function workerLine(oms: OmsServer, name: string): Promise<Record<string, any>> {
  const answer = await oms.request('GET', '/health/workers', { key: null });
  const line = answer.body.workers.find((w: { name: string }) => w.name === name);
  if (line === undefined) throw new Error(`/health/workers has no ${name}`);
  return line;
}
