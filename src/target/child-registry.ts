// Every process cpdiag spawns, and every temporary directory it makes for one, is registered here
// so that it is cleaned up on every exit path: normal return, error, Ctrl-C, SIGTERM, SIGHUP, or an
// exception in cpdiag's own code (the 'exit' hook); and, through the watchdog, when cpdiag itself
// is killed without a chance to run any code (SIGKILL). Children are started in their own process
// group (detached) and carry a token in their environment, so that stopping one stops what it
// spawned, even a descendant that left the group (process-table.ts).
import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { signalWatched, type WatchedProcess } from './process-table.js';
import { forgetDirectory, forgetProcess, watchDirectory, watchProcess } from './watchdog.js';

export interface RegisteredChild extends WatchedProcess {
  child: ChildProcess;
}

const live = new Set<RegisteredChild>();
const tempDirs = new Set<string>();
let hooked = false;

/** How long stdio may still deliver its last bytes after the child exited, before we stop reading. */
const STDIO_DRAIN_MS = 200;
const POLL_MS = 50;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only sure thing left at that point.
  process.on('exit', () => {
    for (const entry of live) signalWatched(entry, 'SIGKILL');
    for (const dir of tempDirs) removeDir(dir);
  });
}

export function registerChild(entry: RegisteredChild): void {
  hookExit();
  live.add(entry);
  watchProcess({ pgid: entry.pgid, startTicks: entry.startTicks, token: entry.token });
}

/** A directory to remove if cpdiag exits (or dies) before its owner removes it with removeTempDir. */
export function registerTempDir(dir: string): void {
  hookExit();
  tempDirs.add(dir);
  watchDirectory(dir);
}

export function removeTempDir(dir: string): void {
  removeDir(dir);
  tempDirs.delete(dir);
  forgetDirectory(dir);
}

function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * SIGTERM to the child's group and to its token's carriers, SIGKILL after the grace period, then
 * SIGKILL to whatever is left of them (grandchildren that ignored SIGTERM, a descendant that left
 * the group). Then stops reading the child's stdio: a descendant that escaped with our pipes must
 * not keep cpdiag waiting. Resolves when the child has exited.
 */
export async function terminateChild(entry: RegisteredChild, graceMs = 3000): Promise<void> {
  const { child } = entry;
  if (!hasExited(child)) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalWatched(entry, 'SIGTERM');
    const timer = setTimeout(() => signalWatched(entry, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  for (let round = 0; round < 5 && signalWatched(entry, 'SIGKILL') > 0; round++) {
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  await releaseStdio(child);
  live.delete(entry);
  forgetProcess(entry.pgid);
}

/** Lets the last output arrive (bounded), then closes our ends of the child's pipes. */
async function releaseStdio(child: ChildProcess): Promise<void> {
  const streams = [child.stdin, child.stdout, child.stderr].filter((s) => s !== null && !s.destroyed);
  if (streams.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    new Promise<void>((resolve) => child.once('close', () => resolve())),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STDIO_DRAIN_MS);
    }),
  ]);
  clearTimeout(timer);
  for (const s of streams) s!.destroy();
}

/** Kills every registered child (used by signal handlers before exiting). */
export async function terminateAll(graceMs = 2000): Promise<void> {
  await Promise.all([...live].map((c) => terminateChild(c, graceMs)));
}
