#!/usr/bin/env node
// The watchdog: a small process each cpdiag starts (watchdog.ts) before its first child, in its
// own session so that the terminal's Ctrl-C or hang-up does not reach it. It holds the read end of
// a pipe from cpdiag; cpdiag writes one JSON line per change: a child to watch (its group, start
// time and token) or forget, a temporary directory to remove or forget. When the pipe closes —
// cpdiag exited, crashed, or was SIGKILLed: the kernel closes a dead process's descriptors
// whatever killed it — the watchdog SIGTERMs what is still watched, SIGKILLs what is left after a
// grace period, removes the directories and exits.
//
// Why a process: Linux's PR_SET_PDEATHSIG would kill a child when its parent dies, but node cannot
// call prctl, it reaches the direct child only (not an nginx worker, not a descendant that called
// setsid), and it removes no directory.
import { rmSync } from 'node:fs';
import { signalWatched, findWatchedProcesses, type WatchedProcess } from './process-table.js';
import type { WatchdogMessage } from './watchdog.js';

/** How long the children get to exit on SIGTERM before SIGKILL (a drain needs no more: its client is gone). */
const GRACE_MS = 2000;
const POLL_MS = 50;

const watched = new Map<number, WatchedProcess>();
const dirs = new Set<string>();

function apply(message: WatchdogMessage): void {
  switch (message.op) {
    case 'watch':
      watched.set(message.pgid, { pgid: message.pgid, startTicks: message.startTicks, token: message.token });
      break;
    case 'forget':
      watched.delete(message.pgid);
      break;
    case 'dir':
      dirs.add(message.path);
      break;
    case 'forget-dir':
      dirs.delete(message.path);
      break;
  }
}

let cleaning = false;

async function cleanUpAndExit(): Promise<void> {
  if (cleaning) return;
  cleaning = true;
  const all = [...watched.values()];
  for (const w of all) signalWatched(w, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while (Date.now() < deadline && all.some((w) => findWatchedProcesses(w).length > 0)) {
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  // SIGKILL until nothing is found: a process forked between a scan and a kill is caught next round.
  for (let round = 0; round < 5; round++) {
    let left = 0;
    for (const w of all) left += signalWatched(w, 'SIGKILL');
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort: nothing left to report to
    }
  }
  process.exit(0);
}

let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffer += chunk;
  let nl: number;
  while ((nl = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    try {
      apply(JSON.parse(line) as WatchdogMessage);
    } catch {
      // a torn line from a writer killed mid-write: nothing to act on
    }
  }
});
process.stdin.on('end', () => void cleanUpAndExit());
process.stdin.on('error', () => void cleanUpAndExit());
// Told to stop (by a user or a test harness): the same as cpdiag going away.
process.on('SIGTERM', () => void cleanUpAndExit());
// Not ours to act on: a hang-up or Ctrl-C meant for the terminal's foreground job.
process.on('SIGHUP', () => undefined);
process.on('SIGINT', () => undefined);
