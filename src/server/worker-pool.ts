// The main thread's view of the pool: a fixed set of worker threads (cheroot's pool never
// grows), which slot is free, and the handoff of one job at a time to a slot through shared
// memory. Whether a slot is busy is decided here, not by the thread: a slot stays busy until
// the acceptor has finished writing the response, as a cheroot worker stays with its connection.
import { Worker } from 'node:worker_threads';
import {
  EVT, GIL, GIL_INTS, SLOT, SLOTF, SLOT_BYTES, WORKER_STATE, WORKER_STATE_NAMES,
  slotFloats, slotInts, type OpCode, type WorkerData, type WorkerStateName,
} from './shared-layout.js';

/** Atomics.waitAsync exists in Node 20 (V8 11) but is ES2024 in TypeScript's libs. */
type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs?: number): WaitAsyncResult;
}).waitAsync;

/**
 * Per-worker V8 limits: the handlers keep little on the JS heap (leaked memory is off-heap
 * Buffers), so a small heap lets 64-256 workers start fast and stay at ~8 MB RSS each.
 */
export const WORKER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2, stackSizeMb: 1 };
const WORKER_URL = new URL('./worker-main.js', import.meta.url);
const WORKER_START_ATTEMPTS = 3;
/** Leak threads do nothing at all; they only need to exist. */
// 4 MB of old generation (or a 0.25 MB stack, too small for require) and the worker dies at once with
// "reaching memory limit", leaking nothing; 8 MB and a 0.5 MB stack start reliably.
const LEAK_THREAD_LIMITS = { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1, stackSizeMb: 0.5 };

export interface JobSpec {
  op: OpCode;
  ioMs?: number;
  cpuMs?: number;
  argA?: number;
  argB?: number;
  argC?: number;
}

export interface JobCallbacks {
  /** The worker has a chunk ready (stream); call pool.ack(slot) once it is handed to the socket. */
  onChunk?(slot: Slot): void;
  /** The worker thread has finished the handler. status 0 = abandoned (upload aborted, reader gone). */
  onDone(slot: Slot, status: number): void;
}

export interface Slot {
  readonly id: number;
  readonly ctl: Int32Array;
  readonly num: Float64Array;
  busy: boolean;
  /** Held by a fresh connection, no job yet: shown as `reading` (cheroot's worker blocks reading the request). */
  held?: boolean;
  /** Its thread died: never handed out again. */
  dead?: boolean;
  evtSeen: number;
  callbacks: JobCallbacks | undefined;
}

export interface WorkerSnapshot {
  id: number;
  tid: number | null;
  busy: boolean;
  state: WorkerStateName;
  requests: number;
  work_time_s: number;
}

export class WorkerPool {
  readonly slots: Slot[] = [];
  private readonly workers: Worker[] = [];
  private readonly free: Slot[] = [];
  private readonly slotBuffer: SharedArrayBuffer;
  readonly gilWords: Int32Array;
  private readonly leakThreads: Worker[] = [];
  private stopping = false;
  private startFailure: string | undefined;

  /**
   * `sharedGil`: the GIL of a process whose threads come from several pools (thread-per-request
   * starts a pool of one per request; all of them take the one GIL, as CPython's threads do).
   */
  constructor(readonly size: number, gilEnabled: boolean, private readonly log: (line: string) => void = () => {}, sharedGil?: SharedArrayBuffer) {
    this.slotBuffer = new SharedArrayBuffer(SLOT_BYTES * size);
    const gilBuffer = sharedGil ?? new SharedArrayBuffer(GIL_INTS * 4);
    this.gilWords = new Int32Array(gilBuffer);
    if (!sharedGil) this.gilWords[GIL.ENABLED] = gilEnabled ? 1 : 0;
    for (let id = 0; id < size; id++) {
      const slot: Slot = { id, ctl: slotInts(this.slotBuffer, id), num: slotFloats(this.slotBuffer, id), busy: false, evtSeen: 0, callbacks: undefined };
      slot.ctl[SLOT.STATE] = WORKER_STATE.STARTING;
      this.slots.push(slot);
    }
    // Free slots are handed out LIFO: a recently used thread is likely still warm in cache.
    for (let id = size - 1; id >= 0; id--) this.free.push(this.slots[id]);
    for (let id = 0; id < size; id++) this.workers.push(this.startWorker(id, gilBuffer, 1));
  }

