// cheroot's accepted queue: connections wait here, FIFO, for a free worker (a fresh one from
// accept on, a kept-alive one once its next request has arrived).
// Bounded (accepted_queue_size > 0) and full, a newcomer waits up to accepted_queue_timeout to
// get in, and is then refused. As Python's queue.Queue, a size of 0 or -1 means unbounded.

export interface QueueEntrant<T> {
  item: T;
  timer: NodeJS.Timeout;
  reject(): void;
}

export class AcceptedQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private readonly entrants: QueueEntrant<T>[] = [];
  /** Deepest the queue has been since start. */
  maxDepth = 0;

  constructor(
    private readonly capacity: number,
    private readonly entryTimeoutMs: number,
  ) {}

  get bounded(): boolean {
    return this.capacity > 0;
  }

  get depth(): number {
    return this.items.length - this.head;
  }

  /** Requests waiting to get into a full bounded queue. */
  get waitingToEnter(): number {
    return this.entrants.length;
  }

  /** Queues the item, or (bounded and full) lets it wait to enter; `reject` runs on timeout. */
  offer(item: T, reject: () => void): void {
    if (!this.bounded || this.depth < this.capacity) {
      this.push(item);
      return;
    }
    const entrant: QueueEntrant<T> = {
      item,
      reject,
      timer: setTimeout(() => {
        const i = this.entrants.indexOf(entrant);
        if (i >= 0) this.entrants.splice(i, 1);
        reject();
      }, this.entryTimeoutMs),
    };
    this.entrants.push(entrant);
  }

  /** The oldest waiting item, for a worker that just became free. */
  take(): T | undefined {
    if (this.depth === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    const entrant = this.entrants.shift();
    if (entrant) {
      clearTimeout(entrant.timer);
      this.push(entrant.item);
    }
    return item;
  }

  /**
   * Takes an item out wherever it waits (a connection that left, or whose request turned out
   * not to need a worker); the first one waiting to enter takes its place. False if absent.
   */
  remove(item: T): boolean {
    const i = this.items.indexOf(item, this.head);
    if (i >= 0) {
      this.items.splice(i, 1);
      const entrant = this.entrants.shift();
      if (entrant) {
        clearTimeout(entrant.timer);
        this.push(entrant.item);
      }
      return true;
    }
    const e = this.entrants.findIndex((x) => x.item === item);
    if (e < 0) return false;
    clearTimeout(this.entrants[e].timer);
    this.entrants.splice(e, 1);
    return true;
  }

  /** Fails every waiting item (shutdown). */
  drainAll(): T[] {
    const out: T[] = [];
    for (let item = this.take(); item !== undefined; item = this.take()) out.push(item);
    return out;
  }

  private push(item: T): void {
    this.items.push(item);
    const depth = this.depth;
    if (depth > this.maxDepth) this.maxDepth = depth;
  }
}
