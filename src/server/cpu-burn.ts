// Burns a given amount of this thread's CPU time (not wall time): on a loaded machine a 5 ms
// CPU handler still costs 5 ms of CPU, however long the scheduler makes it wait.
// The clock: /proc/thread-self/schedstat has the thread's run time, but the kernel updates it
// only at ticks and context switches (steps of up to ~1.5 ms measured here), so a burn read
// against it overshoots. Its second field, the time spent waiting on a run queue, is brought up
// to date each time the thread is scheduled back in, i.e. before this very thread can read it.
// So while the thread spins without sleeping, CPU time = wall time - run-queue wait, exactly.
import { openSync, readSync } from 'node:fs';
import type { GilClient } from './gil.js';
import { GIL, GIL_SWITCH_INTERVAL_MS } from './shared-layout.js';

/** How long to spin between two reads of the CPU clock: short against a 5 ms slice. */
const SPIN_CHECK_MS = 0.25;

export class ThreadCpuClock {
  private readonly fd: number | undefined;
  private readonly buf = Buffer.alloc(96);

  constructor() {
    try {
      this.fd = openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      this.fd = undefined;
    }
  }

  /**
   * Wall time minus the time this thread has waited for a CPU, in ms. Differences between two
   * readings are the thread's CPU time provided it did not sleep in between (a spin loop).
   * Falls back to plain wall time where /proc is missing.
   */
  nowMs(): number {
    const wall = performance.now();
    if (this.fd === undefined) return wall;
    const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
    // "run_ns run_delay_ns timeslices": parse the second number.
    let i = 0;
    while (i < n && this.buf[i] !== 32) i++;
    let delayNs = 0;
    for (i++; i < n; i++) {
      const c = this.buf[i];
      if (c < 48 || c > 57) break;
      delayNs = delayNs * 10 + (c - 48);
    }
    return wall - delayNs / 1e6;
  }
}

let sink = 0;

function spin(wallMs: number): void {
  const until = performance.now() + wallMs;
  let x = sink;
  while (performance.now() < until) {
    for (let i = 0; i < 200; i++) x = (x * 1103515245 + 12345) % 2147483647;
  }
  sink = x;
}

/** Counts this thread in (or out of) the threads burning CPU now, keeping the maximum. */
function countBurner(words: Int32Array | undefined, delta: 1 | -1): void {
  if (!words) return;
  const now = Atomics.add(words, GIL.CPU_ACTIVE, delta) + delta;
  if (delta < 0) return;
  for (let max = Atomics.load(words, GIL.CPU_ACTIVE_MAX); now > max; max = Atomics.load(words, GIL.CPU_ACTIVE_MAX)) {
    if (Atomics.compareExchange(words, GIL.CPU_ACTIVE_MAX, max, now) === max) break;
  }
}

/**
 * Burns `cpuMs` of thread CPU time. With a GIL, runs only while holding it, and offers it to
 * waiters after every switch interval of holding. Returns the CPU time actually burned.
 */
export function burnCpu(cpuMs: number, clock: ThreadCpuClock, gil: GilClient | undefined, onWait?: (waiting: boolean) => void, counters?: Int32Array): number {
  if (cpuMs <= 0) return 0;
  if (gil) {
    onWait?.(true);
    gil.acquire();
    onWait?.(false);
  }
  countBurner(counters, 1);
  // CPU time is summed over segments of uninterrupted spinning; a GIL wait ends a segment.
  let segmentStart = clock.nowMs();
  let sliceStart = performance.now();
  let used = 0;
  try {
    while (used < cpuMs) {
      spin(Math.min(SPIN_CHECK_MS, cpuMs - used));
      const now = clock.nowMs();
      used += now - segmentStart;
      segmentStart = now;
      if (gil && performance.now() - sliceStart >= GIL_SWITCH_INTERVAL_MS) {
        if (gil.waiters() > 0) {
          countBurner(counters, -1);
          onWait?.(true);
          gil.yieldIfContended();
          onWait?.(false);
          countBurner(counters, 1);
          segmentStart = clock.nowMs();
        }
        sliceStart = performance.now();
      }
    }
  } finally {
    countBurner(counters, -1);
    gil?.release();
  }
  return used;
}
