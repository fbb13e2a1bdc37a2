// One inspection sample of a live process: the process-level snapshot plus, for every thread,
// its name, state, CPU ticks and what it is blocked in. Only reads /proc.
import { readProcessSnapshot, type ProcessSnapshot } from '../probe/process-snapshot.js';
import type { ProcReader } from '../probe/proc-reader.js';
import type { TcpTableSource } from '../probe/tcp-tables.js';
import type { FdDetailRationer } from '../probe/fd-detail.js';
import type { ServerStatsSample } from '../probe/probe-sample.js';
import type { FdContext } from '../probe/thread-activity.js';
import { readThreads, type CommCache, type InspectedThread } from '../probe/read-threads.js';

export { COMM_REFRESH_MS, type CommCache, type InspectedThread } from '../probe/read-threads.js';

export interface InspectSample {
  /** Seconds since the inspection started. */
  t_s: number;
  process: ProcessSnapshot;
  threads: InspectedThread[];
  threadsByState: Record<string, number>;
  /** Threads whose syscall file could not be read (permission): their activity comes from wchan. */
  syscallDenied: number;
  server?: ServerStatsSample;
}

export function readInspectSample(
  reader: ProcReader, pid: number, tS: number, tcpTables?: TcpTableSource, comms?: CommCache, nowMs: number = tS * 1000,
  fdDetail?: FdDetailRationer,
): InspectSample {
  const process = readProcessSnapshot(reader, pid, { threadStates: false, tcpTables, reuseFdDetailOf: fdDetail?.reusable(pid, nowMs) });
  fdDetail?.record(process, nowMs);
  const ctx: FdContext = {
    links: new Map(process.fdEntries.map((e) => [e.fd, e.link])),
    tcpByInode: process.sockets.byInode,
  };
  const t = readThreads(reader, pid, ctx, comms, nowMs);
  if (t.unreadable) process.unreadable.push(reader.path(pid, 'task'));
  process.threads = t.threads.length || process.threads;
  process.threadsByState = t.threadsByState;
  return { t_s: tS, process, threads: t.threads, threadsByState: t.threadsByState, syscallDenied: t.syscallDenied };
}
