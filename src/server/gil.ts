// A global interpreter lock for worker threads, as CPython's: one holder runs CPU work at a time,
// waiters queue FIFO (ticket lock), and a holder gives the lock up after each switch interval
// when someone waits. Blocking I/O is done without the lock, as CPython releases it around I/O.
// Waiters sleep in timed Atomics.wait slices of the switch interval (CPython's take_gil also
// waits on a condition with that timeout), which keeps them apart from idle workers in /proc:
// an idle worker's futex has no timeout, a GIL waiter's has one. Each ticket waits on its own
// word, so a release wakes the next holder only.
import { GIL, GIL_SWITCH_INTERVAL_MS, GIL_WAKE_BASE, GIL_WAKE_WORDS } from './shared-layout.js';

function wakeWord(ticket: number): number {
  return GIL_WAKE_BASE + (ticket & (GIL_WAKE_WORDS - 1));
}

export class GilClient {
  private ticket = -1;

  constructor(private readonly words: Int32Array) {}

  get enabled(): boolean {
    return Atomics.load(this.words, GIL.ENABLED) === 1;
  }

  acquire(): void {
    const ticket = Atomics.add(this.words, GIL.NEXT_TICKET, 1);
    const word = wakeWord(ticket);
    for (;;) {
      // Read the wake word before the check: a release in between changes it, and the wait
      // below then returns at once instead of missing the wake-up.
      const seen = Atomics.load(this.words, word);
      if (Atomics.load(this.words, GIL.NOW_SERVING) === ticket) break;
      Atomics.wait(this.words, word, seen, GIL_SWITCH_INTERVAL_MS);
    }
    this.ticket = ticket;
  }

  release(): void {
    if (this.ticket < 0) return;
    this.ticket = -1;
    const next = (Atomics.add(this.words, GIL.NOW_SERVING, 1) + 1) | 0;
    const word = wakeWord(next);
    Atomics.add(this.words, word, 1);
    Atomics.notify(this.words, word, 1);
  }

  /** Threads queued behind the holder. */
  waiters(): number {
    // | 0: tickets are int32 and wrap after 2^31 acquisitions; the difference stays right.
    return (Atomics.load(this.words, GIL.NEXT_TICKET) - Atomics.load(this.words, GIL.NOW_SERVING) - 1) | 0;
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
