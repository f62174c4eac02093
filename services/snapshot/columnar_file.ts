/**
 * The snapshot file format: a JSON header naming sections and their typed columns, then
 * the columns as raw little-endian arrays, each 8-byte aligned, with CRC32C checks on the
 * header and on the data. Columns load back as typed arrays without parsing per value.
 *
 * ```
 *  0   magic            u32   0x53534d4f ("OMSS")
 *  4   format_version   u16
 *  6   (reserved)       u16
 *  8   header_length    u32
 *  12  header_crc       u32   CRC32C of the header bytes
 *  16  header           JSON  { meta, sections: { name: { count, columns: [{name, type, offset, bytes}] } } }
 *  ..  (pad to 8)
 *  D   columns          each at D + offset, 8-byte aligned
 *  end data_crc u32 (CRC32C of all column bytes) | trailer magic u32
 * ```
 *
 * Files are written to a temporary name, fsync'd, renamed into place and the directory
 * fsync'd, so a crash leaves either the old snapshot set or the new one, never half a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32cOf } from '../journal/crc32c.js';
import { fsyncDirectory } from '../storage/fsync_directory.js';
import { readFully } from '../storage/read_fully.js';

export const SNAPSHOT_MAGIC = 0x53534d4f;
export const SNAPSHOT_FORMAT_VERSION = 1;

export type ColumnType = 'f64' | 'i32' | 'u32' | 'u16' | 'u8';
type ColumnArray = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

interface ColumnEntry {
  readonly name: string;
  readonly type: ColumnType;
  readonly offset: number;
  readonly bytes: number;
}

interface SectionEntry {
  readonly count: number;
  readonly columns: ColumnEntry[];
}

interface Header {
  readonly meta: Record<string, unknown>;
  readonly sections: Record<string, SectionEntry>;
}

export class SnapshotCorruptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotCorruptionError';
  }
}

/**
 * A column written in pieces rather than held whole: `fill(into, first_row)` writes rows
 * first_row .. first_row + into.length / row_elements - 1 into `into` (row_elements
 * elements a row: 1 for a plain column, CLIENT_ORDER_ID_MAX_BYTES for fixed-width ids).
 */
export interface FilledColumn {
  readonly rows: number;
  readonly row_elements: number;
  fill(into: ColumnArray, first_row: number): void;
}

interface PendingColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly data: ColumnArray | FilledColumn;
}

const ELEMENT_BYTES: Record<ColumnType, number> = { f64: 8, i32: 4, u32: 4, u16: 2, u8: 1 };

/**
 * The piece a filled column is written through, reused by every column and snapshot of
 * the thread. Why pieces: a read model of OMS_ORDER_HISTORY orders is ~200 MB of
 * columns; allocated whole for every snapshot, their pages were faulted in and zeroed
 * each time (on this VM, about 1 s of CPU per snapshot), for bytes that are written once.
 */
const PIECE_BYTES = 1 << 20;
let piece: ArrayBuffer | null = null;

function pieceOf(type: ColumnType, elements: number): ColumnArray {
  piece ??= new ArrayBuffer(PIECE_BYTES);
  switch (type) {
    case 'f64': return new Float64Array(piece, 0, elements);
    case 'i32': return new Int32Array(piece, 0, elements);
    case 'u32': return new Uint32Array(piece, 0, elements);
    case 'u16': return new Uint16Array(piece, 0, elements);
    case 'u8': return new Uint8Array(piece, 0, elements);
  }
}

function columnBytes(column: PendingColumn): number {
  const data = column.data;
  return ArrayBuffer.isView(data) ? data.byteLength : data.rows * data.row_elements * ELEMENT_BYTES[column.type];
}

/** Collects sections of columns, then writes them atomically. */
export class ColumnarWriter {
  private readonly sections: Record<string, { count: number; columns: PendingColumn[] }> = {};

  constructor(private readonly meta: Record<string, unknown>) {}

