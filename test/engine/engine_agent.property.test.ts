/**
 * Random command sequences through a real engine (orders of every type and TIF, some
 * post-only or reduce-only, on two symbols and two accounts, cancels, replaces, ticks,
 * clock advances, kill switches, trading states, halts, mass cancels, dry-run checks),
 * with the engine's invariants checked after every step and a full replay checked at the
 * end of every run. Post-only orders never fill on arrival; reduce-only fills never grow
 * or flip a position; nothing is accepted while HALTED, only reduce-only while REDUCING;
 * a reduce-only order is never refused by a portfolio limit; the incrementally kept
 * portfolio sums equal a recomputation from the book; a HALTED-plus-cancel-all leaves no
 * open order in its scope; a trailing order's trigger only ever moves towards the market
 * (a sell's up, a buy's down), only while it waits, and a trailing stop-limit's limit
 * keeps its offset from the trigger. Contingent lists (OCO, OUO, OTO, BRACKET) are refused or
 * accepted whole; an OCO pair (a bracket's two exits) never has fills on both members, an
 * OUO pair never fills more between them than the larger of the two, and a held child (OTO,
 * bracket exit) never fills before its parent has left the book, nor more than it filled.
 */
import t from 'tap';
import fc from 'fast-check';
import { isFinalStatus, ContingencyType, ExecInst, OrderStatus, OrderType, Side, TimeInForce, TradingState, EventType } from '../../engine/protocol/enums.js';
import { LIST_ORDERS_MAX } from '../../engine/protocol/order_list_rules.js';
import { isTrailing, isTriggerType, takesPrice } from '../../engine/protocol/order_type_rules.js';
import { EventRecord } from '../../engine/protocol/event_record.js';
import { RejectCode } from '../../engine/protocol/reject_codes.js';
import { stateHash } from '../../engine/state/state_hash.js';
import { EngineHarness, TEST_ACCOUNTS } from '../support/engine_harness.js';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const;
const ACCOUNTS = ['alice', 'bob'] as const;
const START_MID_TICKS = [4_500_000, 250_000];
/** One price step of the random walk and of order prices, in ticks (1 USDT for BTC, 0.10 for ETH). */
const STEP_TICKS = [100, 10];

type Cmd =
  | { kind: 'order'; account: number; symbol: number; side: 'buy' | 'sell'; type: keyof typeof OrderType;
      tif: keyof typeof TimeInForce; qty_lots: number; price_steps: number; stop_steps: number; expire_ms: number;
      session: number; id: number; post_only: boolean; reduce_only: boolean;
      trail_steps: number; trail_bps: number; limit_steps: number; start_trigger: boolean }
  | { kind: 'cancel'; pick: number; account: number }
  | { kind: 'replace'; pick: number; account: number; qty_lots: number; price_steps: number; stop_steps: number; id: number }
  | { kind: 'tick'; symbol: number; move_steps: number; spread_steps: number; bid_lots: number; ask_lots: number; last: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'kill'; account: number; engage: boolean }
  | { kind: 'halt'; symbol: number; halt: boolean }
  | { kind: 'mass_cancel'; account: number; session: number; mask: number }
  | { kind: 'check'; account: number; symbol: number; side: 'buy' | 'sell'; qty_lots: number; price_steps: number }
  | { kind: 'state_hash' }
  | { kind: 'trading_state'; account: number; state: keyof typeof TradingState; cancel_all: boolean }
  | { kind: 'swap_limits'; tight: boolean }
  | { kind: 'list'; contingency: keyof typeof ContingencyType; account: number; symbol: number; side: 'buy' | 'sell';
      members: { type: 'LIMIT' | 'MARKET' | 'STOP'; tif: 'GTC' | 'DAY' | 'IOC'; qty_lots: number; price_steps: number; id: number }[] }
  | { kind: 'cancel_list'; pick: number; account: number };

