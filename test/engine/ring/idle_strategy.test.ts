import t from 'tap';
import { Doorbell } from '../../../engine/ring/doorbell.js';
import { SpinThenParkIdleStrategy } from '../../../engine/ring/idle_strategy.js';

const never = { hasWork: () => false };

t.test('the idle strategy spins spin_limit empty iterations before it parks', (t) => {
  const idle = new SpinThenParkIdleStrategy(new Doorbell(), 5, 1);
  for (let i = 0; i < 5; i++) idle.idle(0, never);
  t.equal(idle.park_count, 0, 'still spinning');
  idle.idle(0, never);
  t.equal(idle.park_count, 1, 'the sixth empty iteration parks');
  t.end();
});

t.test('work resets the spin count', (t) => {
  const idle = new SpinThenParkIdleStrategy(new Doorbell(), 3, 1);
  for (let i = 0; i < 3; i++) idle.idle(0, never);
  idle.idle(1, never);
  for (let i = 0; i < 3; i++) idle.idle(0, never);
  t.equal(idle.park_count, 0);
  t.end();
});

t.test('a spin that ends in a park halves the next spin, down to none', (t) => {
  const idle = new SpinThenParkIdleStrategy(new Doorbell(), 8, 1);
  const spinsBeforePark = (): number => {
    const parks = idle.park_count;
    let spins = 0;
    while (!idle.idle(0, never)) spins++;
    t.equal(idle.park_count, parks + 1);
    return spins;
  };
  t.same([spinsBeforePark(), spinsBeforePark(), spinsBeforePark(), spinsBeforePark(), spinsBeforePark()], [8, 4, 2, 1, 0],
    'each miss halves the budget: at a steady low rate the owner parks at once');
  t.end();
});

t.test('work found while spinning, or a burst after a wake-up, restores the full spin', (t) => {
  const doorbell = new Doorbell();
  const producer = new Doorbell(doorbell.buffer);
  // Rings the owner after it announced the park and before it waits: the wait ends as rung.
  const rung = { hasWork: () => { producer.ringIfParked(); return false; } };
  const idle = new SpinThenParkIdleStrategy(doorbell, 8, 1);
  while (!idle.idle(0, rung)) { /* spin, then park: budget 4 */ }
  t.equal(idle.budget, 4);
  idle.idle(1, never); // the wake-up found one message: not a burst
  t.equal(idle.budget, 4, 'a single message after a wake-up keeps the budget');
  idle.idle(0, never);
  idle.idle(1, never); // found while spinning
  t.equal(idle.budget, 8, 'the spin paid: full budget');
  while (!idle.idle(0, rung)) { /* park: budget 4 */ }
  idle.idle(0, never);
  t.equal(idle.budget, 4, 'an empty poll after a wake-up is not a burst');
  while (!idle.idle(0, rung)) { /* park: budget 2 */ }
  idle.idle(3, never);
  t.equal(idle.budget, 8, 'messages piled up during the park: full budget');
  t.end();
});

t.test('a park that timed out is not a wake-up: the backlog a poll finds is no burst', (t) => {
  // The journal with durability none is never rung: it polls every millisecond and finds
  // that millisecond's events. Taken for a burst, each poll restored and spun the full budget.
  const idle = new SpinThenParkIdleStrategy(new Doorbell(), 8, 1);
  while (!idle.idle(0, never)) { /* spin 8, then park until the timeout: budget 4 */ }
  t.equal(idle.budget, 4);
  idle.idle(10, never);
  t.equal(idle.budget, 4, 'ten events found by a timed-out poll keep the halved budget');
  while (!idle.idle(0, never)) { /* spin 4, time out: budget 2 */ }
  idle.idle(10, never);
  t.equal(idle.budget, 2, 'and at a steady rate the poller goes on parking at once');
  t.end();
});

t.test('work that arrives after announcing the park cancels it', (t) => {
  const doorbell = new Doorbell();
  const idle = new SpinThenParkIdleStrategy(doorbell, 0, 60_000);
  let checked_while_parked = false;
  const started = Date.now();
  idle.idle(0, { hasWork: () => { checked_while_parked = doorbell.isParked(); return true; } });
  t.ok(checked_while_parked, 'the re-check runs after PARKED is visible to producers');
  t.equal(idle.park_count, 0, 'it did not block');
  t.equal(doorbell.isParked(), false, 'and it no longer claims to be parked');
  t.ok(Date.now() - started < 1000);
  t.end();
});

