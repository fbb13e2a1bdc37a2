// Every thread of a process as /proc shows it in one instant: name, state, CPU ticks and what it is
// blocked in (with the peer named for socket I/O). Shared by inspect (every sample of its window)
// and the run's sampler (what the workers are doing while load runs).
import { endianness } from 'node:os';
import { parseProcStat } from './parse-stat.js';
import { parseSyscall, type SyscallState } from './parse-syscall.js';
import { ProcReadError, type ProcReader } from './proc-reader.js';
import { classifyThread, type FdContext, type ThreadActivity } from './thread-activity.js';

export interface InspectedThread {
  tid: number;
  name: string;
  state: string;
  cpuTicks: number;
  /** Clock ticks since boot when the thread started. */
  startTicks: number;
  /**
   * Nanoseconds the thread has run on a CPU since it started (/proc/PID/task/TID/schedstat, first
   * field): exact where CPU ticks are 10 ms coarse, so a worker that served one short request in a
   * window shows it. Undefined where the kernel has no schedstat.
   */
  runNs?: number;
  activity: ThreadActivity;
}

export interface ThreadsReading {
  threads: InspectedThread[];
  threadsByState: Record<string, number>;
  /** Threads whose syscall file could not be read (permission): their activity comes from wchan. */
  syscallDenied: number;
  /** The task directory could not be listed. */
  unreadable: boolean;
}

/**
 * Thread names change rarely (once, at thread start), so a continuous watch re-reads each comm
 * only after this long: it saves one file read per thread per sample.
 */
export const COMM_REFRESH_MS = 2000;

export type CommCache = Map<number, { name: string; atMs: number }>;

/** Reads and classifies every thread of `pid`. Throws ProcReadError 'gone' when the process is. */
export function readThreads(reader: ProcReader, pid: number, ctx: FdContext, comms?: CommCache, nowMs = 0): ThreadsReading {
  let tids: number[];
  let unreadable = false;
  try {
    tids = reader.tasks(pid);
  } catch (e) {
    if (e instanceof ProcReadError && e.failure === 'gone') throw e;
    tids = [];
    unreadable = true;
  }
  const threads: InspectedThread[] = [];
  const threadsByState: Record<string, number> = {};
  let syscallDenied = 0;
  // A struct pollfd: int fd, short events, short revents (little- or big-endian as the machine is).
  const withPoll: FdContext = ctx.readPollFd ? ctx : {
    ...ctx,
    readPollFd: (address) => {
      const b = reader.readMemory(pid, address, 8);
      if (!b) return undefined;
      return endianness() === 'LE' ? { fd: b.readInt32LE(0), events: b.readInt16LE(4) } : { fd: b.readInt32BE(0), events: b.readInt16BE(4) };
    },
  };
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
    const runNs = Number(reader.tryRead(pid, 'task', tid, 'schedstat').text?.split(' ')[0]);
    threads.push({
      tid,
      name,
      state: stat.state,
      cpuTicks: stat.utimeTicks + stat.stimeTicks,
      startTicks: stat.starttimeTicks,
      ...(Number.isFinite(runNs) ? { runNs } : {}),
      activity: classifyThread({ tid, name, state: stat.state, cpuTicks: 0, syscall, wchan }, withPoll),
    });
  }
  if (comms) for (const tid of comms.keys()) if (!tids.includes(tid)) comms.delete(tid);
  return { threads, threadsByState, syscallDenied, unreadable };
}

function readComm(reader: ProcReader, pid: number, tid: number, fallback: string, comms: CommCache | undefined, nowMs: number): string {
  const hit = comms?.get(tid);
  if (hit && nowMs - hit.atMs < COMM_REFRESH_MS) return hit.name;
  const name = reader.tryRead(pid, 'task', tid, 'comm').text?.replace(/\n$/, '') ?? fallback;
  comms?.set(tid, { name, atMs: nowMs });
  return name;
}
