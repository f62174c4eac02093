/**
 * Shared-memory layout of a doorbell: the one address a parked thread waits on.
 *
 * ```
 *  byte 0   line 0  SEQUENCE   bumped by any thread that has new work for the owner
 *  byte 64  line 1  PARKED     1 while the owner is parked (or about to park), else 0
 * ```
 *
 * A thread that consumes from several sources (rings, the mark table) parks on one
 * doorbell; every source rings it. SEQUENCE and PARKED live on separate lines because
 * they have different writers.
 */
import { CACHE_LINE_BYTES } from '../layout/layout_builder.js';

export const DOORBELL_SEQUENCE_INDEX = 0;
export const DOORBELL_PARKED_INDEX = CACHE_LINE_BYTES / 4;
export const DOORBELL_BYTES = 2 * CACHE_LINE_BYTES;

if (DOORBELL_PARKED_INDEX * 4 !== CACHE_LINE_BYTES) throw new Error('doorbell PARKED must start line 1');
