/**
 * A FIFO of requests with O(1) push, push-front (re-dispatch goes first), shift and removal of any
 * element (expiry, duplicates). A doubly linked list threaded through the records themselves.
 * @packageDocumentation
 */

/** What the queue needs of an element: two link slots it owns. */
export interface QueueLinks<T> {
  queuePrev: T | undefined;
  queueNext: T | undefined;
  queued: boolean;
}

/** An intrusive FIFO. */
export class RequestQueue<T extends QueueLinks<T>> {
  #head: T | undefined;
  #tail: T | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Append at the tail. */
  push(item: T): void {
    item.queuePrev = this.#tail;
    item.queueNext = undefined;
    if (this.#tail) this.#tail.queueNext = item;
    else this.#head = item;
    this.#tail = item;
    item.queued = true;
    this.#size++;
  }

  /** Insert at the head: the next shift() returns it. */
  unshift(item: T): void {
    item.queueNext = this.#head;
    item.queuePrev = undefined;
    if (this.#head) this.#head.queuePrev = item;
    else this.#tail = item;
    this.#head = item;
    item.queued = true;
    this.#size++;
  }

  /** The head, left in place. */
  peek(): T | undefined {
    return this.#head;
  }

  /** Remove and return the head. */
  shift(): T | undefined {
    const item = this.#head;
    if (item) this.remove(item);
    return item;
  }

  /** Remove an element; a no-op for one that is not queued. */
  remove(item: T): void {
    if (!item.queued) return;
    if (item.queuePrev) item.queuePrev.queueNext = item.queueNext;
    else this.#head = item.queueNext;
    if (item.queueNext) item.queueNext.queuePrev = item.queuePrev;
    else this.#tail = item.queuePrev;
    item.queuePrev = undefined;
    item.queueNext = undefined;
    item.queued = false;
    this.#size--;
  }

  /** Elements head first (for shutdown and inspection; not for the hot path). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let item = this.#head; item; item = item.queueNext) yield item;
  }
}
