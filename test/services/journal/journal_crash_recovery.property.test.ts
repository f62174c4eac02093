/**
 * Random runs of the real journal writer and reader on real files: appends and flushes,
 * roll-overs into preallocated segments and (when no spare is ready) appended ones, clean
 * restarts, and simulated crashes followed by recovery (scanJournal with repair, then a
 * writer reopened after the last recovered record). After every recovery:
 *
 *  - no acknowledged record is lost: the journal ends at or after the last record whose
 *    flush had returned before the one the crash interrupted;
 *  - none is invented: the journal ends at or before the last record ever written, and
 *    every record in it is, byte for byte, the payload last written for its sequence
 *    (payloads carry the run that wrote them, so an old run's record coming back shows).
 *
 * What a crash leaves is drawn from what the disk can hold after a power cut: the last
 * flush reached the disk up to any byte (the rest of it never left the zeros, or the
 * appended file ends there), random garbage anywhere past that point, including far out
 * in the preallocated zero tail; or the last flush completed and a roll-over was cut
 * between renaming the spare and writing its header (a last segment of zeros); and, with
 * any of these, a half-prepared spare file.
 *
 * A second property damages acknowledged records (a flipped bit, a record of zeros) that
 * a later valid record or segment vouches for: recovery must refuse to start rather than
 * pass the damage off as an end of data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { EVENT_SLOT_BYTES, EV_SEQ } from '../../../engine/protocol/event_layout.js';
import { slotViewsOver } from '../../../engine/protocol/slot_views.js';
import { JournalCorruptionError, JournalTail, listSegments, scanJournal } from '../../../services/journal/journal_reader.js';
import {
  RECORD_BYTES, SEGMENT_HEADER_BYTES, SPARE_PREPARING_NAME, segmentFileName,
} from '../../../services/journal/journal_layout.js';
import { JournalWriter } from '../../../services/journal/journal_writer.js';
import { InlineSpareSupply, SpareSupply } from '../../../services/journal/spare_supply.js';

/** The production supply, except that a spare is ready at a roll-over only when the run says so (a burst outran the thread). */
class SometimesReadySpares implements SpareSupply {
  private readonly inner: InlineSpareSupply;
  ready = true;

  constructor(directory: string, segment_bytes: number) {
    this.inner = new InlineSpareSupply(directory, segment_bytes);
  }

  claim(): boolean {
    return this.ready && this.inner.claim();
  }

  prepareNext(): void {
    this.inner.prepareNext();
  }

  get failures(): number {
    return this.inner.failures;
  }

  close(): void {
    this.inner.close();
  }
}

type Crash =
  | { kind: 'torn'; persisted: number; garbage: { at: number; bytes: number[] } | null; appended_extra_zeros: number; half_spare: boolean }
  | { kind: 'rollover_cut'; size_fraction: number; half_spare: boolean };

type Step =
  | { kind: 'append'; records: number; spare_ready: boolean }
  | { kind: 'restart' }
  | { kind: 'crash'; crash: Crash };

const crashArb: fc.Arbitrary<Crash> = fc.oneof(
  { weight: 3, arbitrary: fc.record({
    kind: fc.constant('torn' as const),
    /** Where in the last flush's bytes the disk stopped, as a fraction. */
    persisted: fc.double({ min: 0, max: 1, noNaN: true }),
    garbage: fc.option(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 300 }) })),
    appended_extra_zeros: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * RECORD_BYTES })),
    half_spare: fc.boolean(),
  }) },
  { weight: 1, arbitrary: fc.record({
    kind: fc.constant('rollover_cut' as const),
    size_fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    half_spare: fc.boolean(),
  }) },
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), records: fc.integer({ min: 1, max: 40 }), spare_ready: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash' as const), crash: crashArb }) },
);

const geometryArb = fc.record({
  records_per_segment: fc.integer({ min: 3, max: 40 }),
  /** Bytes past the last whole record: a closed segment ends in fewer zeros than a record. */
  slack_bytes: fc.integer({ min: 0, max: RECORD_BYTES - 1 }),
});

/** The payload of `seq` as run `run` wrote it: its seq first (the reader checks it), then bytes of both. */
function payload(seq: number, run: number): Uint8Array {
  const slot = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
  for (let i = 8; i < EVENT_SLOT_BYTES; i++) slot.u8[i] = (seq * 31 + run * 7 + i) & 0xff;
  slot.f64[EV_SEQ >> 3] = seq;
  return slot.u8;
}