  /**
   * Starts the thread of slot `id`. One that dies before it is ready is started again (a few
   * times): loading its module can fail transiently, e.g. while dist/ is being rebuilt.
   */
  private startWorker(id: number, gilBuffer: SharedArrayBuffer, attempt: number): Worker {
    const data: WorkerData = { id, slots: this.slotBuffer, gil: gilBuffer };
    const worker = new Worker(WORKER_URL, { workerData: data, resourceLimits: WORKER_RESOURCE_LIMITS, stdout: false, stderr: false });
    let failure = '';
    worker.on('error', (e) => {
      failure = e.message;
      this.log(`worker ${id} failed: ${e.message}`);
    });
    worker.on('exit', (code) => {
      if (this.stopping) return;
      const slot = this.slots[id];
      if (Atomics.load(slot.ctl, SLOT.READY) !== 1) {
        if (attempt < WORKER_START_ATTEMPTS) {
          this.log(`worker ${id} exited while starting (code ${code}${failure ? `, ${failure}` : ''}); starting it again`);
          this.workers[id] = this.startWorker(id, gilBuffer, attempt + 1);
        } else {
          this.startFailure = `worker ${id} could not start (code ${code}${failure ? `, ${failure}` : ''})`;
          Atomics.store(slot.ctl, SLOT.READY, -1);
          Atomics.notify(slot.ctl, SLOT.READY);
        }
        return;
      }
      this.onWorkerDied(slot, code);
    });
    return worker;
  }

