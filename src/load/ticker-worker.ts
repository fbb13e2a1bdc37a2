// The precise ticker's thread: sleeps on a futex until the armed deadline (sub-millisecond
// precise, unlike Node timers) and then wakes the main thread with a message. It never touches
// sockets; see precise-ticker.ts.
import { parentPort, workerData } from 'node:worker_threads';

const { sab } = workerData as { sab: SharedArrayBuffer };
const ctl = new Int32Array(sab, 0, 2); // [0] arming sequence, [1] stop flag
const deadline = new Float64Array(sab, 8, 1); // ms on the hrtime clock; NaN = disarmed

const hrNowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

let firedSeq = -1;
for (;;) {
  if (Atomics.load(ctl, 1) === 1) break;
  const seq = Atomics.load(ctl, 0);
  const due = deadline[0]!;
  if (Number.isNaN(due) || firedSeq === seq) {
    // Nothing armed, or this arming already fired: sleep until the main thread re-arms.
    Atomics.wait(ctl, 0, seq);
    continue;
  }
  const leftMs = due - hrNowMs();
  if (leftMs > 0) {
    // Wakes at the deadline, or early when the main thread re-arms (the sequence changes).
    Atomics.wait(ctl, 0, seq, leftMs);
    continue;
  }
  firedSeq = seq;
  parentPort!.postMessage(seq);
}
