/**
 * The order read model on its own: a pure applier of engine events. Every answer about an
 * order (GET /orders, the reply to a place or cancel, execution reports) is rendered from
 * it, so what it holds after a run of events must be what the engine decided. The events
 * here are the engine's own: a real engine on the test's thread (EngineHarness) emits
 * them, and the store reads the raw event slots exactly as the io thread does.
 */
import t from 'tap';
import { EventType, isFinalStatus, OrderStatus } from '../../../engine/protocol/enums.js';
import { EVENT_SLOT_BYTES } from '../../../engine/protocol/event_layout.js';
import { EventRecord } from '../../../engine/protocol/event_record.js';
import { RejectCode } from '../../../engine/protocol/reject_codes.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { OrderRecord, OrderStore, RECENT_PER_ACCOUNT } from '../../../services/read_model/order_store.js';
import { encodeEvent } from '../support/journal_fixture.js';
import { EngineHarness } from '../../support/engine_harness.js';

/** Feeds the store every event the harness's engine emitted since the last call, as raw slots. */
class StoreFeed {
  private applied = 0;

  constructor(readonly h: EngineHarness, readonly store: OrderStore) {}

  /** Applies the new events one by one; `after` sees each event once the store has applied it. */
  catchUp(after?: (event: EventRecord) => void): void {
    const bytes = this.h.journalBytes();
    const views = slotViewsOver(bytes.buffer);
    for (; this.applied < this.h.all_events.length; this.applied++) {
      this.store.apply(views, this.applied * EVENT_SLOT_BYTES);
      after?.(this.h.all_events[this.applied]);
    }
  }
}

function harnessWithMarket(): EngineHarness {
  const h = new EngineHarness();
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  h.setMarket('ETHUSDT', { bid: '2499', ask: '2501', last: '2500' });
  return h;
}

/** The fields of a record that an event about it carries. */
function stateOf(r: OrderRecord | EventRecord) {
  return {
    order_id: r.order_id, account: r.account, symbol: r.symbol, side: r.side, order_type: r.order_type,
    time_in_force: r.time_in_force, status: r.status, reason: r.reason, triggered: r.triggered, reject_code: r.reject_code,
    qty_lots: r.qty_lots, price_ticks: r.price_ticks, stop_price_ticks: r.stop_price_ticks,
    filled_qty_lots: r.filled_qty_lots, fill_notional: r.fill_notional, expire_at_ms: r.expire_at_ms,
    client_order_id: r.client_order_id, last_seq: 'seq' in r ? r.seq : r.last_seq,
  };
}

t.test('an accepted order reads back exactly as the engine accepted it, and is active and recent', async (t) => {
  const h = harnessWithMarket();
  const feed = new StoreFeed(h, new OrderStore(1024));
  const { reply, events } = h.order({ side: 'buy', qty: '0.5', price: '44000', id: 'rest-1' });
  feed.catchUp();
  const [accepted] = events;
  const record = feed.store.get(reply.order_id)!;
  t.same(stateOf(record), stateOf(accepted));
  t.equal(record.status, OrderStatus.ACCEPTED);
  t.equal(record.client_order_id, 'rest-1');
  t.equal(record.created_us, accepted.ts_us);
  t.equal(record.updated_us, accepted.ts_us);
  t.equal(record.orig_order_id, 0);
  t.equal(record.replaced_by, 0);
  t.equal(feed.store.last_seq, accepted.seq, 'the store knows how far it has applied');
  t.same(feed.store.activeOrders(h.account('alice')), [reply.order_id]);
  t.same(feed.store.recentOrders(h.account('alice')), [reply.order_id]);
  t.equal(feed.store.statusOf(reply.order_id), OrderStatus.ACCEPTED);
  t.equal(feed.store.accountOf(reply.order_id), h.account('alice'));
});

