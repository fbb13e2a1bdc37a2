// The thread-per-request model ("a threading server" in "Deploying CherryPy: deployment
// models"; Python's socketserver.ThreadingMixIn): every connection gets a new thread, which ends
// when it is released. Nothing bounds the count, so under overload threads pile up, each paying
// its start (a V8 isolate here, a pthread in CPython) and its memory. All threads take the one
// GIL of the process, as CPython's do.
import type { Worker } from 'node:worker_threads';
import { GIL, GIL_INTS } from './shared-layout.js';
import { spawnLeakWorker, WorkerPool, type JobCallbacks, type JobSpec, type RequestPool, type Slot, type WorkerSnapshot } from './worker-pool.js';

export class ThreadPerRequestPool implements RequestPool {
  readonly gilWords: Int32Array;
  private readonly gilBuffer: SharedArrayBuffer;
  /** Each live thread's own pool of one. */
  private readonly live = new Map<Slot, WorkerPool>();
  private readonly leakThreads: Worker[] = [];
  private readonly stopping: Promise<void>[] = [];
  /** Threads started since the server started (for threads created per second). */
  started = 0;

  constructor(gilEnabled: boolean, private readonly log: (line: string) => void = () => {}) {
    this.gilBuffer = new SharedArrayBuffer(GIL_INTS * 4);
    this.gilWords = new Int32Array(this.gilBuffer);
    this.gilWords[GIL.ENABLED] = gilEnabled ? 1 : 0;
  }

  /** No thread exists until a request comes. */
  async whenReady(): Promise<void> {}

  get busyCount(): number {
    return this.live.size;
  }

  /** Always a slot: a new thread starts for it (the job posted meanwhile waits for it). */
  acquire(): Slot | undefined {
    const pool = new WorkerPool(1, true, this.log, this.gilBuffer);
    const slot = pool.acquire()!;
    this.live.set(slot, pool);
    this.started++;
    return slot;
  }

  private poolOf(slot: Slot): WorkerPool | undefined {
    return this.live.get(slot);
  }

  hold(slot: Slot): void {
    this.poolOf(slot)?.hold(slot);
  }

  /** The request is over: its thread ends. */
  release(slot: Slot): void {
    const pool = this.poolOf(slot);
    if (!pool) return;
    pool.release(slot);
    this.live.delete(slot);
    const done = pool.stop();
    this.stopping.push(done);
    done.then(() => this.stopping.splice(this.stopping.indexOf(done), 1), () => {});
  }

  run(slot: Slot, job: JobSpec, callbacks: JobCallbacks): void {
    this.poolOf(slot)?.run(slot, job, callbacks);
  }

  ack(slot: Slot): void {
    this.poolOf(slot)?.ack(slot);
  }

  abandon(slot: Slot): void {
    this.poolOf(slot)?.abandon(slot);
  }

  finishBody(slot: Slot, complete: boolean, bytes: number): void {
    this.poolOf(slot)?.finishBody(slot, complete, bytes);
  }

  result(slot: Slot): number {
    return this.poolOf(slot)?.result(slot) ?? 0;
  }

  snapshot(): WorkerSnapshot[] {
    return [...this.live.values()].flatMap((pool, i) => pool.snapshot().map((w) => ({ ...w, id: i })));
  }

  spawnLeakThread(index: number): void {
    this.leakThreads.push(spawnLeakWorker(index));
  }

  async stop(): Promise<void> {
    const pools = [...this.live.values()];
    this.live.clear();
    await Promise.allSettled([...pools.map((p) => p.stop()), ...this.stopping, ...this.leakThreads.map((w) => w.terminate())]);
  }
}
