// Samples a process (and, by default, its descendants) every intervalMs: CPU% and RSS from
// pidusage, threads/fds/TCP/context switches from /proc, and optionally the server's own stats.
// The timer chain is aligned to the start so samples do not drift, a tick that overruns skips the
// next slot rather than piling up, and a target that exits ends the sampling (onExit), not a crash.
import type { ProbeSample } from './probe-sample.js';
import { fetchMergedServerStats, SERVER_STATS_TIMEOUT_MS } from './server-stats.js';
import { readPidUsage } from './pidusage-client.js';
import { readProcessSnapshot, sumSnapshots, type ProcessSnapshot } from './process-snapshot.js';
import { parsePssBytes } from './parse-smaps-rollup.js';
import { descendantsOf, readPpidMap } from './process-tree.js';
import { ProcReader, ProcReadError } from './proc-reader.js';
import { createStatsPoller } from './stats-poller.js';
import { rationedTcpTables, type TcpTableSource } from './tcp-tables.js';
import { createFdDetailRationer, type FdDetailRationer } from './fd-detail.js';
import { roundTo } from '../numbers.js';
import { readThreads, type CommCache } from './read-threads.js';
import { WorkerCensus } from './worker-census.js';
import { parseTcpTables } from './tcp-sockets.js';
import type { TcpRow } from './parse-net-tcp.js';

/**
 * The rationed TCP table (see tcp-tables.ts) misses sockets opened since its last read, such as a
 * worker's connection to a dependency made per request. Looking one up reads the table afresh,
 * at most once per sample, so a worker blocked on a new socket still gets its peer named.
 */
class FreshOnMissTcpRows extends Map<number, TcpRow> {
  private refreshed = false;

  constructor(rows: Map<number, TcpRow>, private readonly readAll: () => TcpRow[]) {
    super(rows);
  }