t.test('fills carry the filled quantity, the notional and the last fill, and a full fill ends the order', async (t) => {
  const h = harnessWithMarket();
  const feed = new StoreFeed(h, new OrderStore(1024));
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '0.2' });
  const partial = h.order({ side: 'buy', qty: '0.5', price: '45001' });
  feed.catchUp();
  const partial_fill = partial.events.find((e) => e.type === EventType.FILL)!;
  const open = feed.store.get(partial.reply.order_id)!;
  t.equal(open.status, OrderStatus.PARTIALLY_FILLED);
  t.equal(open.filled_qty_lots, h.lots('BTCUSDT', '0.2'));
  t.equal(open.fill_notional, partial_fill.fill_notional);
  t.equal(open.last_fill_qty_lots, h.lots('BTCUSDT', '0.2'));
  t.equal(open.last_fill_price_ticks, h.ticks('BTCUSDT', '45001'));
  t.equal(open.updated_us, partial_fill.ts_us);
  t.same(feed.store.activeOrders(h.account('alice')), [partial.reply.order_id], 'a partly filled order is still active');

  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000', ask_size: '1000' });
  const full = h.order({ side: 'buy', qty: '0.3', price: '45010' });
  feed.catchUp();
  const filled = feed.store.get(full.reply.order_id)!;
  t.equal(filled.status, OrderStatus.FILLED);
  t.equal(filled.filled_qty_lots, filled.qty_lots);
  t.notOk(feed.store.activeOrders(h.account('alice')).includes(full.reply.order_id), 'a filled order is no longer active');
  t.ok(feed.store.recentOrders(h.account('alice')).includes(full.reply.order_id), 'but it is still listed as recent');
});

t.test('a replace marks the original REPLACED and linked to its replacement, which remembers the original', async (t) => {
  const h = harnessWithMarket();
  const feed = new StoreFeed(h, new OrderStore(1024));
  const original = h.order({ side: 'buy', qty: '0.5', price: '44000' });
  const replaced = h.replace(original.reply.order_id, { price: '44001', id: 'repl-1' });
  feed.catchUp();
  const old = feed.store.get(original.reply.order_id)!;
  const replacement = feed.store.get(replaced.reply.order_id)!;
  t.equal(old.status, OrderStatus.REPLACED);
  t.equal(old.replaced_by, replaced.reply.order_id);
  t.equal(replacement.orig_order_id, original.reply.order_id);
  t.equal(replacement.price_ticks, h.ticks('BTCUSDT', '44001'));
  t.equal(replacement.client_order_id, 'repl-1');
  t.same(feed.store.activeOrders(h.account('alice')), [replaced.reply.order_id], 'only the replacement is active');
});

t.test('a canceled order is final and inactive but still readable', async (t) => {
  const h = harnessWithMarket();
  const feed = new StoreFeed(h, new OrderStore(1024));
  const resting = h.order({ side: 'sell', qty: '1', price: '46000', account: 'bob' });
  h.cancel(resting.reply.order_id, 'bob');
  feed.catchUp();
  t.equal(feed.store.get(resting.reply.order_id)?.status, OrderStatus.CANCELED);
  t.same(feed.store.activeOrders(h.account('bob')), []);
});

t.test('an order the engine refused is recorded with its reject code and is never active', async (t) => {
  const h = harnessWithMarket();
  const feed = new StoreFeed(h, new OrderStore(1024));
  const refused = h.order({ side: 'buy', qty: '1000', price: '44000' });
  t.not(refused.reply.code, RejectCode.OK, 'the engine refused the order');
  feed.catchUp();
  const record = feed.store.get(refused.reply.order_id)!;
  t.equal(record.status, OrderStatus.REJECTED);
  t.equal(record.reject_code, refused.reply.code);
  t.same(feed.store.activeOrders(h.account('alice')), []);
  t.same(feed.store.recentOrders(h.account('alice')), [refused.reply.order_id]);
});

t.test('events that concern no order move the applied sequence and nothing else', async (t) => {
  const h = harnessWithMarket();
  const feed = new StoreFeed(h, new OrderStore(1024));
  const resting = h.order({ side: 'buy', qty: '0.5', price: '44000' });
  feed.catchUp();
  const before = feed.store.get(resting.reply.order_id);
  // Bob's kill switch: bob has no open order, so the engine emits only the admin event.
  const { events } = h.killSwitch('bob', true);
  t.same(events.map((e) => e.type), [EventType.KILL_SWITCH]);
  feed.catchUp();
  t.equal(feed.store.last_seq, events[events.length - 1].seq);
  t.same(feed.store.get(resting.reply.order_id), before);
});

