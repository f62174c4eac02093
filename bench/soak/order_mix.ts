/**
 * What a soak client sends next: a realistic mix for one account, priced from the current
 * marks. Accounts alternate between two roles so that the self-trade check seldom has to
 * refuse (an account's aggressive orders never reach its own resting ones):
 *  - even accounts rest buys below the market (DAY and GTC), buy at market, and place buy
 *    stops above it; odd accounts do the mirror image;
 *  - every account also trades IOC limits on both sides, priced through the touch but not
 *    through its own resting orders;
 *  - cancels and cancel/replaces (PATCH: a new price and quantity) pick among the
 *    account's resting orders; above `max_resting` resting orders a new resting order
 *    turns into a cancel, so open orders level off instead of growing for the whole run.
 * Stops sit 5 to 30 basis points from the touch, where the simulated market's walk
 * reaches them within seconds to minutes: they trigger during the run.
 *
 * Pure: the random source and the marks come in; the driver does the sending.
 */

export const ORDER_KINDS = ['limit_day', 'limit_gtc', 'cancel', 'replace', 'ioc', 'market', 'stop', 'stop_limit'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

/** Share of each kind in the mix (sums to 1). */
export const MIX: Readonly<Record<OrderKind, number>> = {
  limit_day: 0.12, limit_gtc: 0.13, cancel: 0.20, replace: 0.10, ioc: 0.17, market: 0.12, stop: 0.10, stop_limit: 0.06,
};

export interface Touch {
  readonly bid: number;
  readonly ask: number;
}

interface SymbolSpec {
  readonly symbol: string;
  /** Quantity range in lots and the lot size. */
  readonly lot: number;
  readonly lots_min: number;
  readonly lots_max: number;
  readonly weight: number;
}

/** The demo instruments (engine/reference/instruments.ts): tick 0.01 for all three. */
const SYMBOLS: readonly SymbolSpec[] = [
  { symbol: 'BTCUSDT', lot: 0.0001, lots_min: 10, lots_max: 100, weight: 0.5 },
  { symbol: 'ETHUSDT', lot: 0.0001, lots_min: 100, lots_max: 1000, weight: 0.3 },
  { symbol: 'SOLUSDT', lot: 0.01, lots_min: 10, lots_max: 100, weight: 0.2 },
];
export const SOAK_SYMBOLS: readonly string[] = SYMBOLS.map((s) => s.symbol);

export interface RestingOrder {
  readonly order_id: string;
  readonly symbol: string;
}

export type MixAction =
  | { readonly kind: Exclude<OrderKind, 'cancel' | 'replace'>; readonly method: 'POST'; readonly path: '/orders'; readonly body: Record<string, unknown> }
  | { readonly kind: 'cancel'; readonly method: 'DELETE'; readonly path: string; readonly order_id: string }
  | { readonly kind: 'replace'; readonly method: 'PATCH'; readonly path: string; readonly order_id: string; readonly body: Record<string, unknown> };

export class OrderMix {
  private readonly cumulative: [OrderKind, number][];

  constructor(private readonly random: () => number, private readonly max_resting: number) {
    let sum = 0;
    this.cumulative = ORDER_KINDS.map((kind) => [kind, (sum += MIX[kind])]);
  }

  /**
   * The next action for `account`, given its resting orders (the driver's pool; the action
   * takes the order it cancels or replaces out of it) and the touch per symbol (undefined:
   * no mark yet, so only cancels are possible).
   */
  next(account: number, resting: RestingOrder[], touch: (symbol: string) => Touch | undefined, client_order_id: string): MixAction | null {
    let kind = this.pick();
    const resting_kind = kind === 'limit_day' || kind === 'limit_gtc';
    if (resting_kind && resting.length >= this.max_resting) kind = 'cancel';
    if ((kind === 'cancel' || kind === 'replace') && resting.length === 0) kind = 'limit_gtc';
    if (kind === 'cancel' || kind === 'replace') {
      const [order] = resting.splice(Math.floor(this.random() * resting.length), 1);
      if (kind === 'cancel') return { kind, method: 'DELETE', path: `/orders/${order.order_id}`, order_id: order.order_id };
      const spec = SYMBOLS.find((s) => s.symbol === order.symbol)!;
      const t = touch(order.symbol);
      if (t === undefined) return { kind: 'cancel', method: 'DELETE', path: `/orders/${order.order_id}`, order_id: order.order_id };
      return {
        kind, method: 'PATCH', path: `/orders/${order.order_id}`, order_id: order.order_id,
        body: { price: this.restingPrice(account, t), quantity: this.quantity(spec) },
      };
    }
    const spec = this.symbol();
    const t = touch(spec.symbol);
    if (t === undefined) return null;
    const buyer = account % 2 === 0;
    const own_side = buyer ? 'buy' : 'sell';
    const base = { symbol: spec.symbol, quantity: this.quantity(spec), client_order_id };
    switch (kind) {
      case 'limit_day':
      case 'limit_gtc':
        return { kind, method: 'POST', path: '/orders', body: { ...base, side: own_side, price: this.restingPrice(account, t), time_in_force: kind === 'limit_day' ? 'DAY' : 'GTC' } };
      case 'ioc': {
        // Through the touch by 5 bps, never as far as the account's own resting orders (20+ bps away).
        const side = this.random() < 0.5 ? 'buy' : 'sell';
        const price = side === 'buy' ? t.ask * 1.0005 : t.bid * 0.9995;
        return { kind, method: 'POST', path: '/orders', body: { ...base, side, price: cents(price), time_in_force: 'IOC' } };
      }
      case 'market':
        return { kind, method: 'POST', path: '/orders', body: { ...base, side: own_side, order_type: 'MARKET', time_in_force: 'IOC' } };
      case 'stop':
      case 'stop_limit': {
        const away = 0.0005 + this.random() * 0.0025;
        const stop = buyer ? t.ask * (1 + away) : t.bid * (1 - away);
        const body: Record<string, unknown> = { ...base, side: own_side, order_type: kind === 'stop' ? 'STOP' : 'STOP_LIMIT', stop_price: cents(stop) };
        if (kind === 'stop_limit') body.price = cents(buyer ? stop * 1.002 : stop * 0.998);
        return { kind, method: 'POST', path: '/orders', body };
      }
    }
  }

  private pick(): OrderKind {
    const r = this.random();
    for (const [kind, edge] of this.cumulative) if (r < edge) return kind;
    return 'ioc';
  }

  private symbol(): SymbolSpec {
    let r = this.random();
    for (const spec of SYMBOLS) {
      if (r < spec.weight) return spec;
      r -= spec.weight;
    }
    return SYMBOLS[0];
  }

  private quantity(spec: SymbolSpec): number {
    const lots = spec.lots_min + Math.floor(this.random() * (spec.lots_max - spec.lots_min + 1));
    return Number((lots * spec.lot).toFixed(6));
  }

  /** 20 to 200 basis points behind the touch, on the account's own side. */
  private restingPrice(account: number, t: Touch): number {
    const away = 0.002 + this.random() * 0.018;
    return cents(account % 2 === 0 ? t.bid * (1 - away) : t.ask * (1 + away));
  }
}

function cents(price: number): number {
  return Math.round(price * 100) / 100;
}

