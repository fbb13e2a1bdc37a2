// The inspection report: the `cpdiag inspect --json` document (schema cpdiag.inspect/1) and the
// pure function that builds it from the collected samples. Field names are snake_case because
// scripts read them; the documented ones (process, threads.{total,by_activity},
// fds.{count,limit,by_type}, sockets.by_state, listen[], memory, drift, diagnosis) keep their meaning.
import type { MachineCpuSplit } from '../probe/machine-cpu.js';
import type { ChildProcessInfo } from './process-children.js';
import { estimateDrift } from '../analysis/drift.js';
import { CLOCK_TICKS_PER_S } from '../probe/parse-stat.js';
import { topPeers } from '../probe/tcp-sockets.js';
import type { DriftEstimate } from '../analysis/drift.js';
import type { Diagnosis } from '../diagnose/diagnosis.js';
import type { Environment } from '../environment.js';
import type { FdType, ServerStatsSample, TcpState } from '../probe/probe-sample.js';
import type { Collection } from './collect-samples.js';
import type { InspectSample } from './inspect-sample.js';
import { findBacklog } from './listen-backlog.js';
import { buildInspectTimeline, type InspectTimelinePoint } from './inspect-timeline.js';
import type { ProxyInFront } from './proxy-in-front.js';
import { activityKey, groupActivities, summarizeActivities, type ActivityKind } from '../probe/thread-activity.js';
import {
  countWorkerStates, recognizeWorkers, sharedFutexAddrs, workerState, type WorkerCounts, type WorkerMethod, type WorkerState,
} from '../probe/worker-threads.js';
import { countClientReads, meanComputing, summarizeOnClients, topBlockedPeer } from '../probe/worker-census.js';
import { roundTo } from '../numbers.js';
import { formatSeconds } from '../format.js';

export const INSPECT_SCHEMA = 'cpdiag.inspect/1';

export interface ThreadDetail {
  tid: number;
  name: string;
  state: string;
  activity: string;
  kind: ActivityKind;
  worker: boolean;
  /** For worker threads: idle, blocked_io, waiting_lock, running or other. */
  worker_state?: WorkerState;
  /** CPU over the window, percent of one core. */
  cpu_percent: number;
  cpu_s: number;
}

export interface InspectReport {
  schema: typeof INSPECT_SCHEMA;
  cpdiag_version: string;
  started_at: string;
  environment: Environment;
  process: {
    pid: number;
    ppid: number;
    name: string;
    cmdline: string[];
    state: string;
    uptime_s: number;
  };
  window: {
    duration_s: number;
    interval_ms: number;
    samples: number;
    exited: boolean;
    exited_at_s?: number;
    interrupted: boolean;
  };
  threads: {
    total: number;
    by_state: Record<string, number>;
    /** The last sample's threads grouped by activity, largest group first. */
    by_activity: { activity: string; kind: ActivityKind; count: number; names: string[]; tids: number[] }[];
    /** Mean number of threads per coarse activity key over the window. */
    activity_mean: Record<string, number>;
    summary: string;
    workers: (WorkerCounts & {
      method: WorkerMethod;
      /** Share of samples in which every worker was busy (none idle). */
      all_busy_share: number;
      /** Share of samples in which every worker was blocked (in I/O or on a lock). */
      all_blocked_share: number;
      busy_mean: number;
      /** Mean workers running or queued on a lock (worker-census.ts meanComputing). Absent in older documents. */
      computing_mean?: number;
      /** Threads that look like idle workers but are beyond the pool: leaked, not counted above. */
      leaked: number;
      /** The remote peer most workers were blocked on over the window (median count), if any. */
      blocked_on_peer: { peer: string; workers: number } | null;
      /**
       * Workers blocked reading from clients of this server (connections accepted on its own port)
       * over the window: the mean and the most in one sample. Absent in documents written before.
       */
      on_clients?: { mean: number; max: number };
    }) | null;
    detail: ThreadDetail[];
    /** Threads whose syscall could not be read (activity from wchan instead). */
    syscall_unreadable: number;
  };
  fds: {
    /** null when /proc/PID/fd could not be read (then by_type is all zeros and meaningless). */
    count: number | null;
    limit: number | null;
    /** count / limit */
    usage: number | null;
    by_type: Record<FdType, number>;
  };
  sockets: {
    by_state: Partial<Record<TcpState, number>>;
    close_wait: number;
    top_peers: { peer: string; connections: number }[];
  };
  listen: {
    local: string;
    port: number;
    accept_queue: number;
    accept_queue_max: number;
    /** From `ss -ltn` Send-Q; null when unknown (no ss). */
    backlog: number | null;
    /**
     * Requests waiting for the server's threads, per sample: connections in the accept queue plus
     * accepted connections whose request bytes no thread has read yet; the mean and the most over
     * the window. Absent in documents written before it was measured.
     */
    waiting_mean?: number;
    waiting_max?: number;
  }[];
  memory: {
    rss_bytes: number;
    rss_anon_bytes: number | null;
    rss_file_bytes: number | null;
    cpu_percent: number | null;
    ctx_voluntary_per_s: number | null;
    ctx_involuntary_per_s: number | null;
  };
  drift: Partial<Record<DriftEstimate['metric'], DriftEstimate>>;
  /**
   * The machine's CPU over the window, split into the inspected process, cpdiag and everything
   * else (probe/machine-cpu.ts): whether the process had the CPU it needed. Absent where /proc/stat
   * could not be read, and in documents written before it was measured.
   */
  machine_cpu?: MachineCpuSplit;
  server: {
    url: string;
    samples: number;
    last: ServerStatsSample | null;
    busy_mean: number | null;
    queue_max: number | null;
    requests_per_s: number | null;
  } | null;
  /**
   * One entry per sample of the window (--watch: the samples kept), for the report's timeline.
   * Absent in documents written before it existed.
   */
  timeline?: InspectTimelinePoint[];
  /** A proxy on this machine in front of the server (nginx, Apache), when one was found. */
  proxy?: ProxyInFront;
  /** Files that could not be read, so the reader knows which figures are missing. */
  unreadable: string[];
  notes: string[];
  /** Child processes of the inspected one (a process pool's workers, a forking server's children). */
  children?: ChildProcessInfo[];
  diagnosis: Diagnosis | null;
}