const accountArb = fc.integer({ min: 0, max: 1 });
const symbolArb = fc.integer({ min: 0, max: 1 });
const sideArb = fc.constantFrom('buy' as const, 'sell' as const);
/** Client order ids come from a small pool (-1 = a fresh one), so resends and conflicts happen. */
const idArb = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 15 }));

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 10, arbitrary: fc.record({
    kind: fc.constant('order' as const), account: accountArb, symbol: symbolArb, side: sideArb,
    type: fc.constantFrom('LIMIT' as const, 'LIMIT' as const, 'MARKET' as const, 'STOP' as const, 'STOP_LIMIT' as const,
      'MARKET_IF_TOUCHED' as const, 'LIMIT_IF_TOUCHED' as const, 'TRAILING_STOP' as const, 'TRAILING_STOP_LIMIT' as const),
    tif: fc.constantFrom('GTC' as const, 'DAY' as const, 'IOC' as const, 'FOK' as const, 'GTD' as const),
    qty_lots: fc.integer({ min: 1, max: 40 }).map((n) => n * 250),
    price_steps: fc.integer({ min: -8, max: 8 }),
    stop_steps: fc.integer({ min: -8, max: 8 }),
    expire_ms: fc.integer({ min: -50, max: 4_000 }),
    session: fc.integer({ min: 0, max: 2 }),
    id: idArb,
    post_only: fc.boolean(),
    reduce_only: fc.boolean(),
    // Trailing orders: a distance in price steps, or (trail_bps > 0) in basis points; a stop-limit's limit offset.
    trail_steps: fc.integer({ min: 1, max: 6 }),
    trail_bps: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 150 })),
    limit_steps: fc.integer({ min: 0, max: 3 }),
    start_trigger: fc.boolean(),
  }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(), account: accountArb }) },
  { weight: 3, arbitrary: fc.record({
    kind: fc.constant('replace' as const), pick: fc.nat(), account: accountArb,
    qty_lots: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 }).map((n) => n * 250)),
    price_steps: fc.oneof(fc.constant(0), fc.integer({ min: -8, max: 8 })),
    stop_steps: fc.oneof(fc.constant(0), fc.integer({ min: -8, max: 8 })), id: idArb,
  }) },
  { weight: 6, arbitrary: fc.record({
    kind: fc.constant('tick' as const), symbol: symbolArb, move_steps: fc.integer({ min: -6, max: 6 }),
    spread_steps: fc.integer({ min: 1, max: 3 }), bid_lots: fc.integer({ min: 0, max: 8_000 }),
    ask_lots: fc.integer({ min: 0, max: 8_000 }), last: fc.integer({ min: -1, max: 1 }),
  }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 2_500 }) }) },
  // Releases are twice as likely as engagements, so switches and halts do not stay on for most of a run.
  { weight: 1, arbitrary: fc.record({
    kind: fc.constant('kill' as const), account: fc.integer({ min: -1, max: 1 }), engage: fc.constantFrom(true, false, false),
  }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('halt' as const), symbol: symbolArb, halt: fc.constantFrom(true, false, false) }) },
  { weight: 1, arbitrary: fc.record({
    kind: fc.constant('mass_cancel' as const), account: accountArb, session: fc.integer({ min: 1, max: 2 }),
    mask: fc.integer({ min: 1, max: 63 }),
  }) },
  { weight: 1, arbitrary: fc.record({
    kind: fc.constant('check' as const), account: accountArb, symbol: symbolArb, side: sideArb,
    qty_lots: fc.integer({ min: 1, max: 40 }).map((n) => n * 250), price_steps: fc.integer({ min: -8, max: 8 }),
  }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('state_hash' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap_limits' as const), tight: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({
    kind: fc.constant('list' as const), contingency: fc.constantFrom('OCO' as const, 'OUO' as const, 'OTO' as const, 'BRACKET' as const),
    account: accountArb, symbol: symbolArb, side: sideArb,
    members: fc.array(fc.record({
      type: fc.constantFrom('LIMIT' as const, 'LIMIT' as const, 'MARKET' as const, 'STOP' as const),
      tif: fc.constantFrom('GTC' as const, 'DAY' as const, 'IOC' as const),
      qty_lots: fc.integer({ min: 1, max: 40 }).map((n) => n * 250), price_steps: fc.integer({ min: -8, max: 8 }), id: idArb,
    }), { minLength: LIST_ORDERS_MAX, maxLength: LIST_ORDERS_MAX }),
  }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel_list' as const), pick: fc.nat(), account: accountArb }) },
  // ACTIVE twice as likely as each restriction, so restrictions do not stay on for most of a run.
  { weight: 1, arbitrary: fc.record({
    kind: fc.constant('trading_state' as const), account: fc.integer({ min: -1, max: 1 }),
    state: fc.constantFrom('ACTIVE' as const, 'ACTIVE' as const, 'REDUCING' as const, 'HALTED' as const),
    cancel_all: fc.constantFrom(false, false, true),
  }) },
);

const LOOSE_LIMITS = {
  accounts: {
    alice: { max_open_orders: 12, position_limits: { BTCUSDT: '2' }, max_gross_notional: '150000' },
    bob: { credit_limit: '150000', rate_per_sec: 20, burst: 15, max_net_notional: '60000' },
  },
};
const TIGHT_LIMITS = {
  accounts: {
    alice: { max_open_orders: 4, position_limits: { BTCUSDT: '0.5' }, max_gross_notional: '40000', max_net_notional: '20000' },
    bob: { credit_limit: '60000', max_net_notional: '15000' },
  },
  symbols: { BTCUSDT: { max_order_qty: '0.05' } },
};

/** A contingent list as its events tell it: each member's fills and quantity as accepted. */
interface ModelList {
  readonly contingency: number;
  readonly filled: number[];
  readonly qty: number[];
  parent_done: boolean;
  /** A client replaced a member: its size is the client's from then on, so the size rules no longer bind the list. */
  amended: boolean;
}

/** What the event stream says, built only from events. */
class EventModel {
  readonly lists = new Map<number, ModelList>();
  readonly member_of = new Map<number, { list: ModelList; index: number }>();
  readonly position = new Map<string, number>();
  /** Where each waiting trailing order's trigger is, by the events. */
  readonly trailing_trigger = new Map<number, { side: number; trigger: number }>();
  readonly last_status = new Map<number, number>();
  readonly final = new Set<number>();
  last_seq = 0;
  seen = 0;

  /** Folds in the events not seen yet; returns the first violation, if any. */
  absorb(events: readonly EventRecord[]): string | null {
    for (; this.seen < events.length; this.seen++) {
      const e = events[this.seen];
      if (e.seq !== this.last_seq + 1) return `event sequence ${e.seq} after ${this.last_seq}`;
      this.last_seq = e.seq;
      if (e.type === EventType.TRIGGER_MOVED) {
        const problem = this.trailingMoved(e);
        if (problem !== null) return problem;
        continue;
      }
      if (e.type === EventType.ORDER_LIST) {
        this.lists.set(e.order_id, { contingency: e.flag, filled: [], qty: [], parent_done: false, amended: false });
        continue;
      }
      const is_order_event = e.type <= EventType.TRIGGERED;
      if (!is_order_event) continue;
      const problem = this.listEvent(e);
      if (problem !== null) return problem;
      if (this.final.has(e.order_id)) return `event ${e.seq} (type ${e.type}) names order ${e.order_id}, which was already final`;
      if (e.filled_qty_lots > e.qty_lots) return `order ${e.order_id} filled ${e.filled_qty_lots} of ${e.qty_lots}`;
      if (e.type === EventType.FILL) {
        if (!(e.last_fill_qty_lots > 0)) return `fill ${e.seq} of ${e.last_fill_qty_lots}`;
        const key = `${e.account}/${e.symbol}`;
        const signed = e.side === Side.BUY ? e.last_fill_qty_lots : -e.last_fill_qty_lots;
        const before = this.position.get(key) ?? 0;
        const after = before + signed;
        // A reduce-only order never grows a position nor flips it.
        if ((e.exec_inst & ExecInst.REDUCE_ONLY) !== 0 && (Math.abs(after) > Math.abs(before) || after * before < 0)) {
          return `reduce-only order ${e.order_id} moved the position from ${before} to ${after} (event ${e.seq})`;
        }
        this.position.set(key, after);
      }
      if (e.type === EventType.REPLACED) {
        if (this.final.has(e.orig_order_id) || !this.last_status.has(e.orig_order_id)) {
          return `REPLACED ${e.seq} names original ${e.orig_order_id}, which is not open`;
        }
        this.last_status.set(e.orig_order_id, OrderStatus.REPLACED);
        this.final.add(e.orig_order_id);
      }
      this.last_status.set(e.order_id, e.status);
      if (isFinalStatus(e.status)) this.final.add(e.order_id);
      if (e.type === EventType.REPLACED) this.trailing_trigger.delete(e.orig_order_id);
      if ((e.type === EventType.ACCEPTED || e.type === EventType.REPLACED) && isTrailing(e.order_type)) {
        this.trailing_trigger.set(e.order_id, { side: e.side, trigger: e.stop_price_ticks });
      }
      if (e.type === EventType.TRIGGERED || isFinalStatus(e.status)) this.trailing_trigger.delete(e.order_id);
    }
    return null;
  }

  /** A trailing trigger never moves back, only while the order waits, and drags a stop-limit's limit with it. */
  private trailingMoved(e: EventRecord): string | null {
    const known = this.trailing_trigger.get(e.order_id);
    if (known === undefined) return `TRIGGER_MOVED ${e.seq} names order ${e.order_id}, which is not a waiting trailing order`;
    if (e.side === Side.SELL ? !(e.stop_price_ticks > known.trigger) : !(e.stop_price_ticks < known.trigger)) {
      return `trailing ${e.side === Side.SELL ? 'sell' : 'buy'} ${e.order_id}: trigger moved back from ${known.trigger} to ${e.stop_price_ticks}`;
    }
    if (e.order_type === OrderType.TRAILING_STOP_LIMIT) {
      const limit = e.side === Side.SELL ? e.stop_price_ticks - e.limit_offset_ticks : e.stop_price_ticks + e.limit_offset_ticks;
      if (e.price_ticks !== limit) return `trailing stop-limit ${e.order_id}: limit ${e.price_ticks} is not ${limit} from trigger ${e.stop_price_ticks}`;
    }
    known.trigger = e.stop_price_ticks;
    this.moves++;
    return null;
  }

  moves = 0;

  /** The list rules, checked on every order event of a list member. */
  private listEvent(e: EventRecord): string | null {
    if (e.type === EventType.ACCEPTED && e.arg > 0) {
      const list = this.lists.get(e.arg);
      if (list === undefined) return `order ${e.order_id} names list ${e.arg}, which no ORDER_LIST event opened`;
      this.member_of.set(e.order_id, { list, index: list.qty.length });
      list.qty.push(e.qty_lots);
      list.filled.push(0);
      return null;
    }
    if (e.type === EventType.REPLACED) {
      const member = this.member_of.get(e.orig_order_id);
      if (member !== undefined) {
        this.member_of.set(e.order_id, member);
        member.list.amended = true;
      }
      return null;
    }
    const member = this.member_of.get(e.order_id);
    if (member === undefined) return null;
    const { list, index } = member;
    const held_kind = list.contingency === ContingencyType.OTO || list.contingency === ContingencyType.BRACKET;
    if (e.type === EventType.FILL) {
      list.filled[index] += e.last_fill_qty_lots;
      if (held_kind && index > 0) {
        if (!list.parent_done) return `held child ${e.order_id} filled before its parent left the book`;
        if (!list.amended && list.filled[index] > list.filled[0]) return `child ${e.order_id} filled ${list.filled[index]}, more than its parent's ${list.filled[0]}`;
      }
      const pair = list.contingency === ContingencyType.OCO ? list.filled : list.contingency === ContingencyType.BRACKET ? list.filled.slice(1) : [];
      if (pair.filter((f) => f > 0).length > 1) return `both members of an OCO pair filled (order ${e.order_id}, event ${e.seq})`;
      if (list.contingency === ContingencyType.OUO && !list.amended && list.filled[0] + list.filled[1] > Math.max(list.qty[0], list.qty[1])) {
        return `an OUO pair filled ${list.filled[0]} + ${list.filled[1]}, more than ${Math.max(list.qty[0], list.qty[1])}`;
      }
    }
    if (held_kind && index === 0 && isFinalStatus(e.status)) list.parent_done = true;
    return null;
  }
}

/** Checks the live state against the event model and against itself; returns the first violation. */
function violations(h: EngineHarness, model: EventModel): string | null {
  const state = h.state;
  const slab = state.slab;
  const book = state.book;
  const symbols = book.symbols;
  const open_orders = new Array<number>(book.accounts).fill(0);
  const open_notional = new Array<number>(book.accounts).fill(0);
  const open_buy = new Array<number>(book.accounts * symbols).fill(0);
  const open_sell = new Array<number>(book.accounts * symbols).fill(0);
  const resting_buys = new Array<number>(book.accounts * symbols).fill(0);
  const resting_sells = new Array<number>(book.accounts * symbols).fill(0);
  const best_buy = new Array<number>(book.accounts * symbols).fill(0);
  const best_sell = new Array<number>(book.accounts * symbols).fill(Infinity);
  const open_ids = new Set<number>();
  let open_with_expiry = 0;
  for (let account = 0; account < book.accounts; account++) {
    for (let slot = slab.account_head[account]; slot >= 0; slot = slab.nextInAccount(slot)) {
      const id = slab.order_id[slot];
      open_ids.add(id);
      if (state.slotOf(id) !== slot) return `order ${id} is in slot ${slot} but the index says ${state.slotOf(id)}`;
      if (slab.account[slot] !== account) return `order ${id} is on account ${account}'s list but belongs to ${slab.account[slot]}`;
      const filled = slab.filled_qty_lots[slot];
      const qty = slab.qty_lots[slot];
      if (!(filled >= 0 && filled < qty)) return `open order ${id} has filled ${filled} of ${qty}`;
      const expected_status = filled > 0 ? OrderStatus.PARTIALLY_FILLED : OrderStatus.ACCEPTED;
      if (slab.status[slot] !== expected_status) return `open order ${id} has status ${slab.status[slot]} with ${filled} filled`;
      if (model.last_status.get(id) !== slab.status[slot]) {
        return `open order ${id} has status ${slab.status[slot]}, its last event said ${model.last_status.get(id)}`;
      }
      if (model.final.has(id)) return `order ${id} is open in the slab but final in the events`;
      if (isTrailing(slab.order_type[slot]) && model.trailing_trigger.get(id)?.trigger !== slab.stop_price_ticks[slot]) {
        return `trailing order ${id} has trigger ${slab.stop_price_ticks[slot]}, its events say ${model.trailing_trigger.get(id)?.trigger}`;
      }
      const leaves = qty - filled;
      const cell = account * symbols + slab.symbol[slot];
      const tif = slab.time_in_force[slot];
      if (slab.expire_at_ms[slot] > 0 && tif !== TimeInForce.IOC && tif !== TimeInForce.FOK) open_with_expiry++;
      open_orders[account]++;
      open_notional[account] += leaves * slab.ref_price_ticks[slot] * state.notional_scale[slab.symbol[slot]];
      if (slab.side[slot] === Side.BUY) open_buy[cell] += leaves;
      else open_sell[cell] += leaves;
      if (state.isResting(slot)) {
        const price = state.stpPrice(slot);
        if (slab.side[slot] === Side.BUY) { resting_buys[cell]++; best_buy[cell] = Math.max(best_buy[cell], price); }
        else { resting_sells[cell]++; best_sell[cell] = Math.min(best_sell[cell], price); }
      }
    }
  }
  if (open_ids.size !== slab.live) return `slab.live ${slab.live} but ${open_ids.size} orders on the account lists`;
  // Every open list member is where its list says, and a list lives exactly while a member is open.
  const lists = state.lists;
  const open_lists = new Set<number>();
  for (let slot = 0; slot < slab.capacity; slot++) {
    const list = lists.list_of[slot];
    if (list < 0) continue;
    if (slab.status[slot] === 0) return `a free slot ${slot} is still in list ${lists.id[list]}`;
    if (lists.memberSlot(list, lists.member[slot]) !== slot) return `order ${slab.order_id[slot]} is not where its list ${lists.id[list]} says`;
    if (lists.held[slot] !== 0 && slab.filled_qty_lots[slot] > 0) return `held order ${slab.order_id[slot]} has fills`;
    open_lists.add(list);
  }
  if (open_lists.size !== lists.live) return `${lists.live} lists live, ${open_lists.size} with an open member`;
  if (h.engine.agent.expiry_queue_length !== open_with_expiry) {
    return `the expiry queue holds ${h.engine.agent.expiry_queue_length} entries for ${open_with_expiry} open orders with an expiry`;
  }
  for (const [id, status] of model.last_status) {
    if (!isFinalStatus(status) && status !== OrderStatus.REJECTED && !open_ids.has(id)) return `order ${id} is open in the events but not in the slab`;
  }
  for (let account = 0; account < book.accounts; account++) {
    if (book.open_orders[account] !== open_orders[account]) return `account ${account} open_orders ${book.open_orders[account]} != ${open_orders[account]}`;
    if (book.open_notional_micros[account] !== open_notional[account]) {
      return `account ${account} open notional ${book.open_notional_micros[account]} != ${open_notional[account]}`;
    }
    for (let symbol = 0; symbol < symbols; symbol++) {
      const cell = account * symbols + symbol;
      if (book.open_buy_lots[cell] !== open_buy[cell]) return `cell ${cell} open buys ${book.open_buy_lots[cell]} != ${open_buy[cell]}`;
      if (book.open_sell_lots[cell] !== open_sell[cell]) return `cell ${cell} open sells ${book.open_sell_lots[cell]} != ${open_sell[cell]}`;
      const position = model.position.get(`${account}/${symbol}`) ?? 0;
      if (book.position_lots[cell] !== position) return `cell ${cell} position ${book.position_lots[cell]} != fills ${position}`;
      // Self-trade prevention's counts and best prices are exact.
      if (book.resting_buys[cell] !== resting_buys[cell] || book.resting_sells[cell] !== resting_sells[cell]) {
        return `cell ${cell} resting counts ${book.resting_buys[cell]}/${book.resting_sells[cell]} != ${resting_buys[cell]}/${resting_sells[cell]}`;
      }
      if (book.bestRestingBuy(cell) !== best_buy[cell] || book.bestRestingSell(cell) !== best_sell[cell]) {
        return `cell ${cell} best resting prices ${book.bestRestingBuy(cell)}/${book.bestRestingSell(cell)} != ${best_buy[cell]}/${best_sell[cell]}`;
      }
    }
    const held = new Set<number>();
    for (let k = 0; k < book.held_count[account]; k++) held.add(book.held_symbols[account * symbols + k]);
    for (let symbol = 0; symbol < symbols; symbol++) {
      if (held.has(symbol) !== (book.position_lots[account * symbols + symbol] !== 0)) return `account ${account} held-symbol list is wrong for ${symbol}`;
    }
    if (held.size !== book.held_count[account]) return `account ${account} holds a symbol twice`;
    // The portfolio sums, kept incrementally, equal a recomputation at the same values.
    const portfolio = state.portfolio;
    let gross = 0;
    let net_long = 0;
    let net_short = 0;
    for (let symbol = 0; symbol < symbols; symbol++) {
      const cell = account * symbols + symbol;
      const per_lot = portfolio.value_ticks[symbol] * state.notional_scale[symbol];
      gross += (Math.abs(book.position_lots[cell]) + book.open_buy_lots[cell] + book.open_sell_lots[cell]) * per_lot;
      net_long += (book.position_lots[cell] + book.open_buy_lots[cell]) * per_lot;
      net_short += (book.position_lots[cell] - book.open_sell_lots[cell]) * per_lot;
    }
    const off = (kept: number, exact: number) => Math.abs(kept - exact) > 1e-6 * Math.max(1, Math.abs(exact));
    if (off(portfolio.gross_micros[account], gross) || off(portfolio.net_long_micros[account], net_long) || off(portfolio.net_short_micros[account], net_short)) {
      return `account ${account} portfolio sums ${portfolio.gross_micros[account]}/${portfolio.net_long_micros[account]}/${portfolio.net_short_micros[account]} != ${gross}/${net_long}/${net_short}`;
    }
  }
  for (let symbol = 0; symbol < symbols; symbol++) {
    const mark = h.engine.marks.last_ticks[symbol];
    if (mark > 0 && state.portfolio.value_ticks[symbol] !== mark) return `symbol ${symbol} valued at ${state.portfolio.value_ticks[symbol]}, its mark is ${mark}`;
  }
  return null;
}

const PORTFOLIO_CODES: readonly number[] = [RejectCode.PORTFOLIO_NET_LIMIT, RejectCode.PORTFOLIO_GROSS_LIMIT];

function ticksText(ticks: number): string {
  return (ticks / 100).toFixed(2);
}

function lotsText(lots: number): string {
  return (lots / 10_000).toFixed(4);
}

/** Mostly one of the account's open orders; every fourth pick any order ever placed (often closed). */
function pickOrder(h: EngineHarness, pick: number, account: number, known_ids: readonly number[]): number {
  const slab = h.state.slab;
  const open: number[] = [];
  for (let slot = slab.account_head[account]; slot >= 0; slot = slab.nextInAccount(slot)) open.push(slab.order_id[slot]);
  if (pick % 4 !== 0 && open.length > 0) return open[(pick >> 2) % open.length];
  return known_ids.length === 0 ? 1 : known_ids[pick % known_ids.length];
}

/** A post-only order must never fill in the command that placed (or replaced) it. */
function takenOnArrival(events: readonly EventRecord[], order_id: number): string | null {
  const fill = events.find((e) => e.type === EventType.FILL && e.order_id === order_id);
  return fill === undefined ? null : `post-only order ${order_id} filled on arrival (event ${fill.seq})`;
}

/** Runs one command; returns a violation found in the command's own answer, if any. */
function run(h: EngineHarness, cmd: Cmd, mid: number[], known_ids: number[], known_lists: number[]): string | null {
  const priceAt = (symbol: number, steps: number) => ticksText(mid[symbol] + steps * STEP_TICKS[symbol]);
  const clientId = (id: number) => (id < 0 ? undefined : `c${id}`);
  switch (cmd.kind) {
    case 'order': {
      const symbol = SYMBOLS[cmd.symbol];
      const needs_price = takesPrice(OrderType[cmd.type]);
      const trailing = isTrailing(OrderType[cmd.type]);
      // A trailing order's start trigger is optional: without one the engine trails the last price.
      const needs_stop = isTriggerType(OrderType[cmd.type]) && (!trailing || cmd.start_trigger);
      const needs_expiry = cmd.tif === 'DAY' || cmd.tif === 'GTD';
      // The edge lets post-only through on resting LIMIT orders only (exec_inst_rules.ts).
      const post_only = cmd.post_only && cmd.type === 'LIMIT' && cmd.tif !== 'IOC' && cmd.tif !== 'FOK';
      const trading = Math.max(h.state.global_trading_state, h.state.book.trading_state[cmd.account]);
      const outcome = h.order({
        account: ACCOUNTS[cmd.account], symbol, side: cmd.side, type: cmd.type, tif: cmd.tif, qty: lotsText(cmd.qty_lots),
        price: needs_price ? priceAt(cmd.symbol, cmd.price_steps) : undefined,
        stop: needs_stop ? priceAt(cmd.symbol, cmd.stop_steps === 0 ? 1 : cmd.stop_steps) : undefined,
        expire_at_ms: needs_expiry ? h.clock.now_us / 1000 + cmd.expire_ms : 0,
        session_id: cmd.session, id: clientId(cmd.id), post_only, reduce_only: cmd.reduce_only,
        trail: trailing && cmd.trail_bps === 0 ? ticksText(cmd.trail_steps * STEP_TICKS[cmd.symbol]) : undefined,
        trail_bps: trailing && cmd.trail_bps > 0 ? cmd.trail_bps : undefined,
        limit_offset: cmd.type === 'TRAILING_STOP_LIMIT' ? ticksText(cmd.limit_steps * STEP_TICKS[cmd.symbol]) : undefined,
      });
      if (outcome.reply.code === RejectCode.OK && outcome.reply.flag === 0) known_ids.push(outcome.reply.order_id);
      const accepted = outcome.events.some((e) => e.type === EventType.ACCEPTED);
      if (accepted && trading === TradingState.HALTED) return `order ${outcome.reply.order_id} accepted while HALTED`;
      if (accepted && trading === TradingState.REDUCING && !cmd.reduce_only) return `plain order ${outcome.reply.order_id} accepted while REDUCING`;
      if (cmd.reduce_only && PORTFOLIO_CODES.includes(outcome.reply.code)) return `reduce-only order refused by a portfolio limit (${outcome.reply.code})`;
      return post_only ? takenOnArrival(outcome.events, outcome.reply.order_id) : null;
    }
    case 'cancel': {
      const id = pickOrder(h, cmd.pick, cmd.account, known_ids);
      const outcome = h.cancel(id, ACCOUNTS[cmd.account]);
      if (outcome.reply.code !== RejectCode.OK && outcome.reply.code !== RejectCode.UNKNOWN_ORDER) return `cancel answered ${outcome.reply.code}`;
      return null;
    }
    case 'replace': {
      const id = pickOrder(h, cmd.pick, cmd.account, known_ids);
      const slot = h.state.slotOf(id);
      const symbol = slot >= 0 ? h.state.slab.symbol[slot] : 0;
      const type = slot >= 0 ? h.state.slab.order_type[slot] : OrderType.LIMIT;
      // What the edge lets a replace amend (amend_rules.ts).
      const has_price = takesPrice(type);
      const has_stop = isTriggerType(type);
      // Read before the replace: the original's slot is released by it.
      const post_only = slot >= 0 && (h.state.slab.exec_inst[slot] & ExecInst.POST_ONLY) !== 0;
      const reduce_only = slot >= 0 && (h.state.slab.exec_inst[slot] & ExecInst.REDUCE_ONLY) !== 0;
      const outcome = h.replace(id, {
        account: ACCOUNTS[cmd.account], symbol: SYMBOLS[symbol], id: clientId(cmd.id),
        qty: cmd.qty_lots > 0 ? lotsText(cmd.qty_lots) : undefined,
        price: has_price && cmd.price_steps !== 0 ? priceAt(symbol, cmd.price_steps) : undefined,
        stop: has_stop && cmd.stop_steps !== 0 ? priceAt(symbol, cmd.stop_steps) : undefined,
      });
      if (outcome.reply.code === RejectCode.OK && outcome.reply.flag === 0) known_ids.push(outcome.reply.order_id);
      if (reduce_only && PORTFOLIO_CODES.includes(outcome.reply.code)) return `reduce-only replace refused by a portfolio limit (${outcome.reply.code})`;
      return post_only ? takenOnArrival(outcome.events, outcome.reply.order_id) : null;
    }
    case 'tick': {
      const step = STEP_TICKS[cmd.symbol];
      const lowest = START_MID_TICKS[cmd.symbol] * 0.95;
      mid[cmd.symbol] = Math.max(lowest, mid[cmd.symbol] + cmd.move_steps * step);
      const bid = mid[cmd.symbol] - cmd.spread_steps * step;
      const ask = mid[cmd.symbol] + cmd.spread_steps * step;
      const last = cmd.last < 0 ? bid : cmd.last > 0 ? ask : mid[cmd.symbol];
      h.setMarket(SYMBOLS[cmd.symbol], {
        bid: ticksText(bid), ask: ticksText(ask), last: ticksText(last), bid_size: lotsText(cmd.bid_lots), ask_size: lotsText(cmd.ask_lots),
      });
      return null;
    }
    case 'advance':
      h.advanceMs(cmd.ms);
      return null;
    case 'kill':
      h.killSwitch(cmd.account < 0 ? null : ACCOUNTS[cmd.account], cmd.engage);
      return null;
    case 'halt':
      h.halt(SYMBOLS[cmd.symbol], cmd.halt);
      return null;
    case 'mass_cancel':
      h.massCancel(ACCOUNTS[cmd.account], cmd.session, cmd.mask << 1);
      return null;
    case 'check': {
      const before = h.all_events.length;
      const live = h.state.slab.live;
      h.check({
        account: ACCOUNTS[cmd.account], symbol: SYMBOLS[cmd.symbol], side: cmd.side, qty: lotsText(cmd.qty_lots),
        price: priceAt(cmd.symbol, cmd.price_steps),
      });
      if (h.all_events.length !== before || h.state.slab.live !== live) return 'a dry-run check changed something';
      return null;
    }
    case 'trading_state': {
      if (h.tradingState(cmd.account < 0 ? null : ACCOUNTS[cmd.account], cmd.state, cmd.cancel_all).reply.code !== RejectCode.OK) {
        return 'a trading state change was refused';
      }
      if (!cmd.cancel_all) return null;
      const slab = h.state.slab;
      for (let account = 0; account < ACCOUNTS.length; account++) {
        if ((cmd.account < 0 || cmd.account === account) && slab.account_head[account] >= 0) return `account ${account} has open orders after cancel-all`;
      }
      return null;
    }
    case 'swap_limits':
      h.swapLimits(cmd.tight ? TIGHT_LIMITS : LOOSE_LIMITS, h.state.limits_version + 1);
      return null;
    case 'list': {
      const symbol = SYMBOLS[cmd.symbol];
      const other = cmd.side === 'buy' ? 'sell' as const : 'buy' as const;
      const count = cmd.contingency === 'OCO' || cmd.contingency === 'OUO' ? 2 : cmd.contingency === 'BRACKET' ? 3 : 2 + (cmd.members[3].qty_lots % 3);
      const orders = cmd.members.slice(0, count).map((m, k) => {
        // A bracket's shape: an entry, a take-profit LIMIT and a STOP stop-loss on the other side.
        const type = cmd.contingency === 'BRACKET' ? (k === 0 ? m.type : k === 1 ? 'LIMIT' : 'STOP') : m.type;
        const side = cmd.contingency === 'BRACKET' && k > 0 ? other : k % 2 === 0 ? cmd.side : other;
        return {
          account: ACCOUNTS[cmd.account], symbol, side, type, tif: m.tif, qty: lotsText(m.qty_lots),
          price: type === 'LIMIT' ? priceAt(cmd.symbol, m.price_steps) : undefined,
          stop: type === 'STOP' ? priceAt(cmd.symbol, m.price_steps === 0 ? 1 : m.price_steps) : undefined,
          expire_at_ms: m.tif === 'DAY' ? h.clock.now_us / 1000 + 3_000 : 0, id: clientId(m.id),
        };
      });
      const trading = Math.max(h.state.global_trading_state, h.state.book.trading_state[cmd.account]);
      const before = h.all_events.length;
      const outcome = h.orderList(cmd.contingency, orders);
      const events = h.all_events.slice(before);
      if (outcome.reply.code !== RejectCode.OK && events.length > 0) return `a refused list (${outcome.reply.code}) left ${events.length} events`;
      if (outcome.reply.code === RejectCode.OK && outcome.reply.flag === 0) {
        if (trading !== TradingState.ACTIVE) return `list ${outcome.reply.order_id} accepted while trading state ${trading}`;
        if (events[0]?.type !== EventType.ORDER_LIST || events.slice(1, 1 + count).some((e) => e.type !== EventType.ACCEPTED || e.arg !== outcome.reply.order_id)) {
          return `list ${outcome.reply.order_id} was not accepted whole`;
        }
        known_lists.push(outcome.reply.order_id);
      }
      return null;
    }
    case 'cancel_list': {
      const id = known_lists.length === 0 ? 1 : known_lists[cmd.pick % known_lists.length];
      const outcome = h.cancelList(id, ACCOUNTS[cmd.account]);
      if (outcome.reply.code !== RejectCode.OK && outcome.reply.code !== RejectCode.UNKNOWN_ORDER_LIST) return `list cancel answered ${outcome.reply.code}`;
      if (outcome.reply.code === RejectCode.OK && h.state.lists.find(id) >= 0) return `list ${id} still has open members after its cancel`;
      return null;
    }
    case 'state_hash': {
      const expected = stateHash(h.state);
      const outcome = h.stateHash();
      return outcome.reply.arg === expected ? null : 'STATE_HASH answered a different hash';
    }
  }
}

t.test('random command sequences keep every engine invariant and replay to the same state', (t) => {
  let runs = 0;
  const by_type = new Map<number, number>();
  let portfolio_refusals = 0;
  fc.assert(fc.property(fc.array(cmdArb, { minLength: 1, maxLength: 200, size: 'max' }), (cmds) => {
    const h = new EngineHarness({ accounts: TEST_ACCOUNTS, overrides: LOOSE_LIMITS });
    const mid = [...START_MID_TICKS];
    h.setMarket('BTCUSDT', { bid: ticksText(mid[0] - 100), ask: ticksText(mid[0] + 100), last: ticksText(mid[0]), bid_size: '0.5', ask_size: '0.5' });
    h.setMarket('ETHUSDT', { bid: ticksText(mid[1] - 10), ask: ticksText(mid[1] + 10), last: ticksText(mid[1]), bid_size: '0.5', ask_size: '0.5' });
    const model = new EventModel();
    const known_ids: number[] = [];
    const known_lists: number[] = [];
    for (let i = 0; i < cmds.length; i++) {
      const problem = run(h, cmds[i], mid, known_ids, known_lists) ?? model.absorb(h.all_events) ?? violations(h, model);
      if (problem !== null) throw new Error(`after command ${i} (${JSON.stringify(cmds[i])}): ${problem}`);
    }
    let checkpoint_mismatch: string | null = null;
    const replayed = h.replayState((state, event) => {
      if (event.type === EventType.STATE_HASH && stateHash(state) !== event.arg) checkpoint_mismatch = `STATE_HASH at seq ${event.seq}`;
    });
    if (checkpoint_mismatch !== null) throw new Error(`replay disagrees with ${checkpoint_mismatch}`);
    if (stateHash(replayed) !== stateHash(h.state)) throw new Error('replay of all events gives a different state hash');
    runs++;
    for (const e of h.all_events) {
      by_type.set(e.type, (by_type.get(e.type) ?? 0) + 1);
      if (e.type === EventType.REJECTED && PORTFOLIO_CODES.includes(e.reject_code)) portfolio_refusals++;
    }
  }), { numRuns: 2500 });
  const names = Object.fromEntries(Object.entries(EventType).map(([name, type]) => [name, by_type.get(type) ?? 0]));
  t.comment(`${runs} runs; events by type: ${JSON.stringify(names)}`);
  for (const type of [EventType.FILL, EventType.REPLACED, EventType.EXPIRED, EventType.TRIGGERED, EventType.CANCELED, EventType.LIMITS_SWAPPED,
    EventType.TRIGGER_MOVED]) {
    t.ok((by_type.get(type) ?? 0) > runs / 20, `the runs exercised event type ${type}, not only resting orders`);
  }
  t.ok((by_type.get(EventType.ORDER_LIST) ?? 0) > runs / 20, 'the runs placed contingent lists');
  t.ok((by_type.get(EventType.LIST_UPDATED) ?? 0) > 0, 'lists released or reduced members');
  t.ok(portfolio_refusals > runs / 20, `the portfolio limits refused orders (${portfolio_refusals}), so their exemptions were tested`);
  t.end();
});