function overwrite(file: string, at: number, bytes: Uint8Array): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, bytes, 0, bytes.length, at);
  fs.closeSync(fd);
}

/** The journal as a reader sees it: each record's payload bytes, sequences 1..last_seq. */
function readBack(dir: string, last_seq: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const tail = new JournalTail(dir);
  tail.seek(1);
  while (tail.nextSeq <= last_seq) {
    if (tail.read(last_seq, 1000, (v, base) => out.push(v.u8.slice(base, base + EVENT_SLOT_BYTES))) === 0) break;
  }
  tail.close();
  return out;
}

class Run {
  readonly segment_bytes: number;
  private writer!: JournalWriter;
  private spares!: SometimesReadySpares;
  /** Which run wrote each sequence's current payload (index seq). */
  private readonly written_by: number[] = [0];
  private run = 1;
  /** Every record whose flush returned, and the last flush's first record. */
  private durable = 0;
  private last_flush_from = 1;

  constructor(readonly dir: string, geometry: { records_per_segment: number; slack_bytes: number }) {
    this.segment_bytes = SEGMENT_HEADER_BYTES + geometry.records_per_segment * RECORD_BYTES + geometry.slack_bytes;
    this.open(1);
  }

  private open(first_seq: number): void {
    this.spares = new SometimesReadySpares(this.dir, this.segment_bytes);
    this.writer = new JournalWriter({ directory: this.dir, durability: 'write', segment_bytes: this.segment_bytes, buffer_records: 64, spares: this.spares });
    this.writer.open(first_seq);
  }

  append(records: number, spare_ready: boolean): void {
    this.spares.ready = spare_ready;
    const views = slotViewsOver(new ArrayBuffer(EVENT_SLOT_BYTES));
    this.last_flush_from = this.durable + 1;
    for (let seq = this.durable + 1; seq <= this.durable + records; seq++) {
      views.u8.set(payload(seq, this.run));
      this.written_by[seq] = this.run;
      this.writer.append(views, 0);
    }
    this.writer.flush();
    this.durable = this.writer.durable_seq;
  }

  restart(): void {
    this.writer.close();
    this.recover(this.durable);
  }

  crash(crash: Crash): void {
    // The process dies: nothing more is written, the file descriptors go.
    this.writer.close();
    const segments = listSegments(this.dir);
    const last = segments[segments.length - 1];
    // Closed segments were fsync'd before the roll-over; only the last flush's records in the last segment can be torn.
    const torn_from = Math.max(this.last_flush_from, last.first_seq);
    let acknowledged = this.durable;
    if (crash.kind === 'torn' && this.durable >= torn_from) {
      acknowledged = torn_from - 1;
      const from = SEGMENT_HEADER_BYTES + (torn_from - last.first_seq) * RECORD_BYTES;
      const to = SEGMENT_HEADER_BYTES + (this.durable + 1 - last.first_seq) * RECORD_BYTES;
      const cut = from + Math.floor(crash.persisted * (to - from));
      const size = fs.statSync(last.path).size;
      if (size > to) {
        // Preallocated: what never reached the disk is still zeros.
        overwrite(last.path, cut, new Uint8Array(to - cut));
      } else {
        // Appended: the file ends where the disk stopped, or later, in zeros.
        fs.truncateSync(last.path, cut);
        if (crash.appended_extra_zeros > 0) fs.truncateSync(last.path, cut + crash.appended_extra_zeros);
      }
      const now_size = fs.statSync(last.path).size;
      if (crash.garbage !== null && now_size > cut) {
        const at = cut + Math.floor(crash.garbage.at * (now_size - cut));
        const bytes = Uint8Array.from(crash.garbage.bytes).subarray(0, now_size - at);
        overwrite(last.path, at, bytes);
      }
    }
    if (crash.kind === 'rollover_cut') {
      const size = Math.floor(crash.size_fraction * this.segment_bytes);
      fs.writeFileSync(path.join(this.dir, segmentFileName(this.durable + 1)), new Uint8Array(size));
    }
    if (crash.half_spare) fs.writeFileSync(path.join(this.dir, SPARE_PREPARING_NAME), new Uint8Array(1000).fill(0x5c));
    this.recover(acknowledged);
  }