t.test('each account sees only its own orders in its active and recent lists', async (t) => {
  const h = harnessWithMarket();
  const feed = new StoreFeed(h, new OrderStore(1024));
  const alice = h.order({ side: 'buy', qty: '0.5', price: '44000', account: 'alice' });
  const bob = h.order({ side: 'buy', qty: '0.5', price: '44000', account: 'bob' });
  feed.catchUp();
  t.same(feed.store.activeOrders(h.account('alice')), [alice.reply.order_id]);
  t.same(feed.store.recentOrders(h.account('alice')), [alice.reply.order_id]);
  t.same(feed.store.activeOrders(h.account('bob')), [bob.reply.order_id]);
  t.same(feed.store.recentOrders(h.account('bob')), [bob.reply.order_id]);
  t.equal(feed.store.accountOf(bob.reply.order_id), h.account('bob'));
});

t.test('an open order whose slot a newer order takes is kept: readable, active, and its later events still apply', async (t) => {
  const h = harnessWithMarket();
  const feed = new StoreFeed(h, new OrderStore(4));
  const ids = [];
  for (let k = 0; k < 5; k++) ids.push(h.order({ side: 'buy', qty: '0.1', price: '44000' }).reply.order_id);
  feed.catchUp();
  const [first, , , , fifth] = ids;
  t.equal(first & 3, fifth & 3, 'the fifth order lands on the first one\'s slot');
  t.equal(feed.store.get(first)?.status, OrderStatus.ACCEPTED);
  t.equal(feed.store.get(fifth)?.status, OrderStatus.ACCEPTED);
  t.equal(feed.store.statusOf(first), OrderStatus.ACCEPTED);
  t.equal(feed.store.accountOf(first), h.account('alice'));
  t.same(feed.store.activeOrders(h.account('alice')).sort((a, b) => a - b), ids);
  h.cancel(first);
  feed.catchUp();
  t.equal(feed.store.get(first)?.status, OrderStatus.CANCELED, 'the kept order took its cancel');
  t.equal(feed.store.get(fifth)?.status, OrderStatus.ACCEPTED, 'and the order in the slot was not touched');
  t.notOk(feed.store.activeOrders(h.account('alice')).includes(first));
});

t.test('a final order whose slot a newer order takes is forgotten, and a late event for it changes nothing', async (t) => {
  const h = harnessWithMarket();
  const store = new OrderStore(4);
  const feed = new StoreFeed(h, store);
  const ids = [];
  for (let k = 0; k < 4; k++) ids.push(h.order({ side: 'buy', qty: '0.1', price: '44000' }).reply.order_id);
  const [first] = ids;
  const cancel = h.cancel(first);
  const fifth = h.order({ side: 'buy', qty: '0.1', price: '44000' }).reply.order_id;
  feed.catchUp();
  t.equal(first & 3, fifth & 3);
  t.equal(store.get(first), undefined);
  t.equal(store.statusOf(first), 0);
  t.equal(store.accountOf(first), -1);
  // The cancel once more, as if it arrived late: the store must not write it over the fifth order.
  const late = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
  const late_seq = store.last_seq + 1;
  encodeEvent({ ...cancel.events[0], seq: late_seq }, late, 0);
  const before = store.get(fifth);
  store.apply(late, 0);
  t.same(store.get(fifth), before, 'the fifth order is unchanged');
  t.equal(store.get(first), undefined, 'and the first is still forgotten');
  t.equal(store.last_seq, late_seq, 'the event still counts as applied');
});

t.test(`the recent list is newest first and holds each account's last ${RECENT_PER_ACCOUNT} orders`, async (t) => {
  const h = harnessWithMarket();
  const feed = new StoreFeed(h, new OrderStore(1024));
  const ids: number[] = [];
  // Refused orders are the cheapest orders to make: final at once, so no open-order limit is reached.
  for (let k = 0; k < RECENT_PER_ACCOUNT + 10; k++) ids.push(h.order({ side: 'buy', qty: '1000', price: '44000' }).reply.order_id);
  feed.catchUp();
  t.same(feed.store.recentOrders(h.account('alice')), ids.slice(-RECENT_PER_ACCOUNT).reverse());
  t.same(feed.store.recentOrders(h.account('bob')), []);
});

