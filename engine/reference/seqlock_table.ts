/**
 * A table of seqlock-guarded records (see seqlock_table_layout.ts). Reads copy a whole
 * record into a caller-owned Float64Array so the reader never allocates.
 *
 * JS gives no ordering guarantee for plain reads between two Atomics loads in theory;
 * V8 compiles Atomics operations as full barriers, which is what makes the version
 * check meaningful in practice. Each field is also a naturally aligned f64, which x86-64
 * and arm64 never tear.
 */
import {
  SEQLOCK_FIELDS_OFFSET_BYTES,
  SEQLOCK_FIELD_COUNT_INDEX,
  SEQLOCK_GLOBAL_VERSION_INDEX,
  SEQLOCK_HEADER_BYTES,
  SEQLOCK_RECORD_COUNT_INDEX,
  seqlockRecordBytes,
  seqlockTableBytes,
} from './seqlock_table_layout.js';

export class SeqlockTable {
  readonly buffer: SharedArrayBuffer;
  readonly record_count: number;
  readonly field_count: number;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly record_words_i32: number;
  private readonly record_words_f64: number;

  static allocate(record_count: number, field_count: number): SeqlockTable {
    const buffer = new SharedArrayBuffer(seqlockTableBytes(record_count, field_count));
    const header = new Int32Array(buffer, 0, 3);
    header[SEQLOCK_RECORD_COUNT_INDEX] = record_count;
    header[SEQLOCK_FIELD_COUNT_INDEX] = field_count;
    return new SeqlockTable(buffer);
  }

  constructor(buffer: SharedArrayBuffer) {
    const header = new Int32Array(buffer, 0, 3);
    this.buffer = buffer;
    this.record_count = header[SEQLOCK_RECORD_COUNT_INDEX];
    this.field_count = header[SEQLOCK_FIELD_COUNT_INDEX];
    if (buffer.byteLength !== seqlockTableBytes(this.record_count, this.field_count)) {
      throw new Error('seqlock table length does not match its header');
    }
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.record_words_i32 = seqlockRecordBytes(this.field_count) / 4;
    this.record_words_f64 = seqlockRecordBytes(this.field_count) / 8;
  }

  /** Bumped after every record write; a reader polls this one word to notice any change. */
  globalVersion(): number {
    return Atomics.load(this.i32, SEQLOCK_GLOBAL_VERSION_INDEX);
  }

  recordVersion(record: number): number {
    return Atomics.load(this.i32, this.versionIndex(record));
  }

  /** Writer only. Copies `values` (field_count long) into the record. */
  write(record: number, values: ArrayLike<number>): void {
    const version_index = this.versionIndex(record);
    const base = this.fieldIndex(record, 0);
    Atomics.add(this.i32, version_index, 1);
    for (let f = 0; f < this.field_count; f++) this.f64[base + f] = values[f];
    Atomics.add(this.i32, version_index, 1);
    Atomics.add(this.i32, SEQLOCK_GLOBAL_VERSION_INDEX, 1);
  }

  /** Writer only. Sets one field (a single-field update still goes through the seqlock). */
  writeField(record: number, field: number, value: number): void {
    const version_index = this.versionIndex(record);
    Atomics.add(this.i32, version_index, 1);
    this.f64[this.fieldIndex(record, field)] = value;
    Atomics.add(this.i32, version_index, 1);
    Atomics.add(this.i32, SEQLOCK_GLOBAL_VERSION_INDEX, 1);
  }

  /** Copies a consistent record into `out`; returns the record version it read. */
  read(record: number, out: Float64Array): number {
    const version_index = this.versionIndex(record);
    const base = this.fieldIndex(record, 0);
    for (;;) {
      const before = Atomics.load(this.i32, version_index);
      if ((before & 1) === 0) {
        for (let f = 0; f < this.field_count; f++) out[f] = this.f64[base + f];
        if (Atomics.load(this.i32, version_index) === before) return before;
      }
    }
  }

  /** One consistent field. */
  readField(record: number, field: number): number {
    const version_index = this.versionIndex(record);
    const index = this.fieldIndex(record, field);
    for (;;) {
      const before = Atomics.load(this.i32, version_index);
      if ((before & 1) === 0) {
        const value = this.f64[index];
        if (Atomics.load(this.i32, version_index) === before) return value;
      }
    }
  }

  private versionIndex(record: number): number {
    if (record < 0 || record >= this.record_count) throw new RangeError(`no record ${record}`);
    return (SEQLOCK_HEADER_BYTES / 4) + record * this.record_words_i32;
  }

  private fieldIndex(record: number, field: number): number {
    return (SEQLOCK_HEADER_BYTES + SEQLOCK_FIELDS_OFFSET_BYTES) / 8 + record * this.record_words_f64 + field;
  }
}
