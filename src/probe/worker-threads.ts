// Which threads are the request workers of a thread pool, and what is each one doing?
//
// Recognition, in order of trust:
//  1. by name, where the OS shows one: the bundled server's "cpdiag-wk-N", and "CP Server Thread"
//     (CherryPy's Python name, visible in comm only when something copied it there);
//  2. parked together: idle pool threads block in an untimed futex wait from the same code.
//     Pools built on one condition variable park on the same futex word (arg0); CPython's
//     threading.Condition gives every waiter its own lock, so cheroot's idle workers park on
//     different words but at the same user-space return address (pc) — both are matched;
//  3. busy together: when no worker is ever idle in the window (the exhausted pool), the largest
//     set of threads (not the main thread) blocked in the same call at the same pc.
// Recognition accumulates over the samples of the window: a thread seen parked once is a worker.
// Two look-alikes are kept out: a thread that waits in epoll/select (cheroot's acceptor, which
// also queues for the GIL at the workers' code when the pool computes) is never a worker; and
// threads parked like idle workers but started after the pool (threads leaked by handlers, parked
// on an Event forever) are counted as leaked: the pool is the server's reported size when known,
// else the threads started together with the first workers (a pool starts in one burst).
import type { ActivityKind, ThreadActivity } from './thread-activity.js';
import type { WorkerCounts } from './probe-sample.js';

export const WORKER_NAME_PATTERNS: RegExp[] = [/^cpdiag-wk-\d+$/, /^CP Server Thr/];
/** A pool has at least this many threads; a lone parked thread is just a thread. */
export const MIN_POOL_THREADS = 2;

export type WorkerMethod = 'name' | 'parked-together' | 'busy-together' | 'none';
export type WorkerState = 'idle' | 'blocked_io' | 'waiting_lock' | 'running' | 'other';

export interface ClassifiedThread {
  tid: number;
  name: string;
  activity: ThreadActivity;
  /** When the thread started (clock ticks since boot, /proc/PID/task/TID/stat field 22), when known. */
  startTicks?: number;
  /** Nanoseconds it has run on a CPU (schedstat), when known. */
  runNs?: number;
}

