/**
 * Sends the soak's order mix (order_mix.ts) at a steady rate over HTTP: a 10 ms tick puts
 * out as many requests as the rate says are due, to the accounts in turn, and keeps at
 * most MAX_IN_FLIGHT unanswered (a request due beyond that is counted `behind` and not
 * sent: the rate stays the planned one, never a burst to catch up). It keeps what the OMS
 * acknowledged (for the end checks), each account's resting orders (for cancels and
 * replaces), refusals by code, and requests that got no answer (the OMS was down).
 */
import type { SoakAccount } from './soak_oms.js';
import type { HttpJsonClient } from './http_client.js';
import { MixAction, ORDER_KINDS, OrderKind, OrderMix, RestingOrder, Touch } from './order_mix.js';

const TICK_MS = 10;
const MARKS_EVERY_MS = 250;
const MAX_IN_FLIGHT = 256;

export interface AckedOrder {
  readonly order_id: string;
  readonly account: number;
  readonly client_order_id: string;
  readonly kind: OrderKind;
}

export class OrderDriver {
  /** New orders and replacement orders the OMS acknowledged (HTTP 200). */
  readonly acked: AckedOrder[] = [];
  readonly sent_by_kind = Object.fromEntries(ORDER_KINDS.map((k) => [k, 0])) as Record<OrderKind, number>;
  readonly ok_by_kind = Object.fromEntries(ORDER_KINDS.map((k) => [k, 0])) as Record<OrderKind, number>;
  /** Refusals by code (FIX-style names from the reject catalogue). */
  readonly refusals = new Map<string, number>();
  /** Requests that got no answer: the connection was refused or cut (the OMS was down). */
  unanswered = 0;
  /** Requests due while MAX_IN_FLIGHT were unanswered: not sent. */
  behind = 0;
  /** Highest order id any answer named: how far the OMS's order-id-indexed tables have filled. */
  max_order_id = 0;
  private readonly resting: RestingOrder[][];
  private readonly marks = new Map<string, Touch>();
  private in_flight = 0;
  private scheduled = 0;
  private next_account = 0;
  private client_seq = 0;
  private started_ms = 0;
  private tick_timer: NodeJS.Timeout | undefined;
  private marks_timer: NodeJS.Timeout | undefined;
  private settled: (() => void) | null = null;

  constructor(
    private readonly client: HttpJsonClient,
    private readonly accounts: readonly SoakAccount[],
    private readonly rate_per_s: number,
    private readonly mix: OrderMix,
  ) {
    this.resting = accounts.map(() => []);
  }

  get sent(): number {
    return ORDER_KINDS.reduce((sum, k) => sum + this.sent_by_kind[k], 0);
  }

  /** Orders each account has resting, as far as the driver knows (it learns of fills only when a cancel fails). */
  get resting_known(): number {
    return this.resting.reduce((sum, pool) => sum + pool.length, 0);
  }

  async start(): Promise<void> {
    await this.refreshMarks();
    this.started_ms = Date.now();
    this.tick_timer = setInterval(() => this.tick(), TICK_MS);
    this.marks_timer = setInterval(() => { void this.refreshMarks(); }, MARKS_EVERY_MS);
  }

  /** Stops sending; resolves once every request has its answer. */
  async stop(): Promise<void> {
    clearInterval(this.tick_timer);
    clearInterval(this.marks_timer);
    if (this.in_flight > 0) await new Promise<void>((resolve) => { this.settled = resolve; });
  }

  private tick(): void {
    const due = Math.floor(((Date.now() - this.started_ms) * this.rate_per_s) / 1000) - this.scheduled;
    for (let n = 0; n < due; n++) {
      this.scheduled++;
      if (this.in_flight >= MAX_IN_FLIGHT) {
        this.behind++;
        continue;
      }
      const account = this.next_account;
      this.next_account = (this.next_account + 1) % this.accounts.length;
      const client_order_id = `s${account}-${++this.client_seq}`;
      const action = this.mix.next(account, this.resting[account], (symbol) => this.marks.get(symbol), client_order_id);
      if (action !== null) this.send(account, action);
    }
  }

  private send(account: number, action: MixAction): void {
    this.sent_by_kind[action.kind]++;
    this.in_flight++;
    const headers = { 'x-api-key': this.accounts[account].api_key };
    this.client.request(action.method, action.path, headers, 'body' in action ? action.body : undefined).then(
      (answer) => this.onAnswer(account, action, answer.status, answer.body),
      () => { this.unanswered++; },
    ).finally(() => {
      this.in_flight--;
      if (this.in_flight === 0 && this.settled !== null) this.settled();
    });
  }

  private onAnswer(account: number, action: MixAction, status: number, body: any): void {
    const order_id = typeof body?.order_id === 'string' ? body.order_id : null;
    if (order_id !== null && Number(order_id) > this.max_order_id) this.max_order_id = Number(order_id);
    if (status !== 200 || body?.success !== true) {
      const code = typeof body?.code === 'string' ? body.code : `HTTP_${status}`;
      this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
      return;
    }
    this.ok_by_kind[action.kind]++;
    if (action.kind === 'cancel' || order_id === null) return;
    this.acked.push({ order_id, account, client_order_id: body.client_order_id, kind: action.kind });
    if (body.status === 'ACCEPTED' && body.order_type === 'LIMIT') this.resting[account].push({ order_id, symbol: body.symbol });
  }

  private async refreshMarks(): Promise<void> {
    try {
      const answer = await this.client.request('GET', '/tickers', {});
      if (answer.status !== 200 || !Array.isArray(answer.body)) return;
      for (const t of answer.body) if (t.bid > 0 && t.ask > 0) this.marks.set(t.symbol, { bid: t.bid, ask: t.ask });
    } catch {
      // The OMS is down (the restart): keep the last marks.
    }
  }
}
