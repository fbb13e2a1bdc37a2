// The process-pool model: a master binds one listening socket and forks `processes` workers
// that all accept on it (the kernel hands each connection to one of them), each with its own
// thread pool of thread_pool threads, as gunicorn's workers × threads or CherryPy's
// fixedNumberOfProcesses ("Load balancing CherryPy"). Separate processes have separate GILs.
// node's cluster module with SCHED_NONE does exactly this: the master creates the socket and
// passes its handle to every worker; the master itself accepts nothing.
import cluster, { type Worker } from 'node:cluster';
import type { ServerSettings } from '../config/settings.js';
import { EXIT } from '../exit-codes.js';
import { aggregatePoolStats } from './pool-stats.js';
import type { ServerStatsDocument } from './server-stats.js';

type PoolMessage =
  | { cpdiag: 'ready'; url: string; startupMs: number }
  | { cpdiag: 'stats-request'; id: number; own: ServerStatsDocument }
  | { cpdiag: 'stats-collect'; id: number }
  | { cpdiag: 'stats-reply'; id: number; doc: ServerStatsDocument }
  | { cpdiag: 'stats-result'; id: number; doc: unknown }
  | { cpdiag: 'drain' };

const STATS_TIMEOUT_MS = 2_000;

export function isPoolWorker(): boolean {
  return cluster.isWorker && process.env.CPDIAG_POOL_WORKER === '1';
}

export interface PoolMasterOptions {
  log: (line: string) => void;
  out: (line: string) => void;
  drainTimeoutS: number;
  readyTimeoutMs?: number;
}

/** The master: forks, prints the URL once every worker listens, gathers stats, stops them on a signal. */
export async function runPoolMaster(settings: ServerSettings, opts: PoolMasterOptions): Promise<number> {
  const { log, out } = opts;
  const started = performance.now();
  // Every worker accepts on the one socket itself (no round-robin through the master).
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const workers = new Set<Worker>();
  let stopping = false;
  let url = '';
  let readyCount = 0;
  let resolveReady: (() => void) | undefined;
  let rejectReady: ((e: Error) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  const collecting = new Map<number, { docs: ServerStatsDocument[]; waiting: number; done: () => void }>();

  const fork = (): Worker => {
    const worker = cluster.fork({ CPDIAG_POOL_WORKER: '1' });
    workers.add(worker);
    worker.on('message', (m: PoolMessage) => onMessage(worker, m));
    worker.on('exit', (code, signal) => {
      workers.delete(worker);
      if (stopping) return;
      if (!url) {
        rejectReady?.(new Error(`worker ${worker.process.pid} exited while starting (code ${code ?? signal})`));
        return;
      }
      // A pool keeps its size, as gunicorn's arbiter does.
      log(`cpdiag serve: process ${worker.process.pid} exited (${code ?? signal}); forking another`);
      fork();
    });
    return worker;
  };

  const onMessage = (worker: Worker, m: PoolMessage): void => {
    if (typeof m !== 'object' || m === null) return;
    if (m.cpdiag === 'ready') {
      url = m.url;
      if (++readyCount === settings.processes) resolveReady?.();
    } else if (m.cpdiag === 'stats-request') {
      const entry = { docs: [m.own], waiting: 0, done: () => {} };
      const reply = () => {
        collecting.delete(m.id);
        if (worker.isConnected()) worker.send({ cpdiag: 'stats-result', id: m.id, doc: aggregatePoolStats(process.pid, entry.docs) });
      };
      const others = [...workers].filter((w) => w !== worker && w.isConnected());
      entry.waiting = others.length;
      if (others.length === 0) return reply();
      const timer = setTimeout(reply, STATS_TIMEOUT_MS);
      entry.done = () => {
        clearTimeout(timer);
        reply();
      };
      collecting.set(m.id, entry);
      for (const w of others) w.send({ cpdiag: 'stats-collect', id: m.id });
    } else if (m.cpdiag === 'stats-reply') {
      const entry = collecting.get(m.id);
      if (!entry) return;
      entry.docs.push(m.doc);
      if (--entry.waiting === 0) entry.done();
    }
  };

  for (let i = 0; i < settings.processes; i++) fork();
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  let readyTimer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([ready, new Promise((_, reject) => { readyTimer = setTimeout(() => reject(new Error(`the pool did not start within ${timeoutMs} ms`)), timeoutMs); })]);
  } catch (e) {
    stopping = true;
    for (const w of workers) w.process.kill('SIGKILL');
    throw e;
  } finally {
    clearTimeout(readyTimer);
  }
  log(`cpdiag serve: master pid ${process.pid}, process-pool of ${settings.processes} × ${settings.thread_pool} threads ready in ${Math.round(performance.now() - started)} ms, gil ${settings.gil ? 'on' : 'off'} (one per process)`);
  out(url);

  return new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`cpdiag serve: second ${signal}, exiting now`);
        for (const w of workers) w.process.kill('SIGKILL');
        process.exit(EXIT.INTERRUPTED);
      }
      stopping = true;
      log(`cpdiag serve: ${signal}, draining ${workers.size} process(es) (up to ${opts.drainTimeoutS} s)`);
      if (workers.size === 0) resolve(EXIT.OK);
      for (const w of workers) {
        w.on('exit', () => {
          if (workers.size === 0) resolve(EXIT.OK);
        });
        if (w.isConnected()) w.send({ cpdiag: 'drain' });
        else w.process.kill('SIGTERM');
      }
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

let nextStatsId = 0;
const pendingStats = new Map<number, (doc: unknown) => void>();

/** In a worker: tells the master it listens. */
export function announcePoolWorker(url: string, startupMs: number): void {
  process.send?.({ cpdiag: 'ready', url, startupMs } satisfies PoolMessage);
}

/**
 * In a worker: answers the master's requests for this process's stats, and calls onDrain when
 * the master says stop (the master forwards the signal; workers ignore SIGINT from the terminal
 * so that one Ctrl-C is one drain, not two).
 */
export function listenToPoolMaster(ownStats: () => ServerStatsDocument, onDrain: () => void): void {
  process.on('message', (m: PoolMessage) => {
    if (typeof m !== 'object' || m === null) return;
    if (m.cpdiag === 'stats-collect') process.send?.({ cpdiag: 'stats-reply', id: m.id, doc: ownStats() } satisfies PoolMessage);
    else if (m.cpdiag === 'stats-result') {
      pendingStats.get(m.id)?.(m.doc);
      pendingStats.delete(m.id);
    } else if (m.cpdiag === 'drain') onDrain();
  });
}

/** In a worker: the pool's aggregate stats, through the master. */
export function requestPoolStats(own: ServerStatsDocument): Promise<unknown> {
  // Unique across the pool: the master keys its collections by it.
  const id = process.pid * 100_000 + (nextStatsId++ % 100_000);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pendingStats.delete(id);
      resolve(own);
    }, STATS_TIMEOUT_MS * 2);
    pendingStats.set(id, (doc) => {
      clearTimeout(timer);
      resolve(doc);
    });
    process.send?.({ cpdiag: 'stats-request', id, own } satisfies PoolMessage);
  });
}
