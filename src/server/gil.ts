// A global interpreter lock for worker threads, as CPython's: one holder runs CPU work at a time,
// waiters queue FIFO (ticket lock), and a holder gives the lock up after each switch interval
// when someone waits. Blocking I/O is done without the lock, as CPython releases it around I/O.
// Waiters sleep in timed Atomics.wait slices of the switch interval (CPython's take_gil also
// waits on a condition with that timeout), which keeps them apart from idle workers in /proc:
// an idle worker's futex has no timeout, a GIL waiter's has one.
import { GIL, GIL_SWITCH_INTERVAL_MS } from './shared-layout.js';

export class GilClient {
  private ticket = -1;

  constructor(private readonly words: Int32Array) {}

  get enabled(): boolean {
    return Atomics.load(this.words, GIL.ENABLED) === 1;
  }

  acquire(): void {
    const ticket = Atomics.add(this.words, GIL.NEXT_TICKET, 1);
    for (;;) {
      const serving = Atomics.load(this.words, GIL.NOW_SERVING);
      if (serving === ticket) break;
      Atomics.wait(this.words, GIL.NOW_SERVING, serving, GIL_SWITCH_INTERVAL_MS);
    }
    this.ticket = ticket;
  }

  release(): void {
    if (this.ticket < 0) return;
    this.ticket = -1;
    Atomics.add(this.words, GIL.NOW_SERVING, 1);
    Atomics.notify(this.words, GIL.NOW_SERVING);
  }

  /** Threads queued behind the holder. */
  waiters(): number {
    return Atomics.load(this.words, GIL.NEXT_TICKET) - Atomics.load(this.words, GIL.NOW_SERVING) - 1;
  }

  /** Called by a holder at the end of a switch interval: requeue behind the waiters, if any. */
  yieldIfContended(): boolean {
    if (this.waiters() <= 0) return false;
    Atomics.add(this.words, GIL.SWITCHES, 1);
    this.release();
    this.acquire();
    return true;
  }
}
