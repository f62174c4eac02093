/**
 * Recovery's check of the STATE_HASH markers it replays: a replay of the events the live
 * engine emitted reproduces every marker's hash; a journal that does not rebuild the same
 * state is caught at the first marker after the difference; the result is published in the
 * engine counters for the io thread.
 */
import t from 'tap';
import { EVENT_SLOT_BYTES, EV_ARG } from '../../../engine/protocol/event_layout.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { EngineState } from '../../../engine/state/engine_state.js';
import { StateHashMarkers } from '../../../engine/state/state_hash_markers.js';
import { allocateEngineCounters, EngineCounter } from '../../../engine/telemetry/engine_counters.js';
import { EngineHarness } from '../../support/engine_harness.js';

/** A short session with a marker after each step; returns the harness and the markers' (seq, hash). */
function session(): { h: EngineHarness; markers: { seq: number; hash: number }[] } {
  const h = new EngineHarness();
  const markers: { seq: number; hash: number }[] = [];
  const mark = () => {
    const { events } = h.stateHash();
    markers.push({ seq: events[0].seq, hash: events[0].arg });
  };
  h.setMarket('BTCUSDT', { bid: '44999', ask: '45001', last: '45000' });
  mark();
  h.order({ price: '44000', id: 'a' });
  mark();
  h.order({ side: 'sell', qty: '0.5', price: '44999' });
  mark();
  h.order({ account: 'bob', price: '44500', id: 'b' });
  mark();
  return { h, markers };
}

function replay(h: EngineHarness, journal: Uint8Array): StateHashMarkers {
  const markers = new StateHashMarkers();
  const state = new EngineState(h.state.capacity, h.state.notional_scale);
  const views = slotViewsOver(journal.buffer);
  for (let base = 0; base < journal.byteLength; base += EVENT_SLOT_BYTES) {
    markers.check(state, views, base);
    state.apply(views, base);
  }
  return markers;
}

t.test('replaying the live engine\'s events reproduces every marker\'s hash, and the counters say so', (t) => {
  const { h, markers } = session();
  const found = replay(h, new Uint8Array(h.journalBytes()));
  t.equal(found.matched, markers.length, `all ${markers.length} markers reproduced`);
  t.equal(found.mismatched, 0);
  t.equal(found.last_seq, markers[markers.length - 1].seq);
  t.equal(found.last_hash, markers[markers.length - 1].hash, 'the hash replay computed at the last marker is the live engine\'s');
  const counters = allocateEngineCounters();
  found.publish(counters);
  t.same([counters[EngineCounter.RECOVERY_MARKERS_MATCHED], counters[EngineCounter.RECOVERY_MARKERS_MISMATCHED],
    counters[EngineCounter.RECOVERY_LAST_MARKER_SEQ], counters[EngineCounter.RECOVERY_LAST_MARKER_HASH],
    counters[EngineCounter.RECOVERY_FIRST_MISMATCH_SEQ]], [markers.length, 0, found.last_seq, found.last_hash, 0]);
  t.end();
});

t.test('a journal that rebuilds a different state is caught at the next marker', (t) => {
  const { h, markers } = session();
  const journal = new Uint8Array(h.journalBytes());
  // The second marker's recorded hash is not what the state there hashes to.
  const second = (markers[1].seq - 1) * EVENT_SLOT_BYTES;
  new Float64Array(journal.buffer)[(second + EV_ARG) >> 3] = markers[1].hash + 1;
  const found = replay(h, journal);
  t.equal(found.mismatched, 1);
  t.equal(found.matched, markers.length - 1);
  t.equal(found.first_mismatch_seq, markers[1].seq);
  t.end();
});
