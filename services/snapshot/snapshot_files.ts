/**
 * Where snapshots live: OMS_DATA_DIR/snapshots/<seq>.snap, named by the sequence of the
 * last event they include. A file only gets its final name after it was read back and
 * verified, so every `.snap` present was whole when written; a disk can still damage
 * one later, which is why only planRecovery (which reads it back) picks one to start from.
 */
import fs from 'node:fs';
import path from 'node:path';

export function snapshotDirectory(data_dir: string): string {
  return path.join(data_dir, 'snapshots');
}

export function snapshotFileName(seq: number): string {
  return `${String(seq).padStart(20, '0')}.snap`;
}

export interface SnapshotRef {
  readonly path: string;
  readonly seq: number;
}

/** Snapshots on disk, oldest first. */
export function listSnapshots(data_dir: string): SnapshotRef[] {
  const directory = snapshotDirectory(data_dir);
  if (!fs.existsSync(directory)) return [];
  return fs.readdirSync(directory)
    .map((name) => /^(\d{20})\.snap$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ path: path.join(directory, m[0]), seq: Number(m[1]) }))
    .sort((a, b) => a.seq - b.seq);
}