t.test('a store rebuilt from another store\'s records, oldest first as a snapshot holds them, answers the same', async (t) => {
  const h = harnessWithMarket();
  const store = new OrderStore(8);
  const feed = new StoreFeed(h, store);
  const ids = [];
  for (let k = 0; k < 10; k++) ids.push(h.order({ side: 'buy', qty: '0.1', price: String(44000 + k), account: k % 2 === 0 ? 'alice' : 'bob' }).reply.order_id);
  h.cancel(ids[2]);
  h.replace(ids[4], { price: '44100' });
  h.order({ side: 'buy', qty: '0.1', price: '45010' });
  feed.catchUp();
  const records: OrderRecord[] = [];
  store.forEach((record) => records.push(record));
  const copy = new OrderStore(8);
  for (const record of records.sort((a, b) => a.order_id - b.order_id)) copy.restore(record);
  const known = records.map((record) => record.order_id);
  t.ok(known.length >= 11, `every order still known was copied (${known.length})`);
  for (const id of known) t.same(copy.get(id), store.get(id), `order ${id}`);
  for (const account of ['alice', 'bob']) {
    const index = h.account(account);
    t.same(copy.activeOrders(index).sort((a, b) => a - b), store.activeOrders(index).sort((a, b) => a - b), `${account}'s active orders`);
  }
});

t.test('after any run of orders, fills, cancels and replaces, the store holds what every event said and the engine\'s open orders are exactly the active ones', async (t) => {
  const h = harnessWithMarket();
  const store = new OrderStore(64);
  const feed = new StoreFeed(h, store);
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const open: number[] = [];
  let mismatches = 0;
  for (let step = 0; step < 400; step++) {
    const r = random();
    const account = random() < 0.5 ? 'alice' : 'bob';
    if (open.length > 0 && r < 0.2) {
      const id = open.splice(Math.floor(random() * open.length), 1)[0];
      h.cancel(id, store.accountOf(id) === h.account('bob') ? 'bob' : 'alice');
    } else if (open.length > 0 && r < 0.35) {
      const id = open.splice(Math.floor(random() * open.length), 1)[0];
      const replaced = h.replace(id, { price: String(44_000 + Math.floor(random() * 900)), account: store.accountOf(id) === h.account('bob') ? 'bob' : 'alice' });
      if (replaced.reply.code === RejectCode.OK) open.push(replaced.reply.order_id);
    } else {
      const marketable = random() < 0.3;
      const placed = h.order({
        account, side: random() < 0.5 ? 'buy' : 'sell', qty: String((1 + Math.floor(random() * 5)) / 10),
        price: marketable ? '45010' : String(44_000 + Math.floor(random() * 900)), tif: random() < 0.1 ? 'IOC' : 'GTC',
      });
      if (placed.reply.code === RejectCode.OK && h.state.isOpen(placed.reply.order_id)) open.push(placed.reply.order_id);
    }
    feed.catchUp((event) => {
      if (event.order_id === 0) return;
      const record = store.get(event.order_id);
      if (record === undefined || JSON.stringify(stateOf(record)) !== JSON.stringify(stateOf(event))) mismatches++;
    });
    for (let k = open.length - 1; k >= 0; k--) if (!h.state.isOpen(open[k])) open.splice(k, 1);
  }
  const types = new Set(h.all_events.map((e) => e.type));
  for (const [name, type] of Object.entries(EventType).filter(([, type]) => type <= EventType.EXPIRED)) {
    t.ok(types.has(type), `the run had ${name} events`);
  }
  t.equal(mismatches, 0, 'after each event its order reads back with the state the event carried');
  const highest = h.all_events.reduce((max, e) => Math.max(max, e.order_id), 0);
  t.ok(highest > 100, `the run made many orders (${highest}), more than the store's 64 slots`);
  const engine_open: number[] = [];
  for (let id = 1; id <= highest; id++) if (h.state.isOpen(id)) engine_open.push(id);
  const active = [...store.activeOrders(h.account('alice')), ...store.activeOrders(h.account('bob'))].sort((a, b) => a - b);
  t.same(active, engine_open, 'active in the read model = open in the engine');
  for (const id of engine_open) t.notOk(isFinalStatus(store.statusOf(id)), `open order ${id} is readable and not final`);
});

