// Every process cpdiag spawns is registered here, so that it is killed on every exit path:
// normal return, error, Ctrl-C, or an exception in cpdiag's own code. Children are started in
// their own process group (detached), so killing the group also kills what they spawned.
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only sure thing left at that point.
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

export function registerChild(child: ChildProcess): void {
  hookExit();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** SIGTERM the child's group, then SIGKILL after the grace period; resolves when it has exited. */
export async function terminateChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    // The leader is gone; its group may not be.
    killGroup(child, 'SIGKILL');
    live.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // Grandchildren that ignored SIGTERM must not outlive the run.
  killGroup(child, 'SIGKILL');
  live.delete(child);
}

/** Kills every registered child (used by signal handlers before exiting). */
export async function terminateAll(graceMs = 2000): Promise<void> {
  await Promise.all([...live].map((c) => terminateChild(c, graceMs)));
}
