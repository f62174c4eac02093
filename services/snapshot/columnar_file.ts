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

/** Collects sections of columns, then writes them atomically. */
export class ColumnarWriter {
  private readonly sections: Record<string, { count: number; columns: { name: string; type: ColumnType; data: ColumnArray }[] }> = {};

  constructor(private readonly meta: Record<string, unknown>) {}

  section(name: string, count: number): SectionBuilder {
    const section = { count, columns: [] as { name: string; type: ColumnType; data: ColumnArray }[] };
    this.sections[name] = section;
    const builder: SectionBuilder = {
      add(column: string, type: ColumnType, data: ColumnArray) {
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
    const chunks: Uint8Array[] = [];
    for (const [name, section] of Object.entries(this.sections)) {
      const columns: ColumnEntry[] = [];
      for (const column of section.columns) {
        const bytes = new Uint8Array(column.data.buffer, column.data.byteOffset, column.data.byteLength);
        columns.push({ name: column.name, type: column.type, offset, bytes: bytes.length });
        chunks.push(bytes);
        const padded = Math.ceil(bytes.length / 8) * 8;
        if (padded > bytes.length) chunks.push(new Uint8Array(padded - bytes.length));
        offset += padded;
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
    // The columns are checksummed and written one by one, never joined: a joined copy would
    // double the memory a snapshot of a large read model takes while it is written.
    let data_crc: number | undefined;
    for (const chunk of chunks) data_crc = crc32cOf(chunk, data_crc);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(data_crc ?? crc32cOf(new Uint8Array(0)), 0);
    trailer.writeUInt32LE(SNAPSHOT_MAGIC, 4);

    const temp = `${file}.tmp`;
    const fd = fs.openSync(temp, 'w');
    try {
      for (const part of [prefix, header_bytes, header_pad, ...chunks, trailer]) writeFully(fd, part);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
    fsyncDirectory(path.dirname(file));
    return prefix.length + header_bytes.length + header_pad.length + offset + trailer.length;
  }
}

export interface SectionBuilder {
  add(column: string, type: ColumnType, data: ColumnArray): SectionBuilder;
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
  private readonly data: Buffer;

  constructor(file: string) {
    const bytes = readWhole(file);
    if (bytes.length < 24 || bytes.readUInt32LE(0) !== SNAPSHOT_MAGIC) throw new SnapshotCorruptionError(`${file}: not a snapshot`);
    if (bytes.readUInt16LE(4) !== SNAPSHOT_FORMAT_VERSION) throw new SnapshotCorruptionError(`${file}: unsupported snapshot format ${bytes.readUInt16LE(4)}`);
    const header_length = bytes.readUInt32LE(8);
    const header_bytes = bytes.subarray(16, 16 + header_length);
    if (header_bytes.length !== header_length || crc32cOf(header_bytes) !== bytes.readUInt32LE(12)) {
      throw new SnapshotCorruptionError(`${file}: header fails its check`);
    }
    this.header = JSON.parse(header_bytes.toString('utf8')) as Header;
    const data_start = 16 + header_length + ((8 - ((16 + header_length) % 8)) % 8);
    const data_end = bytes.length - 8;
    if (data_end < data_start || bytes.readUInt32LE(data_end + 4) !== SNAPSHOT_MAGIC) throw new SnapshotCorruptionError(`${file}: truncated`);
    // Columns are viewed in place: the file was read into a buffer of its own (offset 0) and
    // the data starts 8-aligned, so no copy is needed.
    this.data = bytes.subarray(data_start, data_end);
    if (this.data.byteOffset % 8 !== 0) throw new Error('snapshot data is not 8-aligned in its buffer');
    if (crc32cOf(this.data) !== bytes.readUInt32LE(data_end)) throw new SnapshotCorruptionError(`${file}: data fails its check`);
    this.meta = this.header.meta;
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

/** The whole file in a buffer of its own (byte offset 0 in its ArrayBuffer, unlike a pooled one). */
function readWhole(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const bytes = Buffer.allocUnsafeSlow(size);
    let read = 0;
    while (read < size) {
      const n = fs.readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return read === size ? bytes : bytes.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

function writeFully(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
}
