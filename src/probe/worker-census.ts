// What a server's worker threads are doing while it runs, sample after sample: how many are idle,
// blocked in I/O, queued on a lock (the GIL, a connection pool) or running, and which remote peer
// most of the blocked ones wait on. Workers are recognised as inspect recognises them
// (worker-threads.ts) and the set accumulates over the samples, as a pool is seen idle in one
// sample and busy in the next.
import type { WorkerCensusSample, WorkerCounts } from './probe-sample.js';
import { median } from '../analysis/percentiles.js';
import { roundTo } from '../numbers.js';
import { countWorkerStates, findEventLoopThreads, recognizeWorkers, splitLeaked, type ClassifiedThread } from './worker-threads.js';

/** A peer two workers wait on is a shared dependency; one worker on a socket is just a request. */
export const MIN_WORKERS_ON_PEER = 2;

/** The remote address a worker blocked in socket I/O waits on, or undefined (pipes, files, listeners). */
export function blockedPeer(t: ClassifiedThread): string | undefined {
  const a = t.activity;
  if (a.kind !== 'io' || !a.target) return undefined;
  if (a.client || a.target.startsWith('a client of ')) return undefined;
  if (a.target.startsWith('listening ') || a.target === 'a socket' || a.target === 'a pipe' || a.target.startsWith('/')) return undefined;
  return /:\d+$/.test(a.target) ? a.target : undefined;
}

/** The peer most workers of this sample are blocked on (at least MIN_WORKERS_ON_PEER), with the count. */
export function topBlockedPeer(threads: ClassifiedThread[], workers: Set<number>): { peer: string; workers: number } | undefined {
  const counts = new Map<string, number>();
  for (const t of threads) {
    if (!workers.has(t.tid)) continue;
    const peer = blockedPeer(t);
    if (peer) counts.set(peer, (counts.get(peer) ?? 0) + 1);
  }
  let best: { peer: string; workers: number } | undefined;
  for (const [peer, n] of counts) if (n >= MIN_WORKERS_ON_PEER && (!best || n > best.workers)) best = { peer, workers: n };
  return best;
}

/**
 * Workers of this sample blocked reading from a client of the server (a connection accepted on its
 * own port): a worker that holds a connection waiting for a request head or body that has not come.
 */
export function countClientReads(threads: ClassifiedThread[], workers: Set<number>): number {
  let n = 0;
  for (const t of threads) if (workers.has(t.tid) && t.activity.client === 'read') n++;
  return n;
}

export class WorkerCensus {
  /** The recognised pool: every thread ever recognised, split by start burst (see worker-threads.ts). */
  readonly workers = new Set<number>();
  private readonly recognised = new Map<number, ClassifiedThread>();
  private named = false;
  /** Threads ever seen in an event loop (the acceptor): never workers, even when they queue for the GIL with them. */
  private readonly loops = new Set<number>();
  /** The first sample's threads: who was there, and how long each had run (splitLeaked's "served since"). */
  private first: ClassifiedThread[] | undefined;

  constructor(private readonly pid: number) {}

  /** Takes one sample's threads in; returns the workers' states in it (undefined while no pool is recognised). */
  observe(threads: ClassifiedThread[]): WorkerCensusSample | undefined {
    this.first ??= threads;
    for (const tid of findEventLoopThreads([threads])) this.loops.add(tid);
    const byTid = new Map(threads.map((t) => [t.tid, t]));
    const r = recognizeWorkers([threads.filter((t) => !this.loops.has(t.tid))], this.pid);
    if (r.method === 'name') this.named = true;
    for (const tid of r.tids) this.recognised.set(tid, byTid.get(tid)!);
    for (const tid of this.recognised.keys()) if (!byTid.has(tid) || this.loops.has(tid)) this.recognised.delete(tid);
    // The pool among everything recognised so far: the largest start burst (no server size here).
    // Named workers are the pool by name (their threads may start one by one).
    const all = new Set(this.recognised.keys());
    const pool = this.named ? all : splitLeaked(all, [this.first, [...this.recognised.values()]], undefined, new Set()).tids;
    this.workers.clear();
    for (const tid of pool) this.workers.add(tid);
    if (this.workers.size === 0) return undefined;
    const c = countWorkerStates(threads, this.workers);
    const out: WorkerCensusSample = {
      total: c.total, idle: c.idle, blocked_io: c.blocked_io, waiting_lock: c.waiting_lock, running: c.running, other: c.other,
      on_client: countClientReads(threads, this.workers),
    };
    const peer = topBlockedPeer(threads, this.workers);
    if (peer) {
      out.peer = peer.peer;
      out.on_peer = peer.workers;
    }
    return out;
  }
}

/**
 * A server's own per-worker states (the bundled server's stats: idle, io, gil_wait, cpu, ...) as
 * census states. `reading` is a worker held by its client: a fresh connection that has not sent
 * its request head yet, or a request body still arriving (cheroot's worker blocked in recv).
 */
export function censusFromServerStates(states: Record<string, number>): WorkerCensusSample {
  const n = (k: string) => states[k] ?? 0;
  const total = Object.values(states).reduce((a, b) => a + b, 0);
  return {
    total, idle: n('idle'), blocked_io: n('io') + n('reading') + n('writing'), waiting_lock: n('gil_wait'), running: n('cpu'),
    other: n('starting'), on_client: n('reading'),
  };
}

/**
 * How many workers computed over a window: the mean number running or queued on a lock (the GIL
 * in CPython) per sample. A mean, not a median: a GIL-bound CherryPy starves its acceptor, so its
 * workers are idle in most samples (the medians say "all idle") while the few busy ones compute.
 */
export function meanComputing(census: readonly WorkerCounts[]): { computing_mean: number } | undefined {
  const counted = census.filter((c) => c.total > 0);
  if (counted.length === 0) return undefined;
  return { computing_mean: roundTo(counted.reduce((a, c) => a + c.running + c.waiting_lock, 0) / counted.length, 3) };
}

/** Workers held by their clients over a window: the mean and the most, the pool, where the count came from. */
export interface OnClientsSummary {
  mean: number;
  max: number;
  total_workers: number;
  samples: number;
  source: 'server' | 'proc';
}

/** Workers held by clients over the samples that counted them (records older than the count have none). */
export function summarizeOnClients(census: WorkerCensusSample[], source: OnClientsSummary['source']): OnClientsSummary | undefined {
  const counted = census.filter((c) => c.on_client !== undefined && c.total > 0);
  if (counted.length === 0) return undefined;
  return {
    mean: roundTo(counted.reduce((a, c) => a + c.on_client!, 0) / counted.length, 2),
    max: Math.max(...counted.map((c) => c.on_client!)),
    total_workers: Math.round(median(counted.map((c) => c.total))),
    samples: counted.length,
    source,
  };
}