export interface ReportContext {
  pid: number;
  cmdline: string[];
  uptimeS: number;
  startedAt: string;
  environment: Environment;
  cpdiagVersion: string;
  intervalMs: number;
  /** Backlog by listenKey, from ss; undefined when ss is not available. */
  backlogs?: Map<string, number>;
  statsUrl?: string;
}


function rate(first: number, last: number, dtS: number): number | null {
  return dtS > 0 ? roundTo((last - first) / dtS, 1) : null;
}

export function buildInspectReport(c: Collection, ctx: ReportContext): InspectReport {
  const samples = c.samples;
  if (samples.length === 0) throw new Error('no samples');
  const first = samples[0];
  const last = samples[samples.length - 1];
  const dtS = last.t_s - first.t_s;
  const notes: string[] = [];
  if (c.exited) notes.push(`the process exited ${formatSeconds(c.exitedAtS)} into the window; these figures are what was collected before`);
  if (c.dropped > 0) notes.push(`the first ${c.dropped} samples were dropped (watch keeps the last ${samples.length})`);

  // Workers, recognised over the whole window; the server's own pool size (its stats) trims
  // look-alikes started later (leaked threads parked like idle workers).
  const perSample = samples.map((s) => s.threads.map((t) => ({ tid: t.tid, name: t.name, activity: t.activity, startTicks: t.startTicks, runNs: t.runNs })));
  const reportedPool = [...samples].reverse().find((s) => s.server)?.server?.threads;
  const recognition = recognizeWorkers(perSample, ctx.pid, { poolSize: reportedPool });
  let workers: InspectReport['threads']['workers'] = null;
  let workerCounts: WorkerCounts[] | undefined;
  if (recognition.tids.size > 0) {
    const counts = perSample.map((s) => countWorkerStates(s, recognition.tids));
    const peers = perSample.map((s) => topBlockedPeer(s, recognition.tids));
    const onClients = summarizeOnClients(perSample.map((s, i) => ({ ...counts[i], on_client: countClientReads(s, recognition.tids) })), 'proc');
    const med = (key: keyof WorkerCounts) => {
      const v = counts.map((x) => x[key]).sort((a, b) => a - b);
      return v[Math.floor((v.length - 1) / 2)];
    };
    workerCounts = counts;
    const valid = counts.filter((x) => x.total > 0);
    workers = {
      method: recognition.method,
      total: med('total'),
      idle: med('idle'),
      blocked_io: med('blocked_io'),
      waiting_lock: med('waiting_lock'),
      running: med('running'),
      other: med('other'),
      all_busy_share: valid.length ? roundTo(valid.filter((x) => x.idle === 0).length / valid.length, 3) : 0,
      all_blocked_share: valid.length ? roundTo(valid.filter((x) => x.blocked_io + x.waiting_lock === x.total).length / valid.length, 3) : 0,
      busy_mean: valid.length ? roundTo(valid.reduce((a, x) => a + x.total - x.idle, 0) / valid.length, 2) : 0,
      ...meanComputing(valid),
      leaked: recognition.leaked.size,
      blocked_on_peer: medianPeer(peers),
      ...(onClients ? { on_clients: { mean: onClients.mean, max: onClients.max } } : {}),
    };
    if (recognition.method !== 'name') notes.push(`worker threads recognised by their pattern (${recognition.method}); the OS shows no names for them`);
    if (recognition.leaked.size > 0) {
      notes.push(`${recognition.leaked.size} more threads wait like idle workers but ${reportedPool !== undefined ? `are beyond the pool of ${reportedPool} the server reports` : 'started after the pool did'}: counted as leaked threads, not workers`);
    }
  }

  // Per-thread CPU over the window.
  const firstTicks = new Map(first.threads.map((t) => [t.tid, t.cpuTicks]));
  const lastShared = sharedFutexAddrs(last.threads);
  const detail: ThreadDetail[] = last.threads.map((t) => {
    const d = t.cpuTicks - (firstTicks.get(t.tid) ?? t.cpuTicks);
    const cpuS = d / CLOCK_TICKS_PER_S;
    const worker = recognition.tids.has(t.tid);
    return {
      tid: t.tid, name: t.name, state: t.state, activity: t.activity.label, kind: t.activity.kind,
      worker, ...(worker ? { worker_state: workerState(t, lastShared) } : {}), cpu_percent: dtS > 0 ? roundTo((cpuS / dtS) * 100, 1) : 0, cpu_s: roundTo(cpuS, 2),
    };
  });

  const groups = groupActivities(last.threads.map((t) => ({ tid: t.tid, name: t.name, activity: t.activity })));
  const activitySum: Record<string, number> = {};
  for (const s of samples) for (const t of s.threads) {
    const k = activityKey(t.activity);
    activitySum[k] = (activitySum[k] ?? 0) + 1;
  }
  const activityMean = Object.fromEntries(Object.entries(activitySum).map(([k, v]) => [k, roundTo(v / samples.length, 2)]));

  const lp = last.process;
  const fp = first.process;
  const listen = lp.sockets.listen.map((l) => {
    const waiting = samples.map((s) => {
      const at = s.process.sockets.listen.find((x) => x.inode === l.inode);
      return at ? at.acceptQueue + at.unreadConnections : 0;
    });
    return {
      local: l.local,
      port: l.port,
      accept_queue: l.acceptQueue,
      accept_queue_max: Math.max(...samples.map((s) => s.process.sockets.listen.find((x) => x.inode === l.inode)?.acceptQueue ?? 0)),
      backlog: findBacklog(ctx.backlogs, l.local),
      waiting_mean: roundTo(waiting.reduce((a, b) => a + b, 0) / waiting.length, 2),
      waiting_max: Math.max(...waiting),
    };
  });

  const server = buildServerSummary(samples, ctx.statsUrl);
  const times = samples.map((s) => s.t_s);
  // With the server's request counter, growth is also given per request (a leak per request).
  const requests = server?.requests_per_s != null ? Math.round(server.requests_per_s * dtS) : undefined;
  const opts = requests ? { requests } : {};
  const drift: InspectReport['drift'] = {};
  drift.rss_bytes = estimateDrift('rss_bytes', times, samples.map((s) => s.process.status.vmRssBytes), opts);
  if (lp.fdsReadable) drift.fds = estimateDrift('fds', times, samples.map((s) => s.process.fds), lp.fdLimit ? { ...opts, ceiling: lp.fdLimit } : opts);
  drift.threads = estimateDrift('threads', times, samples.map((s) => s.threads.length), opts);

  const cpuTicksDelta = lp.stat.utimeTicks + lp.stat.stimeTicks - (fp.stat.utimeTicks + fp.stat.stimeTicks);
  const unreadable = [...new Set(samples.flatMap((s) => s.process.unreadable))];
  const syscallUnreadable = last.syscallDenied;
  if (syscallUnreadable > 0) {
    notes.push(`${syscallUnreadable} threads' /proc/${ctx.pid}/task/*/syscall could not be read (needs ptrace-read permission); their activity comes from wchan`);
  }
  if (!ctx.backlogs && listen.length > 0) notes.push('listen backlog unknown: `ss` (iproute2) is not installed');

  return {
    schema: INSPECT_SCHEMA,
    cpdiag_version: ctx.cpdiagVersion,
    started_at: ctx.startedAt,
    environment: ctx.environment,
    process: {
      pid: ctx.pid,
      ppid: lp.stat.ppid,
      name: lp.status.name,
      cmdline: ctx.cmdline,
      state: lp.stat.state,
      uptime_s: roundTo(Math.max(0, ctx.uptimeS - lp.stat.starttimeTicks / CLOCK_TICKS_PER_S), 1),
    },
    window: {
      duration_s: roundTo(dtS, 3),
      interval_ms: ctx.intervalMs,
      samples: samples.length,
      exited: c.exited,
      ...(c.exitedAtS !== undefined ? { exited_at_s: roundTo(c.exitedAtS, 3) } : {}),
      interrupted: c.interrupted,
    },
    threads: {
      total: last.threads.length,
      by_state: last.threadsByState,
      by_activity: groups.map((g) => ({ activity: g.label, kind: g.kind, count: g.count, names: g.names, tids: g.tids })),
      activity_mean: activityMean,
      summary: summarizeActivities(groups),
      workers,
      detail,
      syscall_unreadable: syscallUnreadable,
    },
    fds: {
      count: lp.fdsReadable ? lp.fds : null,
      limit: lp.fdLimit,
      usage: lp.fdLimit && lp.fdsReadable ? roundTo(lp.fds / lp.fdLimit, 4) : null,
      by_type: lp.fdsByType,
    },
    sockets: {
      by_state: lp.sockets.byState,
      close_wait: lp.sockets.byState.CLOSE_WAIT ?? 0,
      top_peers: topPeers(lp.sockets.rows),
    },
    listen,
    memory: {
      rss_bytes: lp.status.vmRssBytes,
      rss_anon_bytes: lp.status.rssAnonBytes ?? null,
      rss_file_bytes: lp.status.rssFileBytes ?? null,
      cpu_percent: dtS > 0 ? roundTo((cpuTicksDelta / CLOCK_TICKS_PER_S / dtS) * 100, 1) : null,
      ctx_voluntary_per_s: rate(fp.status.ctxVoluntary, lp.status.ctxVoluntary, dtS),
      ctx_involuntary_per_s: rate(fp.status.ctxInvoluntary, lp.status.ctxInvoluntary, dtS),
    },
    drift,
    server,
    timeline: buildInspectTimeline(samples, workerCounts),
    unreadable,
    notes,
    diagnosis: null,
  };
}

