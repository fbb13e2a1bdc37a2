// Parser for /proc/PID/stat and /proc/PID/task/TID/stat (proc(5)). The command name (field 2) is
// in parentheses and may itself contain spaces and ')', so every field after it is read from the
// text that follows the LAST ')'.

/** The fields of a stat line that cpdiag uses. Times are in clock ticks (see CLOCK_TICKS_PER_S). */
export interface ProcStat {
  pid: number;
  comm: string;
  /** One letter: R running, S sleeping, D uninterruptible, Z zombie, T stopped, t traced, I idle, X dead. */
  state: string;
  ppid: number;
  /** Process group id (a process started detached leads its own group: pgrp = pid). */
  pgrp: number;
  /** Kernel flags (PF_*); PF_KTHREAD marks a kernel thread. */
  flags: number;
  utimeTicks: number;
  stimeTicks: number;
  numThreads: number;
  /** Start time after boot, in clock ticks. */
  starttimeTicks: number;
  rssPages: number;
}

/** PF_KTHREAD from include/linux/sched.h: set on every kernel thread. */
export const PF_KTHREAD = 0x00200000;

/**
 * USER_HZ: the unit of utime/stime/starttime. It is 100 on every mainstream Linux architecture
 * (it is part of the ABI, independent of the kernel's CONFIG_HZ).
 */
export const CLOCK_TICKS_PER_S = 100;

export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error('not a /proc stat line');
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  // After ')' the fields start at field 3 (state); index 0 here is field 3.
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const field = (n: number): number => Number(rest[n - 3]);
  if (rest.length < 22 || !Number.isFinite(pid)) throw new Error('truncated /proc stat line');
  return {
    pid,
    comm,
    state: rest[0],
    ppid: field(4),
    pgrp: field(5),
    flags: field(9),
    utimeTicks: field(14),
    stimeTicks: field(15),
    numThreads: field(20),
    starttimeTicks: field(22),
    rssPages: field(24),
  };
}

export function isKernelThread(stat: ProcStat): boolean {
  return (stat.flags & PF_KTHREAD) !== 0 || stat.pid === 2 || stat.ppid === 2;
}
