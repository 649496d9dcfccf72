/**
 * A binary min-heap of (time, item) with lazy deletion: entries whose item has moved on are skipped
 * when popped, so removal stays O(1) and expiry costs O(log n) per request instead of a scan.
 * @packageDocumentation
 */

interface Entry<T> {
  atMs: number;
  item: T;
}

/** Min-heap keyed by time. */
export class ExpiryHeap<T> {
  readonly #entries: Entry<T>[] = [];

  get size(): number {
    return this.#entries.length;
  }

  /** Schedule `item` at `atMs`. */
  push(atMs: number, item: T): void {
    const entries = this.#entries;
    entries.push({ atMs, item });
    let i = entries.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (entries[parent]!.atMs <= entries[i]!.atMs) break;
      [entries[parent], entries[i]] = [entries[i]!, entries[parent]!];
      i = parent;
    }
  }

  /** Pop every entry due at or before `nowMs`, oldest first. */
  popDue(nowMs: number): Entry<T>[] {
    const due: Entry<T>[] = [];
    while (this.#entries.length > 0 && this.#entries[0]!.atMs <= nowMs) due.push(this.#pop());
    return due;
  }

  /** Drop everything. */
  clear(): void {
    this.#entries.length = 0;
  }

  #pop(): Entry<T> {
    const entries = this.#entries;
    const top = entries[0]!;
    const last = entries.pop()!;
    if (entries.length > 0) {
      entries[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < entries.length && entries[left]!.atMs < entries[smallest]!.atMs) smallest = left;
        if (right < entries.length && entries[right]!.atMs < entries[smallest]!.atMs) smallest = right;
        if (smallest === i) break;
        [entries[smallest], entries[i]] = [entries[i]!, entries[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}
