/**
 * A sink's durable cursor: the last journal sequence the sink has handed to its broker and
 * had acknowledged (or skipped, for events it does not publish). One small JSON file per
 * sink, OMS_DATA_DIR/cursors/<sink>.json:
 *
 *   {"sink":"nats","seq":1234,"updated_at":"2026-01-05T12:00:00.000Z"}
 *
 * Written atomically: write a temporary file, fsync it, rename it over the cursor, fsync
 * the directory. A crash leaves either the old cursor or the new one, never half of one;
 * a stale temporary file is simply overwritten next time.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface CursorFile {
  readonly sink: string;
  readonly seq: number;
  readonly updated_at: string;
}

export class SinkCursor {
  readonly file: string;
  private readonly temp_file: string;
  private readonly directory: string;
  /** Times the cursor was written (for tests and metrics). */
  saves = 0;

  constructor(data_dir: string, readonly sink: string) {
    if (!/^[a-z0-9_-]{1,40}$/.test(sink)) throw new Error(`bad sink name ${JSON.stringify(sink)}`);
    this.directory = path.join(data_dir, 'cursors');
    this.file = path.join(this.directory, `${sink}.json`);
    this.temp_file = `${this.file}.tmp`;
  }

  /** The saved sequence, or 0 if the sink never saved one. Throws on a damaged file. */
  load(): number {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let parsed: Partial<CursorFile>;
    try {
      parsed = JSON.parse(text) as Partial<CursorFile>;
    } catch (error) {
      throw new Error(`sink cursor ${this.file} is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed.sink !== this.sink || !Number.isSafeInteger(parsed.seq) || (parsed.seq as number) < 0) {
      throw new Error(`sink cursor ${this.file} is damaged: ${text.slice(0, 200)}`);
    }
    return parsed.seq as number;
  }

  save(seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`cursor sequence must be a non-negative integer, got ${seq}`);
    fs.mkdirSync(this.directory, { recursive: true });
    const body: CursorFile = { sink: this.sink, seq, updated_at: new Date().toISOString() };
    const fd = fs.openSync(this.temp_file, 'w');
    try {
      fs.writeFileSync(fd, `${JSON.stringify(body)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(this.temp_file, this.file);
    const dir_fd = fs.openSync(this.directory, 'r');
    try {
      fs.fsyncSync(dir_fd);
    } finally {
      fs.closeSync(dir_fd);
    }
    this.saves++;
  }
}