/** Threads waiting in these are event loops (an acceptor, a selector), never pool workers. */
const EVENT_LOOP_CALLS = new Set(['epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'select', 'pselect6']);
/**
 * A pool's threads start in one burst (cheroot's ThreadPool.start starts them in a loop: a few ms
 * apart, tens of ms on a loaded machine); a gap longer than this (250 ms) ends the burst.
 */
export const POOL_BURST_GAP_TICKS = 25;
/**
 * Threads that start within this of each other (20 ms) were started by one loop. After the last
 * worker seen serving in the window, the pool continues only this tightly: a thread leaked per
 * request starts when a request comes, further apart unless the leak runs at 50 a second or more.
 */
export const POOL_TIGHT_GAP_TICKS = 2;

function largestGroup<K>(items: ClassifiedThread[], key: (t: ClassifiedThread) => K | undefined): ClassifiedThread[] {
  const groups = new Map<K, ClassifiedThread[]>();
  for (const t of items) {
    const k = key(t);
    if (k === undefined) continue;
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  let best: ClassifiedThread[] = [];
  for (const g of groups.values()) if (g.length > best.length) best = g;
  return best.length >= MIN_POOL_THREADS ? best : [];
}

function isParked(a: ThreadActivity): boolean {
  return a.kind === 'lock' && a.futexTimed === false;
}

/** Threads of one sample parked together (idle pool members), excluding the main thread. */
export function findParkedThreads(threads: ClassifiedThread[], mainTid: number): ClassifiedThread[] {
  const candidates = threads.filter((t) => t.tid !== mainTid && isParked(t.activity));
  const byAddr = largestGroup(candidates, (t) => t.activity.futexAddr);
  const byPc = largestGroup(candidates, (t) => t.activity.pc);
  return byPc.length >= byAddr.length ? byPc : byAddr;
}

const BUSY_KINDS: ActivityKind[] = ['io', 'sleep', 'lock', 'other', 'disk'];

/** The largest set of non-main threads blocked in the same call at the same pc (busy pool members). */
export function findBusyTogether(threads: ClassifiedThread[], mainTid: number): ClassifiedThread[] {
  const candidates = threads.filter((t) => t.tid !== mainTid && BUSY_KINDS.includes(t.activity.kind) && !isParked(t.activity) && t.activity.pc !== undefined);
  return largestGroup(candidates, (t) => `${t.activity.call}@${t.activity.pc}`);
}

export interface WorkerRecognition {
  tids: Set<number>;
  method: WorkerMethod;
  /** Threads that look like idle workers but are beyond the pool (leaked); empty when none. */
  leaked: Set<number>;
}

export interface RecognizeOptions {
  /** The pool size the server reports about itself (its stats): trims look-alikes beyond it. */
  poolSize?: number;
}

/** Threads seen waiting in an event loop (epoll, select) in any sample: acceptors, not workers. */
export function findEventLoopThreads(samples: ClassifiedThread[][]): Set<number> {
  const out = new Set<number>();
  for (const s of samples) for (const t of s) if (t.activity.call && EVENT_LOOP_CALLS.has(t.activity.call)) out.add(t.tid);
  return out;
}

export function recognizeWorkers(samples: ClassifiedThread[][], mainTid: number, opts: RecognizeOptions = {}): WorkerRecognition {
  const named = new Set<number>();
  for (const s of samples) for (const t of s) if (WORKER_NAME_PATTERNS.some((re) => re.test(t.name))) named.add(t.tid);
  if (named.size > 0) return { tids: named, method: 'name', leaked: new Set() };
  const loops = findEventLoopThreads(samples);
  const parked = new Set<number>();
  for (const s of samples) for (const t of findParkedThreads(s, mainTid)) if (!loops.has(t.tid)) parked.add(t.tid);
  const busy = new Set<number>();
  for (const s of samples) for (const t of findBusyTogether(s.filter((x) => !loops.has(x.tid)), mainTid)) busy.add(t.tid);
  if (parked.size > 0) {
    // Busy workers not seen parked in this window share their call and pc with workers that were.
    const everParked = new Set(parked);
    for (const tid of busy) parked.add(tid);
    return { ...splitLeaked(parked, samples, opts.poolSize, everParked), method: 'parked-together' };
  }
  if (busy.size > 0) return { ...splitLeaked(busy, samples, opts.poolSize, new Set()), method: 'busy-together' };
  return { tids: new Set(), method: 'none', leaked: new Set() };
}

/**
 * The pool among look-alikes. A pool's threads start in one burst (cheroot's ThreadPool.start);
 * other threads that wait like workers do not: a thread leaked per request starts later, the
 * engine's monitor thread (whose timed waits look like GIL waits) starts alone. So the pool is the
 * earliest burst of at least MIN_POOL_THREADS start times (consecutive starts within
 * POOL_BURST_GAP_TICKS), trimmed to the server's reported size when that is smaller. Threads
 * outside it that were seen parked like idle workers are leaked; the others are other threads.
 * Without start times every candidate is a worker.
 */
export function splitLeaked(candidates: Set<number>, samples: ClassifiedThread[][], poolSize: number | undefined, parked: Set<number>): { tids: Set<number>; leaked: Set<number> } {
  const start = new Map<number, number>();
  for (const s of samples) for (const t of s) if (candidates.has(t.tid) && t.startTicks !== undefined) start.set(t.tid, t.startTicks);
  const order = [...candidates].sort((a, b) => (start.get(a) ?? 0) - (start.get(b) ?? 0) || a - b);
  if (start.size !== candidates.size || order.length === 0) return { tids: new Set(order), leaked: new Set() };
  const bursts: number[][] = [];
  for (const tid of order) {
    const last = bursts[bursts.length - 1];
    if (last && start.get(tid)! - start.get(last[last.length - 1])! <= POOL_BURST_GAP_TICKS) last.push(tid);
    else bursts.push([tid]);
  }
  let pool = bursts.find((b) => b.length >= MIN_POOL_THREADS) ?? bursts[0];
  // A worker that ran during the window served requests; a leaked thread, parked for good, never
  // runs again. So the pool reaches at least to the last-started thread that ran (present from the
  // window's first sample: a thread born in the window ran at its birth) and, after it, only as
  // far as threads started in the same tight loop. Leaked threads started every few tens of ms
  // chain into a burst of POOL_BURST_GAP_TICKS; this stops them.
  const served = ranInWindow(candidates, samples);
  if (served.size > 0) {
    const lastServing = Math.max(...[...served].map((tid) => start.get(tid)!));
    const kept: number[] = [];
    for (const tid of order) {
      const s = start.get(tid)!;
      if (s <= lastServing || (kept.length > 0 && s - start.get(kept[kept.length - 1])! <= POOL_TIGHT_GAP_TICKS)) kept.push(tid);
      else break;
    }
    if (kept.length >= MIN_POOL_THREADS) pool = kept;
  }
  if (poolSize !== undefined && Number.isInteger(poolSize) && poolSize > 0 && pool.length > poolSize) pool = pool.slice(0, poolSize);
  const kept = new Set(pool);
  return { tids: kept, leaked: new Set(order.filter((tid) => !kept.has(tid) && parked.has(tid))) };
}

/** Candidates seen in the window's first sample whose CPU run time grew by its last sample. */
function ranInWindow(candidates: Set<number>, samples: ClassifiedThread[][]): Set<number> {
  const out = new Set<number>();
  if (samples.length < 2) return out;
  const first = new Map(samples[0].filter((t) => t.runNs !== undefined).map((t) => [t.tid, t.runNs!]));
  const last = new Map<number, number>();
  for (const s of samples) for (const t of s) if (t.runNs !== undefined) last.set(t.tid, t.runNs);
  for (const tid of candidates) if (first.has(tid) && last.get(tid)! > first.get(tid)!) out.add(tid);
  return out;
}

/**
 * What one worker is doing. A timed futex wait is a lock wait (CPython's GIL, a connection-pool
 * checkout with timeout) when another thread waits on the same word; the bundled server's
 * workers emulate handler I/O with a timed wait on a private word, which counts as blocked I/O.
 */
export function workerState(t: ClassifiedThread, sharedFutexAddrs: Set<bigint>): WorkerState {
  const a = t.activity;
  switch (a.kind) {
    case 'running': return 'running';
    case 'io': case 'sleep': case 'disk': return 'blocked_io';
    case 'poll': return 'blocked_io';
    case 'lock': {
      if (!a.futexTimed) return 'idle';
      const shared = a.futexAddr !== undefined && sharedFutexAddrs.has(a.futexAddr);
      if (!shared && /^cpdiag-wk-/.test(t.name)) return 'blocked_io';
      return 'waiting_lock';
    }
    default: return 'other';
  }
}

/** futex words that two or more threads of the sample wait on. */
export function sharedFutexAddrs(threads: ClassifiedThread[]): Set<bigint> {
  const counts = new Map<bigint, number>();
  for (const t of threads) if (t.activity.futexAddr !== undefined) counts.set(t.activity.futexAddr, (counts.get(t.activity.futexAddr) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n >= 2).map(([a]) => a));
}

export type { WorkerCounts };

export function countWorkerStates(threads: ClassifiedThread[], workers: Set<number>): WorkerCounts {
  const shared = sharedFutexAddrs(threads);
  const c: WorkerCounts = { total: 0, idle: 0, blocked_io: 0, waiting_lock: 0, running: 0, other: 0 };
  for (const t of threads) {
    if (!workers.has(t.tid)) continue;
    c.total++;
    c[workerState(t, shared)]++;
  }
  return c;
}
