// cpdiag's side of the watchdog (watchdog-main.ts): started on first use, told about every child
// and temporary directory as they come and go. It outlives cpdiag by design and cleans up after a
// death that no handler in cpdiag sees (SIGKILL, the OOM killer, a crash in native code).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WatchedProcess } from './process-table.js';

export type WatchdogMessage =
  | ({ op: 'watch' } & WatchedProcess)
  | { op: 'forget'; pgid: number }
  | { op: 'dir'; path: string }
  | { op: 'forget-dir'; path: string };

export const WATCHDOG_MAIN_PATH = fileURLToPath(new URL('./watchdog-main.js', import.meta.url));

let watchdog: ChildProcess | undefined;
let broken = false;

function start(): ChildProcess | undefined {
  if (watchdog && !broken) return watchdog;
  broken = false;
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [WATCHDOG_MAIN_PATH], {
      // Its own session: the terminal's SIGINT/SIGHUP go to cpdiag, which cleans up itself.
      detached: true,
      // Only the pipe: holding cpdiag's stdout or stderr would keep cpdiag's reader waiting.
      stdio: ['pipe', 'ignore', 'ignore'],
      cwd: '/',
    });
  } catch {
    return undefined;
  }
  const markBroken = () => {
    if (watchdog === child) broken = true;
  };
  child.once('error', markBroken);
  child.once('exit', markBroken);
  child.stdin!.on('error', markBroken);
  // Neither the watchdog nor its pipe may keep cpdiag's event loop alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  watchdog = child;
  return child;
}

function send(message: WatchdogMessage): void {
  const child = start();
  if (!child || broken) return;
  // A pipe write of a short line completes at once (libuv writes before queueing), so the
  // watchdog knows about a child before anything else can happen to cpdiag.
  child.stdin!.write(`${JSON.stringify(message)}\n`);
}

/** From now on, if cpdiag dies, the watchdog stops this child, its group and its token's carriers. */
export function watchProcess(w: WatchedProcess): void {
  send({ op: 'watch', ...w });
}

/** cpdiag has stopped this child itself. */
export function forgetProcess(pgid: number): void {
  if (watchdog && !broken) send({ op: 'forget', pgid });
}

/** If cpdiag dies, the watchdog removes this directory (after stopping the children). */
export function watchDirectory(path: string): void {
  send({ op: 'dir', path });
}

export function forgetDirectory(path: string): void {
  if (watchdog && !broken) send({ op: 'forget-dir', path });
}

/** The watchdog's pid, when one runs (for tests). */
export function watchdogPid(): number | undefined {
  return watchdog && !broken ? watchdog.pid : undefined;
}
