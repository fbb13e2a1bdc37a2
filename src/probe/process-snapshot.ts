// One reading of a process (or a process tree) from procfs: the figures a ProbeSample carries,
// without CPU% (which needs two readings; see sampler.ts). Used by the sampler and by inspect.
import type { FdType, TcpState } from './probe-sample.js';
import { classifyFdLink, emptyFdCounts } from './parse-fd-link.js';
import { parseMaxOpenFiles } from './parse-limits.js';
import { parseProcStat, type ProcStat } from './parse-stat.js';
import { parseProcStatus, type ProcStatus } from './parse-status.js';
import { ProcReadError, type FdEntry, type ProcReader } from './proc-reader.js';
import { freshTcpTables, type TcpTableSource } from './tcp-tables.js';
import { matchOwnedSockets, parseTcpTables, type ListenSocket, type OwnedSockets } from './tcp-sockets.js';

export interface ProcessSnapshot {
  pid: number;
  stat: ProcStat;
  status: ProcStatus;
  threads: number;
  threadsByState: Record<string, number>;
  fds: number;
  fdsByType: Record<FdType, number>;
  fdEntries: FdEntry[];
  /** Soft RLIMIT_NOFILE; null when unlimited or unreadable. */
  fdLimit: number | null;
  sockets: OwnedSockets;
  /** Files that could not be read (permission), so the reader can say which figures are missing. */
  unreadable: string[];
  /** False when fdsByType, fdEntries and sockets were carried over from an earlier snapshot. */
  fdDetailFresh: boolean;
  /** False when /proc/PID/fd could not be read (permission): the fd figures are unknown, not 0. */
  fdsReadable: boolean;
}

export interface SnapshotOptions {
  /** Read every task's status for the per-state thread counts and context switches (one read per thread). */
  threadStates?: boolean;
  /** Where the TCP tables come from (default: a fresh read; samplers pass a rationed source). */
  tcpTables?: TcpTableSource;
  /**
   * An earlier snapshot of the same process whose fd detail (types, sockets, links) may be reused:
   * then only the fd directory is listed (the count stays exact) and no link is read.
   * Continuous samplers pass it between detailed reads (see fd-detail.ts).
   */
  reuseFdDetailOf?: FdDetail;
}

/** The fd part of a snapshot that a later snapshot may reuse. */
export type FdDetail = Pick<ProcessSnapshot, 'pid' | 'fds' | 'fdsByType' | 'fdEntries' | 'fdLimit' | 'sockets'>;

/** Reads one process. Throws ProcReadError('gone') when the process does not exist (any more). */
export function readProcessSnapshot(reader: ProcReader, pid: number, opts: SnapshotOptions = {}): ProcessSnapshot {
  const stat = parseProcStat(reader.stat(pid));
  let status = parseProcStatus(reader.status(pid));
  const unreadable: string[] = [];

  const threadsByState: Record<string, number> = {};
  let threads = status.threads;
  if (opts.threadStates !== false) {
    let counted = 0;
    let ctxVoluntary = 0;
    let ctxInvoluntary = 0;
    let allTaskSwitches = true;
    for (const tid of safeTasks(reader, pid, unreadable)) {
      const r = reader.tryRead(pid, 'task', tid, 'status');
      if (r.text !== undefined) {
        const task = parseProcStatus(r.text);
        threadsByState[task.state] = (threadsByState[task.state] ?? 0) + 1;
        ctxVoluntary += task.ctxVoluntary;
        ctxInvoluntary += task.ctxInvoluntary;
        counted++;
        continue;
      }
      // No status (a captured tree with stat only): the state still counts, the switches can't.
      const st = reader.tryRead(pid, 'task', tid, 'stat');
      if (st.text === undefined) continue; // thread exited between listing and reading
      const state = parseProcStat(st.text).state;
      threadsByState[state] = (threadsByState[state] ?? 0) + 1;
      counted++;
      allTaskSwitches = false;
    }
    if (counted > 0) threads = counted;
    if (counted > 0 && allTaskSwitches) {
      // /proc/PID/status counts the main thread's context switches only; a thread pool's happen
      // in its workers, so the process figure is the sum over its tasks. (Threads that have
      // exited take their counts with them, so the sum can step down when threads end.)
      status = { ...status, ctxVoluntary, ctxInvoluntary };
    }
  }

  const reuse = opts.reuseFdDetailOf;
  if (reuse && reuse.pid === pid) {
    let fds = reuse.fds;
    try {
      fds = reader.fdCount(pid);
    } catch (e) {
      if (e instanceof ProcReadError && e.failure === 'gone') throw e;
    }
    const limits = reader.tryRead(pid, 'limits');
    return {
      pid, stat, status, threads, threadsByState, fds, fdsByType: reuse.fdsByType, fdEntries: reuse.fdEntries,
      fdLimit: limits.text !== undefined ? parseMaxOpenFiles(limits.text)?.soft ?? null : reuse.fdLimit,
      sockets: reuse.sockets, unreadable, fdDetailFresh: false, fdsReadable: true,
    };
  }
  let fdEntries: FdEntry[] = [];
  let fdsReadable = true;
  try {
    fdEntries = reader.fds(pid);
  } catch (e) {
    if (e instanceof ProcReadError && e.failure === 'gone') throw e;
    unreadable.push(reader.path(pid, 'fd'));
    fdsReadable = false;
  }
  const fdsByType = emptyFdCounts();
  const socketInodes = new Set<number>();
  for (const entry of fdEntries) {
    const link = classifyFdLink(entry.link);
    fdsByType[link.type]++;
    if (link.type === 'socket' && link.inode !== undefined) socketInodes.add(link.inode);
  }

  const limits = reader.tryRead(pid, 'limits');
  if (limits.text === undefined) unreadable.push(reader.path(pid, 'limits'));
  const fdLimit = limits.text !== undefined ? parseMaxOpenFiles(limits.text)?.soft ?? null : null;

  let sockets: OwnedSockets = { rows: [], byInode: new Map(), byState: {}, listen: [] };
  if (socketInodes.size > 0) {
    try {
      sockets = matchOwnedSockets(parseTcpTables((opts.tcpTables ?? freshTcpTables(reader))(pid), socketInodes), socketInodes);
    } catch (e) {
      if (e instanceof ProcReadError && e.failure === 'gone') throw e;
      unreadable.push(reader.path(pid, 'net', 'tcp'));
    }
  }

  return {
    pid, stat, status, threads, threadsByState, fds: fdEntries.length, fdsByType, fdEntries, fdLimit, sockets, unreadable,
    fdDetailFresh: true,
    fdsReadable,
  };
}

