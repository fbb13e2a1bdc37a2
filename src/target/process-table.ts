// Finding what cpdiag started, on /proc: a spawned child leads its own process group, and carries
// a token in its environment that its descendants inherit, even those that leave the group with
// setsid (a daemonising --cmd, a server's helper). The group catches everything the child forks;
// the token catches what escaped the group. Used by cpdiag's own teardown and by the watchdog
// (watchdog-main.ts), which runs after cpdiag is gone and so can rely on nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { parseProcStat, type ProcStat } from '../probe/parse-stat.js';

/** The environment variable that marks a child and its descendants: CPDIAG_WATCH_<token>=1. */
export function tokenVariable(token: string): string {
  return `CPDIAG_WATCH_${token}`;
}

/** What identifies one spawned child and everything it started. */
export interface WatchedProcess {
  /** The child's pid, which is also its process group id (it was started detached). */
  pgid: number;
  /** The child's start time (/proc/PID/stat field 22), to tell it from a later process given the same pid. */
  startTicks?: number;
  token: string;
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Running, and not a zombie waiting for its parent to reap it. */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** /proc/PID/environ is the environment the process was started with, NUL-separated. */
function carriesToken(pid: number, entry: Buffer): boolean {
  let env: Buffer;
  try {
    env = readFileSync(`/proc/${pid}/environ`);
  } catch {
    // another user's process, or gone
    return false;
  }
  for (let at = env.indexOf(entry); at >= 0; at = env.indexOf(entry, at + 1)) {
    if (at === 0 || env[at - 1] === 0) return true;
  }
  return false;
}

/**
 * The group's id may be signalled: its leader is gone, or is still the process we started. A pid
 * (and so a group id) is not handed out again while any process still uses it as its group, so a
 * group whose leader is gone still holds only our processes; a leader pid alive with another start
 * time is a stranger that got the number after our group ended.
 */
function groupIsOurs(w: WatchedProcess): boolean {
  if (w.startTicks === undefined) return true;
  const leader = readStat(w.pgid);
  return leader === undefined || leader.starttimeTicks === w.startTicks;
}

/** Live processes of the watched group and live carriers of its token (never this process). */
export function findWatchedProcesses(w: WatchedProcess): number[] {
  const marker = Buffer.from(`${tokenVariable(w.token)}=`);
  const ours = groupIsOurs(w);
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    if ((ours && stat.pgrp === w.pgid) || carriesToken(pid, marker)) found.push(pid);
  }
  return found;
}

/**
 * Sends the signal to the group (atomically, so a process forked meanwhile gets it too) and to
 * every token carrier outside it. Returns how many processes were found.
 */
export function signalWatched(w: WatchedProcess, signal: NodeJS.Signals): number {
  if (groupIsOurs(w)) {
    try {
      process.kill(-w.pgid, signal);
    } catch {
      // no such group (any more)
    }
  }
  const found = findWatchedProcesses(w);
  for (const pid of found) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
  return found.length;
}