  /** Resolves once every worker thread runs (and has named itself), or rejects after timeoutMs. */
  async whenReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const slot of this.slots) {
      for (let ready = Atomics.load(slot.ctl, SLOT.READY); ready !== 1; ready = Atomics.load(slot.ctl, SLOT.READY)) {
        if (ready === -1 || this.startFailure) throw new Error(this.startFailure ?? `worker ${slot.id} could not start`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`worker ${slot.id} did not start within ${timeoutMs} ms`);
        const r = waitAsync(slot.ctl, SLOT.READY, ready, Math.min(left, 200));
        if (r.async) await r.value;
      }
    }
  }

  get readyCount(): number {
    let n = 0;
    for (const slot of this.slots) if (Atomics.load(slot.ctl, SLOT.READY) === 1) n++;
    return n;
  }

  get busyCount(): number {
    let n = 0;
    for (const slot of this.slots) if (slot.busy) n++;
    return n;
  }

  /** A free slot, now marked busy, or undefined when all are busy. */
  acquire(): Slot | undefined {
    const slot = this.free.pop();
    if (slot) slot.busy = true;
    return slot;
  }

  /**
   * A fresh connection holds this slot until its first request: the thread stays idle in its
   * futex, but the slot counts busy and shows `reading`, as cheroot's worker blocked in recv.
   */
  hold(slot: Slot): void {
    slot.held = true;
    Atomics.store(slot.ctl, SLOT.STATE, WORKER_STATE.READING);
  }

  release(slot: Slot): void {
    if (!slot.busy) return;
    if (slot.held) {
      slot.held = false;
      Atomics.store(slot.ctl, SLOT.STATE, WORKER_STATE.IDLE);
    }
    slot.busy = false;
    slot.callbacks = undefined;
    if (!slot.dead) this.free.push(slot);
  }

  /** Hands a job to the worker thread of a slot acquired before. */
  run(slot: Slot, job: JobSpec, callbacks: JobCallbacks): void {
    const { ctl, num } = slot;
    slot.held = false;
    num[SLOTF.IO_MS] = job.ioMs ?? 0;
    num[SLOTF.CPU_MS] = job.cpuMs ?? 0;
    num[SLOTF.ARG_A] = job.argA ?? 0;
    num[SLOTF.ARG_B] = job.argB ?? 0;
    num[SLOTF.ARG_C] = job.argC ?? 0;
    num[SLOTF.BODY_BYTES] = 0;
    ctl[SLOT.OP] = job.op;
    ctl[SLOT.ACK_SEQ] = 0;
    ctl[SLOT.BODY_STATE] = 0;
    ctl[SLOT.STATUS] = 0;
    slot.callbacks = callbacks;
    slot.evtSeen = Atomics.load(ctl, SLOT.EVT_SEQ);
    Atomics.add(ctl, SLOT.JOB_SEQ, 1);
    Atomics.notify(ctl, SLOT.JOB_SEQ, 1);
    this.watch(slot);
  }

  /** The acceptor has written a streamed chunk: let the worker go on. */
  ack(slot: Slot): void {
    Atomics.add(slot.ctl, SLOT.ACK_SEQ, 1);
    Atomics.notify(slot.ctl, SLOT.ACK_SEQ);
  }

  /** The response can no longer be written (client gone, timeout): stop waiting for acks. */
  abandon(slot: Slot): void {
    Atomics.store(slot.ctl, SLOT.ACK_SEQ, -1_000_000_000);
    Atomics.notify(slot.ctl, SLOT.ACK_SEQ);
    this.finishBody(slot, false, 0);
  }

  /** Upload: the body has arrived (or was cut off); the handler blocked on it may go on. */
  finishBody(slot: Slot, complete: boolean, bytes: number): void {
    if (Atomics.load(slot.ctl, SLOT.BODY_STATE) !== 0) return;
    slot.num[SLOTF.BODY_BYTES] = bytes;
    Atomics.store(slot.ctl, SLOT.BODY_STATE, complete ? 1 : -1);
    Atomics.notify(slot.ctl, SLOT.BODY_STATE);
  }

  private watch(slot: Slot): void {
    const r = waitAsync(slot.ctl, SLOT.EVT_SEQ, slot.evtSeen);
    if (r.async) r.value.then(() => this.onEvent(slot));
    else queueMicrotask(() => this.onEvent(slot));
  }

  private onEvent(slot: Slot): void {
    const seq = Atomics.load(slot.ctl, SLOT.EVT_SEQ);
    if (seq === slot.evtSeen) {
      // Woken without a new event (timed out or spurious): keep watching.
      this.watch(slot);
      return;
    }
    slot.evtSeen = seq;
    const callbacks = slot.callbacks;
    if (Atomics.load(slot.ctl, SLOT.EVT_KIND) === EVT.CHUNK) {
      this.watch(slot);
      if (callbacks?.onChunk) callbacks.onChunk(slot);
      else this.ack(slot);
      return;
    }
    callbacks?.onDone(slot, Atomics.load(slot.ctl, SLOT.STATUS));
  }

  /**
   * A worker thread died (e.g. its heap limit): its request fails with 500 and its slot leaves
   * the pool for good, so the pool shrinks as a crashed thread would shrink cheroot's.
   */
  private onWorkerDied(slot: Slot, code: number): void {
    this.log(`worker ${slot.id} exited unexpectedly (code ${code}); the pool has one thread less`);
    slot.dead = true;
    const i = this.free.indexOf(slot);
    if (i >= 0) this.free.splice(i, 1);
    else {
      const callbacks = slot.callbacks;
      slot.callbacks = undefined;
      Atomics.store(slot.ctl, SLOT.STATUS, 500);
      callbacks?.onDone(slot, 500);
    }
  }

  snapshot(): WorkerSnapshot[] {
    return this.slots.map((slot) => {
      const tid = Atomics.load(slot.ctl, SLOT.TID);
      return {
        id: slot.id,
        tid: tid > 0 ? tid : null,
        busy: slot.busy,
        state: WORKER_STATE_NAMES[Atomics.load(slot.ctl, SLOT.STATE)] ?? 'idle',
        requests: slot.num[SLOTF.JOBS],
        work_time_s: slot.num[SLOTF.WORK_TIME_S],
      };
    });
  }

  /** Result word of the last job of a slot (e.g. the fd /leak/fd opened). */
  result(slot: Slot): number {
    return slot.num[SLOTF.RESULT];
  }

  /** /leak/thread: a thread that never ends, blocked forever, with a tiny heap. */
  spawnLeakThread(index: number): void {
    this.leakThreads.push(spawnLeakWorker(index));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const slot of this.slots) {
      Atomics.store(slot.ctl, SLOT.STOP, 1);
      Atomics.add(slot.ctl, SLOT.JOB_SEQ, 1);
      Atomics.notify(slot.ctl, SLOT.JOB_SEQ);
      this.abandon(slot);
    }
    await Promise.allSettled([...this.workers, ...this.leakThreads].map((w) => w.terminate()));
  }
}

/** The pool interface the acceptor uses: a fixed pool, or one thread per request. */
export type RequestPool = Pick<WorkerPool,
  'gilWords' | 'whenReady' | 'busyCount' | 'acquire' | 'hold' | 'release' | 'run' | 'ack' | 'abandon' |
  'finishBody' | 'snapshot' | 'result' | 'spawnLeakThread' | 'stop'> & {
  /** thread-per-request: its threads are native pthreads (the addon), not Node worker threads. */
  readonly native?: boolean;
};

/** /leak/thread: a thread that never ends, blocked forever, with a tiny heap. */
export function spawnLeakWorker(index: number): Worker {
  const code = `
      try { require('node:fs').writeFileSync('/proc/thread-self/comm', 'cpdiag-leak-${index % 10000}'); } catch {}
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);`;
  const worker = new Worker(code, { eval: true, resourceLimits: LEAK_THREAD_LIMITS, stdout: false, stderr: false });
  worker.on('error', () => {});
  worker.unref();
  return worker;
}