  /** Recovery as the OMS runs it, the checks, then a writer for the next run. */
  private recover(acknowledged: number): void {
    const scan = scanJournal(this.dir, { repair: true });
    if (scan.last_seq < acknowledged) fail(`recovery lost acknowledged records: ends at ${scan.last_seq}, ${acknowledged} were acknowledged`);
    if (scan.last_seq > this.durable) fail(`recovery invented records: ends at ${scan.last_seq}, only ${this.durable} were written`);
    const records = readBack(this.dir, scan.last_seq);
    if (records.length !== scan.last_seq) fail(`the reader gives ${records.length} records of ${scan.last_seq}`);
    records.forEach((bytes, i) => {
      const seq = i + 1;
      if (!Buffer.from(bytes).equals(Buffer.from(payload(seq, this.written_by[seq])))) fail(`record ${seq} is not the one written`);
    });
    this.durable = scan.last_seq;
    this.last_flush_from = scan.last_seq + 1;
    this.written_by.length = scan.last_seq + 1;
    this.run++;
    this.open(scan.last_seq + 1);
  }

  close(): void {
    this.writer.close();
  }

  get lastSeq(): number {
    return this.durable;
  }
}

/** Fails the property (fast-check then shrinks the run to a smallest one that fails). */
function fail(message: string): never {
  throw new Error(message);
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'journal-property-'));
}

t.test('appends, roll-overs, crashes and recoveries never lose an acknowledged record and never invent one', (t) => {
  let runs = 0;
  fc.assert(fc.property(geometryArb, fc.array(stepArb, { minLength: 1, maxLength: 30 }), (geometry, steps) => {
    runs++;
    const dir = tempDir();
    try {
      const run = new Run(dir, geometry);
      for (const step of steps) {
        if (step.kind === 'append') run.append(step.records, step.spare_ready);
        else if (step.kind === 'restart') run.restart();
        else run.crash(step.crash);
      }
      run.restart();
      run.close();
      return true;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }), { numRuns: 150 });
  t.ok(runs >= 150, `${runs} runs`);
  t.end();
});

t.test('damage to an acknowledged record that later data vouches for stops recovery, whatever the segment shapes', (t) => {
  fc.assert(fc.property(
    geometryArb,
    fc.array(fc.record({ records: fc.integer({ min: 1, max: 40 }), spare_ready: fc.boolean(), restart: fc.boolean() }), { minLength: 1, maxLength: 12 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.oneof(fc.record({ kind: fc.constant('flip' as const), byte: fc.nat({ max: RECORD_BYTES - 1 }), bit: fc.nat({ max: 7 }) }),
      fc.record({ kind: fc.constant('zeros' as const) })),
    (geometry, appends, pick, damage) => {
      const dir = tempDir();
      try {
        const run = new Run(dir, geometry);
        for (const a of appends) {
          run.append(a.records, a.spare_ready);
          if (a.restart) run.restart();
        }
        run.close();
        // Any record but the journal's very last: damage there is indistinguishable from a torn write.
        if (run.lastSeq < 2) return true;
        const seq = Math.min(run.lastSeq - 1, 1 + Math.floor(pick * (run.lastSeq - 1)));
        const segment = listSegments(dir).filter((s) => s.first_seq <= seq).at(-1)!;
        const at = SEGMENT_HEADER_BYTES + (seq - segment.first_seq) * RECORD_BYTES;
        if (damage.kind === 'zeros') {
          overwrite(segment.path, at, new Uint8Array(RECORD_BYTES));
        } else {
          const byte = Buffer.alloc(1);
          const fd = fs.openSync(segment.path, 'r+');
          fs.readSync(fd, byte, 0, 1, at + damage.byte);
          byte[0] ^= 1 << damage.bit;
          fs.writeSync(fd, byte, 0, 1, at + damage.byte);
          fs.closeSync(fd);
        }
        const size_before = fs.statSync(segment.path).size;
        let error: unknown = null;
        try {
          scanJournal(dir, { repair: true });
        } catch (e) {
          error = e;
        }
        if (!(error instanceof JournalCorruptionError)) fail(`damage to record ${seq} of ${run.lastSeq} (${damage.kind}) was not refused`);
        if (fs.statSync(segment.path).size !== size_before) fail('a refused journal was cut');
        return true;
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }), { numRuns: 150 });
  t.pass('checked');
  t.end();
});