t.test('newestOrders pages an account\'s orders newest first, each order on exactly one page', async (t) => {
  const h = harnessWithMarket();
  const feed = new StoreFeed(h, new OrderStore(1024));
  const resting: number[] = [];
  const refused: number[] = [];
  for (let k = 0; k < 30; k++) {
    resting.push(h.order({ side: 'buy', qty: '0.1', price: '44000' }).reply.order_id);
    if (k % 3 === 0) refused.push(h.order({ side: 'buy', qty: '1000', price: '44000' }).reply.order_id);
  }
  const canceled = resting.filter((_, k) => k % 4 === 0);
  for (const id of canceled) h.cancel(id);
  feed.catchUp();
  const alice = h.account('alice');
  const open = resting.filter((id) => !canceled.includes(id));
  const pages = (with_recent: boolean, limit: number) => {
    const all: number[][] = [];
    let after = Infinity;
    for (;;) {
      const page = feed.store.newestOrders(alice, after, limit, with_recent);
      if (page.length === 0) return all;
      t.ok(page.length <= limit, `a page holds at most ${limit}`);
      all.push(page);
      after = page[page.length - 1];
    }
  };
  const descending = (ids: number[]) => [...ids].sort((a, b) => b - a);
  const active_pages = pages(false, 7);
  t.equal(active_pages.length, Math.ceil(open.length / 7));
  t.same(active_pages.flat(), descending(open), 'the open orders, newest first, once each');
  const recent = feed.store.recentOrders(alice);
  t.same(pages(true, 5).flat(), descending([...new Set([...open, ...recent])]), 'with the recent ones: open and recent, once each');
  t.same(feed.store.newestOrders(alice, Infinity, 1000, false), descending(open), 'a limit above the count answers them all');
  t.same(feed.store.newestOrders(h.account('bob'), Infinity, 10, true), [], 'another account has none');
});

t.test('a reset store forgets every order, then reads a journal exactly as a new store does', async (t) => {
  const h = harnessWithMarket();
  // A small ring, so some open orders are pinned when newer orders take their slots.
  const store = new OrderStore(8);
  const ids = [];
  for (let k = 0; k < 12; k++) ids.push(h.order({ side: 'buy', qty: '0.1', price: String(44000 + k), account: k % 2 === 0 ? 'alice' : 'bob' }).reply.order_id);
  h.cancel(ids[2]);
  h.replace(ids[4], { price: '44100' });
  h.order({ side: 'buy', qty: '0.1', price: '45010' });
  new StoreFeed(h, store).catchUp();
  const count = (s: OrderStore) => {
    let n = 0;
    s.forEach(() => n++);
    return n;
  };
  t.ok(count(store) > 8, 'orders in the ring and pinned ones');

  store.reset();
  t.equal(count(store), 0, 'no order known');
  t.equal(store.last_seq, 0);
  for (const id of ids) t.equal(store.get(id), undefined, `order ${id} forgotten`);
  for (const account of ['alice', 'bob']) {
    t.same(store.activeOrders(h.account(account)), [], `${account} has no active orders`);
    t.same(store.recentOrders(h.account(account)), [], `${account} has no recent orders`);
  }

  const fresh = new OrderStore(8);
  new StoreFeed(h, fresh).catchUp();
  new StoreFeed(h, store).catchUp();
  const all = (s: OrderStore) => {
    const records: OrderRecord[] = [];
    s.forEach((r) => records.push(r));
    return records.sort((a, b) => a.order_id - b.order_id);
  };
  t.same(all(store), all(fresh), 'the same records as a new store fed the same events');
  for (const account of ['alice', 'bob']) {
    const index = h.account(account);
    t.same(store.activeOrders(index), fresh.activeOrders(index), `${account}'s active orders`);
    t.same(store.recentOrders(index), fresh.recentOrders(index), `${account}'s recent orders`);
  }
});
