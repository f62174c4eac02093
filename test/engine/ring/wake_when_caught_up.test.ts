/**
 * With a journal to wait for, the engine rings the io thread after publishing replies only
 * while the journal has released everything published: otherwise the journal's release
 * rings it, and a ring from the engine would only wake it to wait (a wasted wake-up).
 */
import t from 'tap';
import { Doorbell } from '../../../engine/ring/doorbell.js';
import { DOORBELL_SEQUENCE_INDEX } from '../../../engine/ring/doorbell_layout.js';
import { RingConsumer, RingProducer, SharedRing } from '../../../engine/ring/ring.js';
import { WakeWhenCaughtUp } from '../../../engine/ring/wake_when_caught_up.js';

const JOURNAL = 0;

function setup() {
  const events = SharedRing.create(16, 16, 1);
  const producer = new RingProducer(events);
  const journal = new RingConsumer(events, JOURNAL);
  const io = new Doorbell();
  const wake = new WakeWhenCaughtUp(new Doorbell(io.buffer), events, JOURNAL);
  return { producer, journal, io, wake };
}

/** The io doorbell's sequence: it moves each time a producer rings it. */
function sequenceOf(io: Doorbell): number {
  return Atomics.load(new Int32Array(io.buffer), DOORBELL_SEQUENCE_INDEX);
}

/** Parks the io side (as far as producers can tell) and returns whether `ring` woke it. */
function rung(io: Doorbell, ring: () => void): boolean {
  const seen = io.prepareToPark();
  ring();
  io.cancelPark();
  return sequenceOf(io) !== seen;
}

t.test('while the journal is behind, the reply does not ring the io thread: the journal will', async (t) => {
  const { producer, journal, io, wake } = setup();
  producer.tryClaim();
  producer.publish();
  t.equal(rung(io, () => wake.ringIfParked()), false, 'one event not yet released: no ring');
  t.equal(wake.skipped, 1);
  journal.release(journal.available());
  t.equal(rung(io, () => wake.ringIfParked()), true, 'the journal has caught up: a refusal that journals nothing still wakes the io thread');
});

t.test('with nothing published at all (a refusal at start), the reply rings the io thread', async (t) => {
  const { io, wake } = setup();
  t.equal(rung(io, () => wake.ringIfParked()), true);
  t.equal(wake.skipped, 0);
});

t.test('an io thread that is not parked is not rung', async (t) => {
  const { io, wake } = setup();
  const before = sequenceOf(io);
  wake.ringIfParked();
  t.equal(sequenceOf(io), before);
});
