/**
 * The answers an echo server holds until what they wait for is done, oldest first: the
 * durable echo's (durable_answers.ts) until their records are durable, the hop echo's
 * (hop_answers.ts) until the worker has replied. Both take answers from the front only, in
 * the order they came, so a growing array with a moving head serves; the answered front is
 * cut off once it is most of the array.
 */

/** Answered entries at the front that make compacting worth it. */
const COMPACT_AFTER = 1024;

export class HeldQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest held item, or undefined when nothing is held. */
  peek(): T | undefined {
    return this.items[this.head];
  }

  /** Removes the oldest held item (the one `peek` returned). */
  drop(): void {
    this.items[this.head++] = undefined;
    if (this.head > COMPACT_AFTER && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
