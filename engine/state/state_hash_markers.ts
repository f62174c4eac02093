/**
 * Recovery's proof that it rebuilt the state the engine had before it stopped. A marker is
 * a STATE_HASH event: the hash of the engine's whole state (state_hash.ts) just before it
 * emitted the event (EngineAgent.onStateHash; the snapshot scheduler and POST
 * /admin/state-hash ask for them). Replaying the journal up to a marker must give the same
 * state, so the same hash: recovery calls `check` before applying each event it replays,
 * and publishes what it found in the engine counters (how many markers matched, how many
 * did not, and the last marker's sequence with the hash the replay computed there), which
 * the io thread logs and serves on GET /admin/state-hash.
 *
 * Costs one hash (time in proportion to open orders) per marker replayed, once, at start.
 */
import { EventType } from '../protocol/enums.js';
import { EV_ARG, EV_SEQ, EV_TYPE } from '../protocol/event_layout.js';
import type { SlotViews } from '../protocol/slot_views.js';
import { EngineCounter } from '../telemetry/engine_counters.js';
import { EngineState } from './engine_state.js';
import { stateHash } from './state_hash.js';

export class StateHashMarkers {
  matched = 0;
  mismatched = 0;
  /** The last marker replayed (0: none), and the hash replay computed there. */
  last_seq = 0;
  last_hash = 0;
  /** The first marker whose hash replay did not reproduce (0: none). */
  first_mismatch_seq = 0;

  /** Call before applying the event at `base` to `state`. */
  check(state: EngineState, v: SlotViews, base: number): void {
    if (v.u8[base + EV_TYPE] !== EventType.STATE_HASH) return;
    const hash = stateHash(state);
    const seq = v.f64[(base + EV_SEQ) >> 3];
    if (hash === v.f64[(base + EV_ARG) >> 3]) {
      this.matched++;
    } else {
      this.mismatched++;
      if (this.first_mismatch_seq === 0) this.first_mismatch_seq = seq;
    }
    this.last_seq = seq;
    this.last_hash = hash;
  }

  publish(counters: Float64Array): void {
    counters[EngineCounter.RECOVERY_MARKERS_MATCHED] = this.matched;
    counters[EngineCounter.RECOVERY_MARKERS_MISMATCHED] = this.mismatched;
    counters[EngineCounter.RECOVERY_LAST_MARKER_SEQ] = this.last_seq;
    counters[EngineCounter.RECOVERY_LAST_MARKER_HASH] = this.last_hash;
    counters[EngineCounter.RECOVERY_FIRST_MISMATCH_SEQ] = this.first_mismatch_seq;
  }
}