  section(name: string, count: number): SectionBuilder {
    const section = { count, columns: [] as PendingColumn[] };
    this.sections[name] = section;
    const builder: SectionBuilder = {
      add(column: string, type: ColumnType, data: ColumnArray | FilledColumn) {
        if (!ArrayBuffer.isView(data) && data.row_elements * ELEMENT_BYTES[type] > PIECE_BYTES) throw new Error(`column ${column}: a row does not fit a piece`);
        section.columns.push({ name: column, type, data });
        return builder;
      },
    };
    return builder;
  }

  /** Writes `file` atomically; returns its size in bytes. */
  write(file: string): number {
    let offset = 0;
    const header: Header = { meta: this.meta, sections: {} };
    const columns_in_order: PendingColumn[] = [];
    for (const [name, section] of Object.entries(this.sections)) {
      const columns: ColumnEntry[] = [];
      for (const column of section.columns) {
        const bytes = columnBytes(column);
        columns.push({ name: column.name, type: column.type, offset, bytes });
        columns_in_order.push(column);
        offset += Math.ceil(bytes / 8) * 8;
      }
      header.sections[name] = { count: section.count, columns };
    }
    const header_bytes = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(16);
    prefix.writeUInt32LE(SNAPSHOT_MAGIC, 0);
    prefix.writeUInt16LE(SNAPSHOT_FORMAT_VERSION, 4);
    prefix.writeUInt32LE(header_bytes.length, 8);
    prefix.writeUInt32LE(crc32cOf(header_bytes), 12);
    const header_pad = Buffer.alloc((8 - ((16 + header_bytes.length) % 8)) % 8);

    const temp = `${file}.tmp`;
    const fd = fs.openSync(temp, 'w');
    try {
      for (const part of [prefix, header_bytes, header_pad]) writeFully(fd, part);
      // The columns are checksummed and written one by one (filled ones piece by piece),
      // never joined: a joined copy would double the memory a snapshot takes while written.
      let data_crc = crc32cOf(new Uint8Array(0));
      const put = (bytes: Uint8Array) => {
        data_crc = crc32cOf(bytes, data_crc);
        writeFully(fd, bytes);
      };
      for (const column of columns_in_order) {
        const data = column.data;
        if (ArrayBuffer.isView(data)) {
          put(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        } else {
          const row_bytes = data.row_elements * ELEMENT_BYTES[column.type];
          const rows_per_piece = Math.floor(PIECE_BYTES / row_bytes);
          for (let first = 0; first < data.rows; first += rows_per_piece) {
            const rows = Math.min(rows_per_piece, data.rows - first);
            const into = pieceOf(column.type, rows * data.row_elements);
            // A fill writes every element it is given, but zero it anyway: never a byte of the piece's last use.
            into.fill(0);
            data.fill(into, first);
            put(new Uint8Array(into.buffer, 0, into.byteLength));
          }
        }
        const bytes = columnBytes(column);
        const padded = Math.ceil(bytes / 8) * 8;
        if (padded > bytes) put(new Uint8Array(padded - bytes));
      }
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(data_crc >>> 0, 0);
      trailer.writeUInt32LE(SNAPSHOT_MAGIC, 4);
      writeFully(fd, trailer);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
    fsyncDirectory(path.dirname(file));
    return prefix.length + header_bytes.length + header_pad.length + offset + 8;
  }
}

export interface SectionBuilder {
  /** A column held whole (`data`), or written in pieces (a FilledColumn). */
  add(column: string, type: ColumnType, data: ColumnArray | FilledColumn): SectionBuilder;
}

/** Only a snapshot's header (its meta), checked by its own CRC: for readers that need no columns. */
export function readSnapshotMeta(file: string): Record<string, unknown> {
  const fd = fs.openSync(file, 'r');
  try {
    const prefix = Buffer.alloc(16);
    if (fs.readSync(fd, prefix, 0, 16, 0) !== 16 || prefix.readUInt32LE(0) !== SNAPSHOT_MAGIC) {
      throw new SnapshotCorruptionError(`${file}: not a snapshot`);
    }
    const header = Buffer.alloc(prefix.readUInt32LE(8));
    if (fs.readSync(fd, header, 0, header.length, 16) !== header.length || crc32cOf(header) !== prefix.readUInt32LE(12)) {
      throw new SnapshotCorruptionError(`${file}: header fails its check`);
    }
    return (JSON.parse(header.toString('utf8')) as Header).meta;
  } finally {
    fs.closeSync(fd);
  }
}

/** A snapshot read back and checked. */
export class ColumnarFile {
  readonly meta: Record<string, unknown>;
  private readonly header: Header;
  private readonly data: Uint8Array;

  /**
   * Reads `file` and checks it whole (header, data CRC, trailer). With `sections`, only
   * those sections' columns are kept in memory: the file is checked through one reused
   * piece of memory, not read into a buffer of its own size (for a reader that needs a few
   * small sections of a large file: the snapshot task's read-back check, which restores
   * only the engine).
   */
  constructor(file: string, sections?: readonly string[]) {
    const { header, data } = sections === undefined ? readChecked(file) : readCheckedSections(file, sections);
    this.header = header;
    this.data = data;
    this.meta = header.meta;
  }

  count(section: string): number {
    return this.section(section).count;
  }

  f64(section: string, column: string): Float64Array { return this.view(section, column, 'f64') as Float64Array; }
  i32(section: string, column: string): Int32Array { return this.view(section, column, 'i32') as Int32Array; }
  u32(section: string, column: string): Uint32Array { return this.view(section, column, 'u32') as Uint32Array; }
  u16(section: string, column: string): Uint16Array { return this.view(section, column, 'u16') as Uint16Array; }
  u8(section: string, column: string): Uint8Array { return this.view(section, column, 'u8') as Uint8Array; }

  hasSection(section: string): boolean {
    return this.header.sections[section] !== undefined;
  }

  /** For columns added after snapshots were first written: an older file lacks them. */
  hasColumn(section: string, column: string): boolean {
    return this.header.sections[section]?.columns.some((c) => c.name === column) ?? false;
  }

  private section(name: string): SectionEntry {
    const section = this.header.sections[name];
    if (section === undefined) throw new SnapshotCorruptionError(`snapshot has no section ${name}`);
    return section;
  }

  private view(section: string, column: string, type: ColumnType): ColumnArray {
    const entry = this.section(section).columns.find((c) => c.name === column);
    if (entry === undefined || entry.type !== type) throw new SnapshotCorruptionError(`snapshot section ${section} has no ${type} column ${column}`);
    const base = this.data.byteOffset + entry.offset;
    const buffer = this.data.buffer;
    switch (type) {
      case 'f64': return new Float64Array(buffer, base, entry.bytes / 8);
      case 'i32': return new Int32Array(buffer, base, entry.bytes / 4);
      case 'u32': return new Uint32Array(buffer, base, entry.bytes / 4);
      case 'u16': return new Uint16Array(buffer, base, entry.bytes / 2);
      case 'u8': return new Uint8Array(buffer, base, entry.bytes);
    }
  }
}

interface CheckedColumns {
  readonly header: Header;
  /** The columns, each at its header offset; 8-aligned in its buffer. */
  readonly data: Uint8Array;
}

function readChecked(file: string): CheckedColumns {
  const bytes = readWhole(file);
  const header = checkedHeader(file, bytes, bytes.length);
  const data_start = dataStart(bytes.readUInt32LE(8));
  const data_end = bytes.length - 8;
  if (data_end < data_start || bytes.readUInt32LE(data_end + 4) !== SNAPSHOT_MAGIC) throw new SnapshotCorruptionError(`${file}: truncated`);
  // Columns are viewed in place: the file was read into a buffer of its own (offset 0) and
  // the data starts 8-aligned, so no copy is needed.
  const data = bytes.subarray(data_start, data_end);
  if (data.byteOffset % 8 !== 0) throw new Error('snapshot data is not 8-aligned in its buffer');
  if (crc32cOf(data) !== bytes.readUInt32LE(data_end)) throw new SnapshotCorruptionError(`${file}: data fails its check`);
  return { header, data };
}

/** The prefix and header at the start of `bytes` (a file of `size` bytes), checked. */
function checkedHeader(file: string, bytes: Buffer, size: number): Header {
  if (size < 24 || bytes.length < 16 || bytes.readUInt32LE(0) !== SNAPSHOT_MAGIC) throw new SnapshotCorruptionError(`${file}: not a snapshot`);
  if (bytes.readUInt16LE(4) !== SNAPSHOT_FORMAT_VERSION) throw new SnapshotCorruptionError(`${file}: unsupported snapshot format ${bytes.readUInt16LE(4)}`);
  const header_length = bytes.readUInt32LE(8);
  const header_bytes = bytes.subarray(16, 16 + header_length);
  if (header_bytes.length !== header_length || crc32cOf(header_bytes) !== bytes.readUInt32LE(12)) {
    throw new SnapshotCorruptionError(`${file}: header fails its check`);
  }
  return JSON.parse(header_bytes.toString('utf8')) as Header;
}

function dataStart(header_length: number): number {
  return 16 + header_length + ((8 - ((16 + header_length) % 8)) % 8);
}

/**
 * Checks the whole file as readChecked does, streaming its data through the reused piece,
 * and keeps only the columns of `sections`, laid one after another (8-aligned) in a buffer
 * of their own, with the header's offsets changed to match.
 */
function readCheckedSections(file: string, sections: readonly string[]): CheckedColumns {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const prefix = Buffer.alloc(16);
    readFully(fd, prefix, 16, 0);
    const header_length = prefix.readUInt32LE(8);
    const head = Buffer.alloc(Math.min(16 + header_length, size));
    readFully(fd, head, head.length, 0);
    const header = checkedHeader(file, head, size);
    const data_start = dataStart(header_length);
    const data_end = size - 8;
    const trailer = Buffer.alloc(8);
    if (data_end < data_start || readFully(fd, trailer, 8, data_end) !== 8 || trailer.readUInt32LE(4) !== SNAPSHOT_MAGIC) {
      throw new SnapshotCorruptionError(`${file}: truncated`);
    }
    const data_length = data_end - data_start;

    const kept: { from: number; bytes: number; to: number }[] = [];
    const kept_sections: Record<string, SectionEntry> = {};
    let kept_length = 0;
    for (const name of sections) {
      const section = header.sections[name];
      if (section === undefined) continue;
      const columns: ColumnEntry[] = [];
      for (const column of section.columns) {
        if (column.offset + column.bytes > data_length) throw new SnapshotCorruptionError(`${file}: column ${name}.${column.name} lies beyond the data`);
        kept.push({ from: column.offset, bytes: column.bytes, to: kept_length });
        columns.push({ ...column, offset: kept_length });
        kept_length += Math.ceil(column.bytes / 8) * 8;
      }
      kept_sections[name] = { count: section.count, columns };
    }
    const data = new Uint8Array(kept_length);

    piece ??= new ArrayBuffer(PIECE_BYTES);
    const bytes = new Uint8Array(piece);
    let data_crc = crc32cOf(new Uint8Array(0));
    for (let at = 0; at < data_length;) {
      const got = readFully(fd, bytes, Math.min(PIECE_BYTES, data_length - at), data_start + at);
      if (got === 0) throw new SnapshotCorruptionError(`${file}: truncated`);
      data_crc = crc32cOf(bytes.subarray(0, got), data_crc);
      for (const column of kept) {
        const from = Math.max(column.from, at);
        const to = Math.min(column.from + column.bytes, at + got);
        if (from < to) data.set(bytes.subarray(from - at, to - at), column.to + (from - column.from));
      }
      at += got;
    }
    if (data_crc >>> 0 !== trailer.readUInt32LE(0)) throw new SnapshotCorruptionError(`${file}: data fails its check`);
    return { header: { meta: header.meta, sections: kept_sections }, data };
  } finally {
    fs.closeSync(fd);
  }
}

/** The whole file in a buffer of its own (byte offset 0 in its ArrayBuffer, unlike a pooled one). */
function readWhole(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const bytes = Buffer.allocUnsafeSlow(size);
    const read = readFully(fd, bytes, size, 0);
    return read === size ? bytes : bytes.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

function writeFully(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
}
