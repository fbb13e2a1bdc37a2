// thread-per-request on real threads (the native addon): the handler of each request runs on a
// new pthread, as socketserver.ThreadingMixIn's threading.Thread, which ends with the handler.
// The acceptor still reads the request and writes the response on the main thread, as it does
// for every model of this server (CPython's thread reads and writes its own connection: a few µs
// of the same work in another place). Only the handlers that do the work run natively — /work,
// /, and not-found (the thread still starts and answers 404, as a Python handler would);
// upload, stream and the leak endpoints keep a Node worker thread per request (their handlers
// never take the GIL, so the two kinds of thread never share a lock).
import { OP, WORKER_STATE, WORKER_STATE_NAMES, GIL, GIL_WAKE_BASE, SLOTF, SLOT_FLOATS, SLOT_INTS } from './shared-layout.js';
import type { NativeAddon } from './native-addon.js';
import { ThreadPerRequestPool } from './thread-per-request-pool.js';
import type { JobCallbacks, JobSpec, RequestPool, Slot, WorkerSnapshot } from './worker-pool.js';

interface NativeSlot extends Slot {
  /** A native thread runs (or ran) this slot's handler. */
  threaded: boolean;
  /** The handler has finished; the acceptor may still be writing the response. */
  done: boolean;
  workS: number;
  /** The Node worker thread of an op served by an isolate (upload, stream, leaks). */
  isolate?: Slot;
}

/** Ops whose handler runs on a native thread, and the status it answers. */
const NATIVE_OPS: ReadonlyMap<number, number> = new Map([[OP.WORK, 200], [OP.INDEX, 200], [OP.NOT_FOUND, 404]]);

/** Thread ids are unique in the process (the addon's thread-safe function is one per process). */
let nextId = 0;
const onDone = new Map<number, (status: number, workS: number) => void>();
let initialized = false;

export class NativeThreadPerRequestPool implements RequestPool {
  readonly native = true;
  private readonly counters = new Int32Array(GIL_WAKE_BASE);
  private readonly live = new Map<number, NativeSlot>();
  private readonly isolates: ThreadPerRequestPool;

  constructor(private readonly addon: NativeAddon, private readonly gilEnabled: boolean, log: (line: string) => void = () => {}) {
    if (!initialized) {
      addon.threadInit((id, status, _cpuUsedMs, workS) => {
        const done = onDone.get(id);
        onDone.delete(id);
        done?.(status, workS);
      });
      initialized = true;
    }
    this.isolates = new ThreadPerRequestPool(gilEnabled, log);
    this.counters[GIL.ENABLED] = gilEnabled ? 1 : 0;
  }

  /** The native GIL's counters, at the indexes of the JS GIL's words (what stats reads). */
  get gilWords(): Int32Array {
    const [switches, active, activeMax] = this.addon.gilCounters();
    this.counters[GIL.SWITCHES] = switches;
    this.counters[GIL.CPU_ACTIVE] = active;
    this.counters[GIL.CPU_ACTIVE_MAX] = activeMax;
    return this.counters;
  }

  async whenReady(): Promise<void> {}

  get busyCount(): number {
    return this.live.size;
  }

  /** Always a slot; its thread starts with its request (run). */
  acquire(): Slot | undefined {
    const slot: NativeSlot = {
      id: nextId++, ctl: new Int32Array(SLOT_INTS), num: new Float64Array(SLOT_FLOATS), busy: true, evtSeen: 0,
      callbacks: undefined, threaded: false, done: false, workS: 0,
    };
    this.live.set(slot.id, slot);
    return slot;
  }

  hold(slot: Slot): void {
    slot.held = true;
  }

  release(slot: Slot): void {
    const s = slot as NativeSlot;
    if (!this.live.delete(s.id)) return;
    s.busy = false;
    if (s.isolate) this.isolates.release(s.isolate);
  }

  run(slot: Slot, job: JobSpec, callbacks: JobCallbacks): void {
    const s = slot as NativeSlot;
    s.held = false;
    s.callbacks = callbacks;
    const status = NATIVE_OPS.get(job.op);
    if (status === undefined) {
      const isolate = this.isolates.acquire()!;
      s.isolate = isolate;
      // The acceptor knows the outer slot only: translate the isolate's events to it.
      this.isolates.run(isolate, job, {
        ...(callbacks.onChunk ? { onChunk: () => callbacks.onChunk!(s) } : {}),
        onDone: (_inner, st) => {
          s.done = true;
          callbacks.onDone(s, st);
        },
      });
      return;
    }
    s.threaded = true;
    onDone.set(s.id, (st, workS) => {
      s.done = true;
      s.workS = workS;
      s.callbacks?.onDone(s, st);
    });
    try {
      this.addon.threadStart(s.id, job.ioMs ?? 0, job.cpuMs ?? 0, status, this.gilEnabled);
    } catch {
      // No thread could start (EAGAIN: the process's thread limit): the request fails, as a
      // Python server's "can't start new thread" does.
      onDone.delete(s.id);
      s.done = true;
      queueMicrotask(() => callbacks.onDone(s, 500));
    }
  }

  ack(slot: Slot): void {
    const isolate = (slot as NativeSlot).isolate;
    if (isolate) this.isolates.ack(isolate);
  }

  abandon(slot: Slot): void {
    const isolate = (slot as NativeSlot).isolate;
    if (isolate) this.isolates.abandon(isolate);
  }

  finishBody(slot: Slot, complete: boolean, bytes: number): void {
    const s = slot as NativeSlot;
    s.num[SLOTF.BODY_BYTES] = bytes;
    if (s.isolate) this.isolates.finishBody(s.isolate, complete, bytes);
  }

  result(slot: Slot): number {
    const isolate = (slot as NativeSlot).isolate;
    return isolate ? this.isolates.result(isolate) : 0;
  }

  snapshot(): WorkerSnapshot[] {
    const threads = new Map<number, { tid: number; state: number }>();
    const flat = this.addon.threadSnapshot();
    for (let i = 0; i + 2 < flat.length; i += 3) threads.set(flat[i], { tid: flat[i + 1], state: flat[i + 2] });
    const rows: WorkerSnapshot[] = [];
    for (const s of this.live.values()) {
      if (s.isolate) continue;
      const t = threads.get(s.id);
      // No thread yet: a fresh connection before its request (CPython's thread would be reading
      // it). Thread gone: the handler is done and the acceptor writes the response.
      const state = t ? t.state : s.done ? WORKER_STATE.WRITING : WORKER_STATE.READING;
      rows.push({ id: s.id, tid: t && t.tid > 0 ? t.tid : null, busy: true, state: WORKER_STATE_NAMES[state] ?? 'idle', requests: s.done ? 1 : 0, work_time_s: s.workS });
    }
    return [...rows, ...this.isolates.snapshot()];
  }

  spawnLeakThread(index: number): void {
    this.isolates.spawnLeakThread(index);
  }

  async stop(): Promise<void> {
    // Native threads are detached and end with their handler; nothing to wait for.
    this.live.clear();
    await this.isolates.stop();
  }
}
