/**
 * The engine's counters in shared memory, a closed list of names (STYLE.md rule 7).
 * Written only by the engine worker with plain f64 stores (naturally aligned, never
 * torn); /metrics reads them at any time and may see a value one batch old.
 *
 * ```
 *  [0 .. NAMED)                      named counters, EngineCounter
 *  [NAMED .. +EVENT_TYPES)           events emitted, by EventType
 *  [.. +COMMAND_TYPES)               commands handled, by CommandType
 *  [.. +REJECT_CODES)                refusals, by RejectCode (index = code)
 * ```
 */

export const EngineCounter = {
  COMMANDS: 0,
  EVENTS: 1,
  REPLIES: 2,
  BATCHES: 3,
  /** doWork calls that found the event or reply ring without room and had to wait. */
  OUTPUT_FULL_WAITS: 4,
  /** Times the engine parked in Atomics.wait. */
  PARKS: 5,
  OPEN_ORDERS: 6,
  LAST_SEQ: 7,
  STATE_HASH: 8,
  /** Largest number of commands handled in one batch. */
  MAX_BATCH: 9,
  /** Written once at start by recovery (engine/state/state_hash_markers.ts): STATE_HASH markers replay reproduced... */
  RECOVERY_MARKERS_MATCHED: 10,
  /** ...and did not (anything but 0 means the recovered state is not the one the engine had). */
  RECOVERY_MARKERS_MISMATCHED: 11,
  /** The last marker replayed (0: none) and the hash replay computed at it. */
  RECOVERY_LAST_MARKER_SEQ: 12,
  RECOVERY_LAST_MARKER_HASH: 13,
  RECOVERY_FIRST_MISMATCH_SEQ: 14,
} as const;
export const ENGINE_COUNTER_NAMES = [
  'commands', 'events', 'replies', 'batches', 'output_full_waits', 'parks', 'open_orders', 'last_seq', 'state_hash', 'max_batch',
  'recovery_markers_matched', 'recovery_markers_mismatched', 'recovery_last_marker_seq', 'recovery_last_marker_hash',
  'recovery_first_mismatch_seq',
] as const;

export const NAMED_COUNTERS = 16;
export const EVENT_TYPE_SLOTS = 16;
export const COMMAND_TYPE_SLOTS = 16;
export const REJECT_CODE_SLOTS = 700;
export const EVENTS_BY_TYPE_OFFSET = NAMED_COUNTERS;
export const COMMANDS_BY_TYPE_OFFSET = EVENTS_BY_TYPE_OFFSET + EVENT_TYPE_SLOTS;
export const REJECTS_BY_CODE_OFFSET = COMMANDS_BY_TYPE_OFFSET + COMMAND_TYPE_SLOTS;
export const ENGINE_COUNTERS_LENGTH = REJECTS_BY_CODE_OFFSET + REJECT_CODE_SLOTS;

if (ENGINE_COUNTER_NAMES.length !== Object.keys(EngineCounter).length || ENGINE_COUNTER_NAMES.length > NAMED_COUNTERS) {
  throw new Error('engine counter names and indices disagree');
}

export function allocateEngineCounters(): Float64Array {
  return new Float64Array(new SharedArrayBuffer(ENGINE_COUNTERS_LENGTH * 8));
}
