// A wake-up source with sub-millisecond precision that does not spin: a worker thread sleeps on a
// futex (Atomics.wait with a timeout, which the kernel times in microseconds) and posts a message
// when the deadline passes; the message wakes the main event loop at once. Node's own timers have
// whole-millisecond resolution, and spinning on setImmediate costs a core and, on a shared
// machine, makes the kernel scheduler push the generator back (docs/load.md).
import { Worker } from 'node:worker_threads';

export interface PreciseTicker {
  /** Calls onWake once, delayMs from now (re-arming replaces the previous deadline). */
  wakeIn(delayMs: number): void;
  disarm(): void;
  close(): Promise<void>;
}

const hrNowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export function createPreciseTicker(onWake: () => void): PreciseTicker {
  const sab = new SharedArrayBuffer(16);
  const ctl = new Int32Array(sab, 0, 2);
  const deadline = new Float64Array(sab, 8, 1);
  deadline[0] = Number.NaN;
  const worker = new Worker(new URL('./ticker-worker.js', import.meta.url), { workerData: { sab } });
  let closed = false;
  worker.on('message', () => {
    if (!closed) onWake();
  });
  worker.on('error', () => undefined);
  const arm = (due: number): void => {
    deadline[0] = due;
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
  };
  return {
    wakeIn: (delayMs) => arm(hrNowMs() + Math.max(0, delayMs)),
    disarm: () => arm(Number.NaN),
    close: async () => {
      if (closed) return;
      closed = true;
      Atomics.store(ctl, 1, 1);
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      await worker.terminate();
    },
  };
}
