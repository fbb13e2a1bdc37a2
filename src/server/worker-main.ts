// Entry point of one pool worker thread. It never returns to its event loop: like a cheroot
// worker it blocks in a loop, waiting for a job, doing the handler's blocking I/O and CPU work
// for real, and reporting back through shared memory.
//
// What /proc/PID/task/TID/syscall shows for this thread (x86-64):
//   idle (waiting for a job)       202 futex, 4th argument (timeout) 0x0
//   handler I/O (io_ms sleep)      202 futex with a timeout (non-zero 4th argument)
//   waiting for the GIL            202 futex with a timeout (5 ms slices)
//   CPU work                       "running" (or the pread of its CPU clock)
// The thread is named cpdiag-wk-N (comm), so it can be told from node's own threads.
import { workerData } from 'node:worker_threads';
import { openSync, readlinkSync, writeFileSync } from 'node:fs';
import { GilClient } from './gil.js';
import { ThreadCpuClock, burnCpu } from './cpu-burn.js';
import {
  EVT, OP, SLOT, SLOTF, WORKER_STATE, slotFloats, slotInts, type WorkerData,
} from './shared-layout.js';

const data = workerData as WorkerData;
const ctl = slotInts(data.slots, data.id);
const num = slotFloats(data.slots, data.id);
const gilWords = new Int32Array(data.gil);
const gil = new GilClient(gilWords);
const clock = new ThreadCpuClock();
/** A private word nobody notifies: a timed wait on it is a blocking sleep (handler I/O). */
const sleepWord = new Int32Array(new SharedArrayBuffer(4));
/** /leak/memory retains here, for the life of the process. */
const retained: Buffer[] = [];

function nameThread(): void {
  try {
    writeFileSync('/proc/thread-self/comm', `cpdiag-wk-${data.id}`.slice(0, 15));
  } catch {
    // Not Linux or no /proc: names are a convenience for inspection only.
  }
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid)) Atomics.store(ctl, SLOT.TID, tid);
  } catch {
    // leave TID at 0 (reported as null)
  }
}

function setState(state: number): void {
  Atomics.store(ctl, SLOT.STATE, state);
}

function blockingSleep(ms: number): void {
  if (ms <= 0) return;
  setState(WORKER_STATE.IO);
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) Atomics.wait(sleepWord, 0, 0, left);
}

function emit(kind: number): void {
  Atomics.store(ctl, SLOT.EVT_KIND, kind);
  Atomics.add(ctl, SLOT.EVT_SEQ, 1);
  Atomics.notify(ctl, SLOT.EVT_SEQ);
}

/** Blocks until the acceptor has acknowledged `expected` chunks (a slow reader holds us here). */
function waitAck(expected: number): boolean {
  for (;;) {
    if (Atomics.load(ctl, SLOT.STOP) === 1) return false;
    const ack = Atomics.load(ctl, SLOT.ACK_SEQ);
    if (ack >= expected) return true;
    if (ack < 0) return false; // the response was abandoned (client gone)
    Atomics.wait(ctl, SLOT.ACK_SEQ, ack);
  }
}

function runJob(op: number): number {
  switch (op) {
    case OP.WORK:
    case OP.INDEX: {
      blockingSleep(num[SLOTF.IO_MS]);
      num[SLOTF.CPU_USED_MS] = burnCpu(num[SLOTF.CPU_MS], clock, gil.enabled ? gil : undefined, (waiting) =>
        setState(waiting ? WORKER_STATE.GIL_WAIT : WORKER_STATE.CPU), gilWords);
      return 200;
    }
    case OP.UPLOAD: {
      // The body streams in on the acceptor; this thread is held, blocked, until it has all come.
      setState(WORKER_STATE.READING);
      for (;;) {
        const state = Atomics.load(ctl, SLOT.BODY_STATE);
        if (state !== 0) return state === 1 ? 200 : 0;
        Atomics.wait(ctl, SLOT.BODY_STATE, 0);
      }
    }
    case OP.STREAM: {
      const chunks = num[SLOTF.ARG_A];
      const delayMs = num[SLOTF.ARG_C];
      Atomics.store(ctl, SLOT.STATUS, 200);
      for (let i = 0; i < chunks; i++) {
        if (i > 0 || delayMs > 0) blockingSleep(delayMs);
        setState(WORKER_STATE.WRITING);
        emit(EVT.CHUNK);
        if (!waitAck(i + 1)) return 0;
      }
      return 200;
    }
    case OP.LEAK_MEMORY: {
      const bytes = Math.round(num[SLOTF.ARG_A] * 1024);
      // Filled, not just allocated, so the pages are really resident.
      if (bytes > 0) retained.push(Buffer.alloc(bytes, 0x5a));
      return 200;
    }
    case OP.LEAK_FD: {
      num[SLOTF.RESULT] = openSync('/dev/null', 'r');
      return 200;
    }
    case OP.NOT_FOUND:
      return 404;
    default:
      return 500;
  }
}

function main(): void {
  nameThread();
  setState(WORKER_STATE.IDLE);
  Atomics.store(ctl, SLOT.READY, 1);
  Atomics.notify(ctl, SLOT.READY);
  // From 0, not the current value: a job posted before this thread started is still seen.
  let seen = 0;
  for (;;) {
    // Idle: an untimed futex wait on the job word.
    Atomics.wait(ctl, SLOT.JOB_SEQ, seen);
    if (Atomics.load(ctl, SLOT.STOP) === 1) return;
    const seq = Atomics.load(ctl, SLOT.JOB_SEQ);
    if (seq === seen) continue;
    seen = seq;
    const started = performance.now();
    let status: number;
    try {
      status = runJob(Atomics.load(ctl, SLOT.OP));
    } catch {
      gil.release();
      status = 500;
    }
    num[SLOTF.WORK_TIME_S] += (performance.now() - started) / 1000;
    num[SLOTF.JOBS] += 1;
    Atomics.store(ctl, SLOT.STATUS, status);
    setState(WORKER_STATE.IDLE);
    emit(EVT.DONE);
  }
}

main();