/** The peer seen most often across samples, with its median count of workers (0 in samples without it). */
function medianPeer(peers: ({ peer: string; workers: number } | undefined)[]): { peer: string; workers: number } | null {
  const seen = new Map<string, number>();
  for (const p of peers) if (p) seen.set(p.peer, (seen.get(p.peer) ?? 0) + 1);
  const top = [...seen].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!top) return null;
  const counts = peers.map((p) => (p?.peer === top ? p.workers : 0)).sort((a, b) => a - b);
  const mid = counts[Math.floor((counts.length - 1) / 2)];
  return mid > 0 ? { peer: top, workers: mid } : null;
}

/** Requests served per second over the window, from the first and last sample that counted them. */
function requestsPerS(got: { t: number; v: ServerStatsSample }[]): number | null {
  const counted = got.filter((x) => x.v.requests !== undefined);
  if (counted.length < 2) return null;
  const [a, b] = [counted[0], counted[counted.length - 1]];
  return b.t > a.t ? roundTo((b.v.requests! - a.v.requests!) / (b.t - a.t), 1) : null;
}

function buildServerSummary(samples: InspectSample[], url?: string): InspectReport['server'] {
  if (!url) return null;
  const got = samples.filter((s) => s.server).map((s) => ({ t: s.t_s, v: s.server! }));
  if (got.length === 0) return { url, samples: 0, last: null, busy_mean: null, queue_max: null, requests_per_s: null };
  const a = got[0];
  const b = got[got.length - 1];
  return {
    url,
    samples: got.length,
    last: b.v,
    busy_mean: roundTo(got.reduce((s, x) => s + x.v.busy, 0) / got.length, 2),
    queue_max: Math.max(...got.map((x) => x.v.queue)),
    requests_per_s: requestsPerS(got),
  };
}
