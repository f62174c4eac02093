/**
 * Which journal segments the snapshot task may delete: those wholly at or below the
 * retention floor, the highest sequence every reader is past. The readers are:
 *
 *  - the oldest snapshot kept (recovery and the snapshot task replay forward from it);
 *  - every sink enabled in this run: its cursor file, or all of the journal if it has
 *    none yet (it starts from sequence 1);
 *  - every other cursor file in OMS_DATA_DIR/cursors/: a sink that was ever enabled and
 *    is switched off now. It will resume from that cursor when it is switched back on,
 *    so its history is kept until its cursor file is deleted. The rule is "a cursor file
 *    present holds the journal", not "a sink enabled holds the journal": a restart with
 *    one setting missing must not delete what that sink still has to deliver.
 *
 * A disabled sink's cursor can hold the journal for ever. When it holds back more than
 * DISABLED_SINK_WARN_SEGMENTS segments that the other readers no longer need, the task
 * reports it and the scheduler logs a warning naming the file. To release the history,
 * an operator deletes OMS_DATA_DIR/cursors/<sink>.json (see RETENTION.md). Only for a
 * sink that is not coming back: one enabled later without a cursor starts from
 * sequence 1, which will have been retired, and stays degraded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listSegments } from '../journal/journal_reader.js';
import { fsyncDirectory } from '../storage/fsync_directory.js';
import { listSnapshots } from './snapshot_files.js';

/** Closed segments a disabled sink's cursor may hold back before it is warned about (1 GiB at the default 64 MiB). */
export const DISABLED_SINK_WARN_SEGMENTS = 16;

/** A cursor file of a sink not enabled in this run that holds back segments nobody else needs. */
export interface DisabledSinkHold {
  readonly file: string;
  readonly seq: number;
  readonly segments_held: number;
}

export interface RetentionFloor {
  /** Segments wholly at or below this sequence may be deleted. */
  readonly floor: number;
  /** Disabled sinks' cursors holding back more than DISABLED_SINK_WARN_SEGMENTS segments. */
  readonly disabled_sink_holds: readonly DisabledSinkHold[];
}

export function cursorDirectory(data_dir: string): string {
  return path.join(data_dir, 'cursors');
}

/** The retention floor for `data_dir`, given the cursor files of the sinks enabled in this run. */
export function retentionFloor(data_dir: string, enabled_cursor_files: readonly string[]): RetentionFloor {
  const kept = listSnapshots(data_dir);
  let enabled_floor = kept.length === 0 ? 0 : kept[0].seq;
  for (const file of enabled_cursor_files) {
    // A sink that never wrote a cursor still needs everything.
    enabled_floor = Math.min(enabled_floor, fs.existsSync(file) ? cursorSeq(file) : 0);
  }
  const enabled = new Set(enabled_cursor_files.map((file) => path.resolve(file)));
  const disabled = presentCursorFiles(data_dir).filter((file) => !enabled.has(path.resolve(file)));
  let floor = enabled_floor;
  const disabled_sink_holds: DisabledSinkHold[] = [];
  for (const file of disabled) {
    const seq = cursorSeq(file);
    if (seq >= enabled_floor) continue;
    floor = Math.min(floor, seq);
    const segments_held = closedSegmentsBetween(path.join(data_dir, 'journal'), seq, enabled_floor);
    if (segments_held > DISABLED_SINK_WARN_SEGMENTS) disabled_sink_holds.push({ file, seq, segments_held });
  }
  return { floor, disabled_sink_holds };
}

/** Deletes closed segments whose every record is at or below `floor`; returns their paths. */
export function retireSegments(journal_dir: string, floor: number): string[] {
  const segments = listSegments(journal_dir);
  const retired: string[] = [];
  for (let i = 0; i + 1 < segments.length; i++) {
    const last_seq = segments[i + 1].first_seq - 1;
    if (last_seq > floor) break;
    fs.rmSync(segments[i].path, { force: true });
    retired.push(segments[i].path);
  }
  if (retired.length > 0) fsyncDirectory(journal_dir);
  return retired;
}

/** The cursor files present (sink_cursor.ts writes <sink>.json; its .tmp files are not cursors). */
function presentCursorFiles(data_dir: string): string[] {
  const directory = cursorDirectory(data_dir);
  if (!fs.existsSync(directory)) return [];
  return fs.readdirSync(directory).filter((name) => name.endsWith('.json')).map((name) => path.join(directory, name));
}

/** A cursor's sequence; 0 (hold everything) when it has none. Throws on a file that is not JSON. */
function cursorSeq(file: string): number {
  const cursor = JSON.parse(fs.readFileSync(file, 'utf8')) as { seq?: unknown };
  return typeof cursor.seq === 'number' ? cursor.seq : 0;
}

/** Closed segments whose last sequence is after `after_seq` and at or below `up_to_seq`. */
function closedSegmentsBetween(journal_dir: string, after_seq: number, up_to_seq: number): number {
  const segments = listSegments(journal_dir);
  let count = 0;
  for (let i = 0; i + 1 < segments.length; i++) {
    const last_seq = segments[i + 1].first_seq - 1;
    if (last_seq > after_seq && last_seq <= up_to_seq) count++;
  }
  return count;
}
