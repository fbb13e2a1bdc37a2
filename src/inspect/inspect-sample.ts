// One inspection sample of a live process: the process-level snapshot plus, for every thread,
// its name, state, CPU ticks and what it is blocked in. Only reads /proc.
import { parseProcStat } from '../probe/parse-stat.js';
import { parseSyscall, type SyscallState } from '../probe/parse-syscall.js';
import { readProcessSnapshot, type ProcessSnapshot } from '../probe/process-snapshot.js';
import { ProcReadError, type ProcReader } from '../probe/proc-reader.js';
import type { TcpTableSource } from '../probe/tcp-tables.js';
import type { FdDetailRationer } from '../probe/fd-detail.js';
import type { ServerStatsSample } from '../probe/probe-sample.js';
import { classifyThread, type FdContext, type ThreadActivity } from './thread-activity.js';

export interface InspectedThread {
  tid: number;
  name: string;
  state: string;
  cpuTicks: number;
  activity: ThreadActivity;
}

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

/**
 * Thread names change rarely (once, at thread start), so a continuous watch re-reads each comm
 * only after this long: it saves one file read per thread per sample.
 */
export const COMM_REFRESH_MS = 2000;

export type CommCache = Map<number, { name: string; atMs: number }>;

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
  let tids: number[];
  try {
    tids = reader.tasks(pid);
  } catch (e) {
    if (e instanceof ProcReadError && e.failure === 'gone') throw e;
    tids = [];
    process.unreadable.push(reader.path(pid, 'task'));
  }
  const threads: InspectedThread[] = [];
  const threadsByState: Record<string, number> = {};
  let syscallDenied = 0;
  for (const tid of tids) {
    const statText = reader.tryRead(pid, 'task', tid, 'stat').text;
    if (statText === undefined) continue; // exited between the listing and the read
    let stat;
    try {
      stat = parseProcStat(statText);
    } catch {
      continue;
    }
    const name = readComm(reader, pid, tid, stat.comm, comms, nowMs);
    let syscall: SyscallState | undefined;
    let wchan: string | undefined;
    const sc = reader.tryRead(pid, 'task', tid, 'syscall');
    if (sc.text !== undefined) {
      try {
        syscall = parseSyscall(sc.text);
      } catch {
        syscall = undefined;
      }
    } else if (sc.failure === 'denied') {
      syscallDenied++;
    }
    if (syscall === undefined) wchan = reader.tryRead(pid, 'task', tid, 'wchan').text?.trim();
    threadsByState[stat.state] = (threadsByState[stat.state] ?? 0) + 1;
    threads.push({
      tid,
      name,
      state: stat.state,
      cpuTicks: stat.utimeTicks + stat.stimeTicks,
      activity: classifyThread({ tid, name, state: stat.state, cpuTicks: 0, syscall, wchan }, ctx),
    });
  }
  if (comms) for (const tid of comms.keys()) if (!tids.includes(tid)) comms.delete(tid);
  process.threads = threads.length || process.threads;
  process.threadsByState = threadsByState;
  return { t_s: tS, process, threads, threadsByState, syscallDenied };
}

function readComm(reader: ProcReader, pid: number, tid: number, fallback: string, comms: CommCache | undefined, nowMs: number): string {
  const hit = comms?.get(tid);
  if (hit && nowMs - hit.atMs < COMM_REFRESH_MS) return hit.name;
  const name = reader.tryRead(pid, 'task', tid, 'comm').text?.replace(/\n$/, '') ?? fallback;
  comms?.set(tid, { name, atMs: nowMs });
  return name;
}
