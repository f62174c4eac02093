/**
 * The io thread's reply pump on its own, with the engine played by this test writing
 * replies into a real ring: a publish from idle finds the answer by spinning and drains
 * it before it returns, without anyone ringing it; a publish while busy does not spin; a
 * parked pump drains once rung; a stopped pump drains nothing more. (reply_spin.test.ts
 * runs the same pump inside EngineLink against the real engine worker.)
 */
import t from 'tap';
import { Doorbell } from '../../../engine/ring/doorbell.js';
import { RingConsumer, RingProducer, SharedRing } from '../../../engine/ring/ring.js';
import { ReplyPump } from '../../../io/engine_link/reply_pump.js';
import { ReplySpin } from '../../../io/engine_link/reply_spin.js';

const SLOT_BYTES = 64;
/** Far longer than this test's own answers take: a loaded machine still finds them while spinning. */
const GENEROUS_SPIN_US = 20_000;
const PARK_MS = 50;

function rig(spin_us: number) {
  const ring = SharedRing.create(64, SLOT_BYTES);
  const engine = new RingProducer(ring);
  const replies = new RingConsumer(ring, 0);
  const doorbell = new Doorbell();
  const drained: number[] = [];
  const pump = new ReplyPump(doorbell, replies, new ReplySpin(spin_us), PARK_MS, {
    drain: () => {
      const available = replies.available();
      if (available > 0) drained.push(available);
      replies.release(available);
      return available;
    },
    hasWork: () => replies.available() > 0,
  });
  /** The engine's answer: one reply published. */
  const answer = () => {
    engine.claim();
    engine.publish();
  };
  return { pump, doorbell, drained, answer };
}

/** Lets the pump's setImmediate turns and waitAsync settle. */
const turns = () => new Promise((resolve) => setTimeout(resolve, 20));

t.test('a publish from idle drains the answer its spin found before it returns, without a ring', async (t) => {
  const { pump, doorbell, drained, answer } = rig(GENEROUS_SPIN_US);
  pump.start();
  await turns(); // nothing to do: the pump parks
  t.equal(doorbell.isParked(), true, 'parked while idle');
  pump.publish(() => {
    t.equal(doorbell.isParked(), false, 'marked awake before the commands are visible, so the engine does not ring');
    answer();
  });
  t.same(drained, [1], 'drained inside publish');
  t.equal(doorbell.isParked(), true, 'the park is announced again afterwards');
  pump.stop();
});

t.test('a publish while the pump is busy does not spin; the pump drains on its next turn', async (t) => {
  const { pump, drained, answer } = rig(GENEROUS_SPIN_US);
  answer(); // work waiting: the pump's first turn drains it and comes back rather than parking
  pump.start();
  t.same(drained, [1]);
  pump.publish(answer);
  t.same(drained, [1], 'no spin, no drain inside publish');
  await turns();
  t.same(drained, [1, 1], 'drained on a later turn');
  pump.stop();
});

t.test('a parked pump drains once rung, and a stopped one no more', async (t) => {
  const { pump, doorbell, drained, answer } = rig(0);
  pump.start();
  await turns();
  answer();
  t.equal(doorbell.ringIfParked(), true, 'the engine rings the parked io thread');
  await turns();
  t.same(drained, [1]);
  pump.stop();
  t.equal(doorbell.isParked(), false, 'a stopped pump does not wait on its doorbell');
  answer();
  doorbell.ringIfParked();
  await turns();
  t.same(drained, [1], 'nothing drained after stop');
});