  override get(inode: number): TcpRow | undefined {
    const hit = super.get(inode);
    if (hit || this.refreshed) return hit;
    this.refreshed = true;
    for (const r of this.readAll()) if (r.inode) this.set(r.inode, r);
    return super.get(inode);
  }
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 250;
/**
 * Rescanning /proc/* for descendants reads one stat per process on the machine (~2 ms with 300
 * processes); a server's worker processes come and go rarely, so every 5 s is enough.
 */
export const CHILDREN_RESCAN_MS = 5000;

export interface SamplerOptions {
  pid: number;
  intervalMs?: number;
  /** A server stats URL (bundled /_cpdiag/stats, cheroot stats JSON, CherryPy /cpstats/data). */
  statsUrl?: string;
  /**
   * Several servers behind a balancer (pid is the balancer's): each one's stats URL, read at once
   * and merged (server-stats.ts mergeServerStats: the spread of requests over them). Replaces statsUrl.
   */
  statsUrls?: readonly string[];
  /** More process trees sampled with pid's, as one (the servers behind a balancer). */
  moreRoots?: readonly number[];
  /** Sum the descendants too (default true). */
  includeChildren?: boolean;
  /** Milliseconds, monotonic; default performance.now. */
  now?: () => number;
  onSample?: (s: ProbeSample) => void;
  /** Called once when the target is found gone (sampling has stopped). */
  onExit?: () => void;
  /** How often to look for new descendants (default CHILDREN_RESCAN_MS). */
  childrenRescanMs?: number;
  /** procfs root, for tests. */
  reader?: ProcReader;
  /**
   * Read what every thread of the target is blocked in at each sample and keep the worker pool's
   * states (idle, in I/O, on a lock, running; the peer they wait on): one stat and one syscall
   * read per thread. For targets without the bundled server's per-worker statistics.
   */
  threads?: boolean;
}

export interface Sampler {
  stop(): Promise<ProbeSample[]>;
  samples: ProbeSample[];
  /** True once the target was seen to exit. */
  readonly exited: boolean;
}

/** Reads the tree once. Returns undefined when the root process is gone (or a zombie). */
export function readTree(
  reader: ProcReader, pid: number, children: number[], tcpTables?: TcpTableSource, fdDetail?: FdDetailRationer, nowMs = 0,
): ProcessSnapshot[] | undefined {
  const read = (p: number) => {
    const snap = readProcessSnapshot(reader, p, { tcpTables, reuseFdDetailOf: fdDetail?.reusable(p, nowMs) });
    fdDetail?.record(snap, nowMs);
    return snap;
  };
  let root: ProcessSnapshot;
  try {
    root = read(pid);
  } catch (e) {
    if (e instanceof ProcReadError && e.failure === 'gone') return undefined;
    throw e;
  }
  if (root.stat.state === 'Z' || root.stat.state === 'X') return undefined;
  const snaps = [root];
  for (const child of children) {
    try {
      const s = read(child);
      if (s.stat.state !== 'Z') snaps.push(s);
    } catch {
      // a child that exits between the scan and the read simply drops out
    }
  }
  return snaps;
}

/** Pss summed over the tree; undefined when no process's smaps_rollup could be read. */
export function readTreePssBytes(reader: ProcReader, pids: readonly number[]): number | undefined {
  let total: number | undefined;
  for (const pid of pids) {
    const text = reader.tryRead(pid, 'smaps_rollup').text;
    const pss = text === undefined ? undefined : parsePssBytes(text);
    if (pss !== undefined) total = (total ?? 0) + pss;
  }
  return total;
}

export function startSampler(opts: SamplerOptions): Sampler {
  const ownReader = opts.reader === undefined;
  const reader = opts.reader ?? new ProcReader('/proc', { keepHandles: true });
  const intervalMs = opts.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  if (!(intervalMs > 0)) throw new Error(`intervalMs must be positive, got ${intervalMs}`);
  const now = opts.now ?? (() => performance.now());
  const includeChildren = opts.includeChildren ?? true;
  const samples: ProbeSample[] = [];
  const startMs = now();
  const tcpTables = rationedTcpTables(reader, now);
  const fdDetail = createFdDetailRationer();
  const urls = opts.statsUrls;
  const stats = urls && urls.length > 0
    ? createStatsPoller(urls.join(' '), SERVER_STATS_TIMEOUT_MS, (_, timeoutMs) => fetchMergedServerStats(urls, timeoutMs))
    : opts.statsUrl ? createStatsPoller(opts.statsUrl, SERVER_STATS_TIMEOUT_MS) : undefined;
  const census = opts.threads ? new WorkerCensus(opts.pid) : undefined;
  const comms: CommCache = new Map();

  let stopped = false;
  let exited = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let emitted: Promise<void> = Promise.resolve();
  let children: number[] = [];
  let lastRescanMs = -Infinity;
  let createdPerS: number | undefined;
  let tick = 0;
  let primed = false;

  const finishExit = () => {
    if (exited) return;
    exited = true;
    stopped = true;
    if (timer) clearTimeout(timer);
    if (ownReader) reader.close();
    opts.onExit?.();
  };

  const takeSample = async (): Promise<void> => {
    const tMs = now();
    if (!primed) {
      // pidusage's first call for a pid answers cpu 0; prime so that the first sample is real.
      await Promise.all([opts.pid, ...children].map(readPidUsage));
      primed = true;
    }
    if (includeChildren && tMs - lastRescanMs >= (opts.childrenRescanMs ?? CHILDREN_RESCAN_MS)) {
      const before = new Set(children);
      try {
        const ppids = readPpidMap(reader);
        // The other roots count as the root's own: processes of one deployment (a balancer's backends).
        const more = (opts.moreRoots ?? []).filter((r) => ppids.has(r));
        children = [...new Set([...descendantsOf(ppids, opts.pid), ...more, ...more.flatMap((r) => descendantsOf(ppids, r))])];
      } catch {
        children = [];
      }
      if (Number.isFinite(lastRescanMs)) {
        const created = children.filter((c) => !before.has(c)).length;
        createdPerS = created / Math.max((tMs - lastRescanMs) / 1000, 1e-3);
      }
      lastRescanMs = tMs;
    }
    const pids = [opts.pid, ...children];
    const usagePromise = Promise.all(pids.map(readPidUsage));
    const snaps = readTree(reader, opts.pid, children, tcpTables, fdDetail, tMs);
    const usages = await usagePromise;
    if (!snaps) {
      finishExit();
      return;
    }
    const totals = sumSnapshots(snaps);
    const alive = new Set(snaps.map((s) => s.pid));
    let cpu = 0;
    let rssFromUsage = 0;
    usages.forEach((u, i) => {
      if (!u || !alive.has(pids[i])) return;
      cpu += u.cpu;
      rssFromUsage += u.memory;
    });
    const sample: ProbeSample = {
      t_s: (tMs - startMs) / 1000,
      pid: opts.pid,
      cpu_percent: roundTo(cpu, 1),
      // pidusage and /proc status agree on RSS; status is read in the same instant as the rest.
      rss_bytes: totals.rssBytes || rssFromUsage,
      rss_anon_bytes: totals.rssAnonBytes,
      rss_file_bytes: totals.rssFileBytes,
      pss_bytes: readTreePssBytes(reader, snaps.map((sn) => sn.pid)),
      processes: snaps.length,
      processes_created_per_s: createdPerS === undefined ? undefined : roundTo(createdPerS, 2),
      threads: totals.threads,
      threads_by_state: totals.threadsByState,
      fds: totals.fds,
      fds_by_type: totals.fdsByType,
      fd_limit: totals.fdLimit ?? 0,
      ctx_voluntary: totals.ctxVoluntary,
      ctx_involuntary: totals.ctxInvoluntary,
      tcp_by_state: totals.tcpByState,
      listen_queue: totals.listen.length > 0 ? totals.listen.reduce((a, l) => a + l.acceptQueue, 0) : undefined,
    };
    if (census) {
      const root = snaps[0];
      try {
        const tcpByInode = new FreshOnMissTcpRows(root.sockets.byInode, () => parseTcpTables(reader.netTcp(opts.pid)));
        const t = readThreads(reader, opts.pid, { links: new Map(root.fdEntries.map((e) => [e.fd, e.link])), tcpByInode }, comms, tMs);
        const w = census.observe(t.threads);
        if (w) sample.workers = w;
      } catch {
        // the target went away between the snapshot and the thread reads: the next tick notices
      }
    }
    if (stopped && exited) return;
    const answered = stats?.poll((s) => {
      sample.server = s;
    });
    samples.push(sample);
    // onSample sees the sample with its server stats: it waits for the stats answer (at most
    // SERVER_STATS_TIMEOUT_MS), and the calls stay in sample order.
    if (opts.onSample) {
      const emit = opts.onSample;
      emitted = emitted.then(() => answered).then(() => emit(sample)).catch(() => undefined);
    }
  };

  const schedule = () => {
    if (stopped) return;
    tick++;
    // Aligned to the start: the k-th sample is due at start + k*interval. If a sample overran,
    // skip to the next slot in the future rather than firing back to back.
    const elapsed = now() - startMs;
    if (tick * intervalMs < elapsed) tick = Math.ceil(elapsed / intervalMs);
    const delay = Math.max(0, startMs + tick * intervalMs - now());
    timer = setTimeout(run, delay);
  };

  const run = () => {
    inFlight = takeSample().catch(() => {
      // An unexpected read failure (e.g. permission) ends sampling quietly; the samples so far stand.
      stopped = true;
    }).finally(schedule);
  };

  run();

  return {
    samples,
    get exited() {
      return exited;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      await stats?.drain();
      await emitted;
      if (ownReader) reader.close();
      return samples;
    },
  };
}