t.test('a parked owner wakes at once if it was rung between announcing and waiting', (t) => {
  const owner = new Doorbell();
  const producer_side = new Doorbell(owner.buffer);
  const seen = owner.prepareToPark();
  producer_side.ringIfParked();
  const started = Date.now();
  t.equal(owner.park(seen, 60_000), true, 'a park ended by the doorbell says so');
  t.ok(Date.now() - started < 1000, 'the changed sequence makes the wait return immediately');
  t.equal(owner.park(owner.prepareToPark(), 1), false, 'a park ended by its timeout says so');
  t.equal(producer_side.rings_sent, 1);
  t.equal(owner.isParked(), false);
  producer_side.ringIfParked();
  t.equal(producer_side.rings_sent, 1, 'an owner that is awake is not rung');
  t.end();
});

t.test('the park is bounded by the agent\'s deadline, asked for only when it parks', (t) => {
  const idle = new SpinThenParkIdleStrategy(new Doorbell(), 2, 60_000);
  let asked = 0;
  const agent = { hasWork: () => false, msUntilDeadline: () => { asked++; return 20; } };
  idle.idle(0, agent);
  idle.idle(0, agent);
  t.equal(asked, 0, 'spinning does not ask for the deadline (a clock read allocates)');
  const started = Date.now();
  idle.idle(0, agent);
  t.equal(asked, 1, 'parking asks once');
  const waited = Date.now() - started;
  t.equal(idle.park_count, 1);
  t.ok(waited >= 15 && waited < 5000, `parked about 20 ms (${waited} ms)`);
  t.end();
});

t.test('a poller naps unannounced, so its producer does not ring it, until it finds nothing naps_before_sleep times', (t) => {
  const doorbell = new Doorbell();
  const producer = new Doorbell(doorbell.buffer);
  let parked_during_nap = false;
  const agent = { hasWork: () => false, msUntilDeadline: () => 60_000 };
  const idle = new SpinThenParkIdleStrategy(doorbell, 0, 60_000, 2, { nap_ms: 1, naps_before_sleep: 3 });
  const started = Date.now();
  for (let i = 0; i < 3; i++) {
    t.ok(idle.idle(0, agent), 'an empty poll naps');
    parked_during_nap ||= doorbell.isParked();
  }
  t.equal(idle.nap_count, 3);
  t.equal(idle.park_count, 0, 'no announced park yet');
  t.notOk(parked_during_nap, 'a nap is never announced');
  t.notOk(producer.ringIfParked(), 'so a producer publishing meanwhile costs one load, no wake-up');
  t.ok(Date.now() - started < 5000, 'naps last nap_ms, not the park timeout');
  // The fourth empty poll sleeps announced; the producer rings it before it waits, so it returns at once.
  const rung_agent = { hasWork: () => { producer.ringIfParked(); return false; }, msUntilDeadline: () => 60_000 };
  t.ok(idle.idle(0, rung_agent));
  t.equal(idle.park_count, 1, 'idle long enough: an announced park');
  t.equal(producer.rings_sent, 1, 'which the producer rings');
  t.end();
});

t.test('work found after a nap starts the count of empty naps again', (t) => {
  const agent = { hasWork: () => false, msUntilDeadline: () => 1 };
  const idle = new SpinThenParkIdleStrategy(new Doorbell(), 0, 60_000, 2, { nap_ms: 1, naps_before_sleep: 2 });
  idle.idle(0, agent);
  idle.idle(0, agent);
  idle.idle(5, agent); // a poll that found a period's events
  idle.idle(0, agent);
  idle.idle(0, agent);
  t.same([idle.nap_count, idle.park_count], [4, 0], 'two more naps, still no announced park');
  idle.idle(0, agent);
  t.same([idle.nap_count, idle.park_count], [4, 1], 'the third empty poll in a row parks announced (until its 1 ms deadline)');
  t.end();
});

t.test('idle settings out of range are refused', (t) => {
  t.throws(() => new SpinThenParkIdleStrategy(new Doorbell(), -1, 1));
  t.throws(() => new SpinThenParkIdleStrategy(new Doorbell(), 1, 0));
  t.throws(() => new SpinThenParkIdleStrategy(new Doorbell(), 1, 1, 0));
  t.throws(() => new SpinThenParkIdleStrategy(new Doorbell(), 1, 1, 2, { nap_ms: 0, naps_before_sleep: 1 }));
  t.throws(() => new Doorbell(new SharedArrayBuffer(64)), /too small/);
  t.end();
});