function safeTasks(reader: ProcReader, pid: number, unreadable: string[]): number[] {
  try {
    return reader.tasks(pid);
  } catch (e) {
    if (e instanceof ProcReadError && e.failure === 'gone') throw e;
    unreadable.push(reader.path(pid, 'task'));
    return [];
  }
}

/** Sums the snapshots of a process and its descendants into one tree view. */
export interface TreeTotals {
  threads: number;
  threadsByState: Record<string, number>;
  fds: number;
  fdsByType: Record<FdType, number>;
  rssBytes: number;
  rssAnonBytes?: number;
  rssFileBytes?: number;
  ctxVoluntary: number;
  ctxInvoluntary: number;
  tcpByState: Partial<Record<TcpState, number>>;
  listen: ListenSocket[];
  /** The root process's soft fd limit (each process has its own; the root's is the one that matters most). */
  fdLimit: number | null;
  cpuTicks: number;
}

export function sumSnapshots(snaps: ProcessSnapshot[]): TreeTotals {
  const t: TreeTotals = {
    threads: 0, threadsByState: {}, fds: 0, fdsByType: emptyFdCounts(), rssBytes: 0, ctxVoluntary: 0, ctxInvoluntary: 0,
    tcpByState: {}, listen: [], fdLimit: snaps[0]?.fdLimit ?? null, cpuTicks: 0,
  };
  const seenInodes = new Set<number>();
  for (const s of snaps) {
    t.threads += s.threads;
    for (const [k, v] of Object.entries(s.threadsByState)) t.threadsByState[k] = (t.threadsByState[k] ?? 0) + v;
    t.fds += s.fds;
    for (const k of Object.keys(s.fdsByType) as FdType[]) t.fdsByType[k] += s.fdsByType[k];
    t.rssBytes += s.status.vmRssBytes;
    if (s.status.rssAnonBytes !== undefined) t.rssAnonBytes = (t.rssAnonBytes ?? 0) + s.status.rssAnonBytes;
    if (s.status.rssFileBytes !== undefined) t.rssFileBytes = (t.rssFileBytes ?? 0) + s.status.rssFileBytes;
    t.ctxVoluntary += s.status.ctxVoluntary;
    t.ctxInvoluntary += s.status.ctxInvoluntary;
    t.cpuTicks += s.stat.utimeTicks + s.stat.stimeTicks;
    // A socket shared by parent and child (inherited fd) is one socket, counted once.
    for (const row of s.sockets.rows) {
      if (seenInodes.has(row.inode)) continue;
      seenInodes.add(row.inode);
      t.tcpByState[row.state] = (t.tcpByState[row.state] ?? 0) + 1;
    }
    for (const l of s.sockets.listen) if (!t.listen.some((x) => x.inode === l.inode)) t.listen.push(l);
  }
  return t;
}
