// What a server's worker threads are doing while it runs, sample after sample: how many are idle,
// blocked in I/O, queued on a lock (the GIL, a connection pool) or running, and which remote peer
// most of the blocked ones wait on. Workers are recognised as inspect recognises them
// (worker-threads.ts) and the set accumulates over the samples, as a pool is seen idle in one
// sample and busy in the next.
import type { WorkerCensusSample } from './probe-sample.js';
import { countWorkerStates, findEventLoopThreads, recognizeWorkers, type ClassifiedThread } from './worker-threads.js';

/** A peer two workers wait on is a shared dependency; one worker on a socket is just a request. */
export const MIN_WORKERS_ON_PEER = 2;

/** The remote address a worker blocked in socket I/O waits on, or undefined (pipes, files, listeners). */
export function blockedPeer(t: ClassifiedThread): string | undefined {
  const a = t.activity;
  if (a.kind !== 'io' || !a.target) return undefined;
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

export class WorkerCensus {
  readonly workers = new Set<number>();
  /** Threads ever seen in an event loop (the acceptor): never workers, even when they queue for the GIL with them. */
  private readonly loops = new Set<number>();

  constructor(private readonly pid: number) {}

  /** Takes one sample's threads in; returns the workers' states in it (undefined while no pool is recognised). */
  observe(threads: ClassifiedThread[]): WorkerCensusSample | undefined {
    for (const tid of findEventLoopThreads([threads])) this.loops.add(tid);
    for (const tid of recognizeWorkers([threads.filter((t) => !this.loops.has(t.tid))], this.pid).tids) this.workers.add(tid);
    const alive = new Set(threads.map((t) => t.tid));
    for (const tid of this.workers) if (!alive.has(tid) || this.loops.has(tid)) this.workers.delete(tid);
    if (this.workers.size === 0) return undefined;
    const c = countWorkerStates(threads, this.workers);
    const out: WorkerCensusSample = { total: c.total, idle: c.idle, blocked_io: c.blocked_io, waiting_lock: c.waiting_lock, running: c.running, other: c.other };
    const peer = topBlockedPeer(threads, this.workers);
    if (peer) {
      out.peer = peer.peer;
      out.on_peer = peer.workers;
    }
    return out;
  }
}
