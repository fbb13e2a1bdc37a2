// The one way cpdiag starts a process it owns (a target, nginx, any helper): in its own process
// group, marked with a token its descendants inherit, registered for cleanup on every exit path
// of cpdiag and with the watchdog for the ones no code of cpdiag sees (child-registry.ts).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readStat, tokenVariable } from './process-table.js';
import { registerChild, terminateChild, type RegisteredChild } from './child-registry.js';

export interface SuperviseOptions {
  /** Added to cpdiag's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Default: no stdin, stdout and stderr piped. */
  stdio?: StdioOptions;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  error?: Error;
}

export interface SupervisedChild {
  child: ChildProcess;
  /** The child's pid; also its process group id. Undefined only if it could not be started. */
  pid: number | undefined;
  /** Resolves when the child exits or fails to start; never rejects. */
  exited: Promise<ChildExit>;
  hasExited(): boolean;
  /**
   * SIGTERM to its group and escaped descendants, SIGKILL after graceMs, then stops reading its
   * stdio. Idempotent; resolves when it is gone.
   */
  stop(graceMs?: number): Promise<void>;
}

export function spawnSupervised(file: string, args: readonly string[], opts: SuperviseOptions = {}): SupervisedChild {
  const token = randomBytes(8).toString('hex');
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, [tokenVariable(token)]: '1' },
    stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'],
    // Own process group (and session): stopping the child stops what it spawned, and the
    // terminal's Ctrl-C reaches cpdiag only, which then stops its children in order.
    detached: true,
  });
  let exitedFlag = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (error) => {
      exitedFlag = true;
      resolve({ code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
    });
  });
  let entry: RegisteredChild | undefined;
  if (child.pid !== undefined) {
    entry = { child, pgid: child.pid, startTicks: readStat(child.pid)?.starttimeTicks, token };
    registerChild(entry);
  }
  let stopping: Promise<void> | undefined;
  return {
    child,
    pid: child.pid,
    exited,
    hasExited: () => exitedFlag,
    stop(graceMs?: number) {
      stopping ??= entry ? terminateChild(entry, graceMs) : Promise.resolve();
      return stopping;
    },
  };
}
