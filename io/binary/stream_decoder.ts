/**
 * A FrameAssembler and the decoder together: feed chunks of a byte stream, receive
 * decoded messages and refusals in stream order, exactly as `decodeMessages` would give
 * them for the same bytes in one piece (a test holds the two to that). After a fatal
 * refusal the stream is over: later input is ignored.
 */
import { decodeFrame } from './decoder.js';
import { FrameAssembler, FrameAssemblerOptions, FrameHandler } from './frame_assembler.js';
import { Refusal } from './refusal.js';
import type { TemplateSet } from './template_set.js';

export type ItemHandler<M> = (item: M | Refusal) => void;

export class StreamDecoder<M> {
  private readonly assembler: FrameAssembler;
  private readonly on_frame: FrameHandler;
  private on_item: ItemHandler<M> | undefined;
  private stopped = false;

  constructor(readonly templates: TemplateSet<M>, options: FrameAssemblerOptions = {}) {
    this.assembler = new FrameAssembler(options);
    this.on_frame = (bytes, at, length, stream_offset) => {
      if (this.stopped || this.on_item === undefined) return;
      const item = decodeFrame(this.templates, bytes, at, length, stream_offset);
      if (item instanceof Refusal && item.fatal) this.stopped = true;
      this.on_item(item);
    };
  }

  /** True once a fatal refusal has been delivered. */
  get stopped_on_fatal(): boolean {
    return this.stopped;
  }

  /** Feeds a chunk; `on_item` receives every message and refusal it completes. Returns false once stopped. */
  push(chunk: Uint8Array, on_item: ItemHandler<M>): boolean {
    if (this.stopped) return false;
    this.on_item = on_item;
    const refusal = this.assembler.push(chunk, this.on_frame);
    this.on_item = undefined;
    if (refusal !== undefined && !this.stopped) {
      this.stopped = true;
      on_item(refusal);
    }
    return !this.stopped;
  }

  /** End of stream: delivers a "truncated" refusal if a message was cut off. */
  finish(on_item: ItemHandler<M>): void {
    if (this.stopped) return;
    const refusal = this.assembler.finish();
    if (refusal !== undefined) {
      this.stopped = true;
      on_item(refusal);
    }
  }

  reset(): void {
    this.assembler.reset();
    this.stopped = false;
  }
}
