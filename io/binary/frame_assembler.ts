/**
 * Cuts a byte stream into whole protocol messages by their length fields, whatever the
 * chunking: a message split over many chunks (one byte at a time, even) comes out once,
 * whole; messages wholly inside a chunk come out as views of that chunk, uncopied.
 *
 * A WebSocket already delivers whole payloads; this is for byte streams (a TCP
 * transport, the load generator reading a socket) and it is how the tests prove that the
 * codec answers the same however the bytes arrive. Framing follows framing.ts exactly;
 * a length above `max_message_bytes` (or below the header) is a fatal refusal, after
 * which the assembler refuses everything until `reset()`.
 *
 * Memory: one buffer of `max_message_bytes`, allocated at construction.
 */
import { FRAME_NEED_MORE, frameLength, framingRefusal } from './framing.js';
import { HEADER_BYTES, MAX_MESSAGE_BYTES, readU16 } from './header.js';
import type { Refusal } from './refusal.js';

/**
 * Receives one whole message: `bytes[at .. at + length)`. The view is valid only during
 * the call (it may be the assembler's own buffer, reused for the next message).
 * `stream_offset` is the message's position in the stream since the last reset.
 */
export type FrameHandler = (bytes: Uint8Array, at: number, length: number, stream_offset: number) => void;

export interface FrameAssemblerOptions {
  /** Longest message accepted, 12..65535 bytes; default MAX_MESSAGE_BYTES. */
  readonly max_message_bytes?: number;
}

export class FrameAssembler {
  readonly max_message_bytes: number;
  private readonly buffer: Uint8Array;
  /** Bytes of an incomplete message held in `buffer`. */
  private pending = 0;
  /** Stream position of buffer[0] (while pending > 0) or of the next byte. */
  private stream_offset = 0;
  private failure: Refusal | undefined;

  constructor(options: FrameAssemblerOptions = {}) {
    const max = options.max_message_bytes ?? MAX_MESSAGE_BYTES;
    if (!Number.isInteger(max) || max < HEADER_BYTES || max > 0xffff) {
      throw new RangeError(`max_message_bytes must be an integer from ${HEADER_BYTES} to 65535, got ${max}`);
    }
    this.max_message_bytes = max;
    this.buffer = new Uint8Array(max);
  }

  /** Bytes received but not yet part of a whole message. */
  get pending_bytes(): number {
    return this.pending;
  }

  /** The fatal refusal that stopped the stream, if any. */
  get refusal(): Refusal | undefined {
    return this.failure;
  }

  /**
   * Feeds the next chunk of the stream; calls `on_frame` for each message it completes.
   * Returns the fatal refusal once framing is lost (now or earlier), else undefined.
   */
  push(chunk: Uint8Array, on_frame: FrameHandler): Refusal | undefined {
    if (this.failure !== undefined) return this.failure;
    const end = chunk.length;
    let i = 0;
    if (this.pending > 0) {
      i = this.fill(chunk, 0, HEADER_BYTES);
      if (this.pending < HEADER_BYTES) return undefined;
      const status = frameLength(this.buffer, 0, this.pending, this.max_message_bytes);
      if (status < FRAME_NEED_MORE) return this.fail(status, this.buffer, 0, this.pending);
      const length = readU16(this.buffer, 0);
      i = this.fill(chunk, i, length);
      if (this.pending < length) return undefined;
      this.pending = 0;
      on_frame(this.buffer, 0, length, this.stream_offset);
      this.stream_offset += length;
    }
    while (i < end) {
      const status = frameLength(chunk, i, end - i, this.max_message_bytes);
      if (status > FRAME_NEED_MORE) {
        on_frame(chunk, i, status, this.stream_offset);
        this.stream_offset += status;
        i += status;
      } else if (status === FRAME_NEED_MORE) {
        this.buffer.set(chunk.subarray(i, end), 0);
        this.pending = end - i;
        return undefined;
      } else {
        return this.fail(status, chunk, i, end - i);
      }
    }
    return undefined;
  }

  /**
   * The stream has ended: a fatal "truncated" refusal if a message was cut off, else
   * the earlier fatal refusal, if any.
   */
  finish(): Refusal | undefined {
    if (this.failure === undefined && this.pending > 0) {
      return this.fail(FRAME_NEED_MORE, this.buffer, 0, this.pending);
    }
    return this.failure;
  }

  /** Forgets everything, for a new stream. */
  reset(): void {
    this.pending = 0;
    this.stream_offset = 0;
    this.failure = undefined;
  }

  /** Copies from chunk[i..] into the buffer until it holds `target` bytes; returns the new i. */
  private fill(chunk: Uint8Array, i: number, target: number): number {
    const take = Math.min(target - this.pending, chunk.length - i);
    if (take <= 0) return i;
    this.buffer.set(chunk.subarray(i, i + take), this.pending);
    this.pending += take;
    return i + take;
  }

  private fail(status: number, bytes: Uint8Array, at: number, available: number): Refusal {
    this.failure = framingRefusal(status, bytes, at, available, this.max_message_bytes, this.stream_offset);
    return this.failure;
  }
}
