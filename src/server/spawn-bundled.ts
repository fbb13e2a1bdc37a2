// Starts `cpdiag serve` as a child process for other modules (targets, tests, benches): waits
// for its URL line and gives back a stop() that drains it (SIGTERM) and then forces (SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { flagName, type ServerSettings } from '../config/settings.js';
import { CpdiagError, EXIT } from '../exit-codes.js';

export interface BundledServer {
  url: string;
  pid: number;
  child: ChildProcess;
  /** SIGTERM (drain), then SIGKILL after the grace period; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnBundledOptions {
  /** How long to wait for the URL line (default 30 s: 256 workers take a few seconds). */
  readyTimeoutMs?: number;
  /** More flags for `cpdiag serve`, e.g. ['--drain-timeout', '2']. */
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Called with each stderr line of the server (logs). */
  onStderr?: (line: string) => void;
  /**
   * 'cli' (default) runs dist/cli/main.js; 'standalone' runs dist/src/server/serve-entry.js,
   * which loads the serve command only (faster, and independent of the other commands).
   */
  entry?: 'cli' | 'standalone';
}

const STDERR_TAIL_LINES = 20;
const DEFAULT_STOP_GRACE_MS = 5_000;

/** dist/src/server/spawn-bundled.js → dist/cli/main.js */
export const CLI_MAIN_PATH = fileURLToPath(new URL('../../cli/main.js', import.meta.url));
export const SERVE_ENTRY_PATH = fileURLToPath(new URL('./serve-entry.js', import.meta.url));

export function settingsToArgs(settings: Partial<ServerSettings>): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    const text = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
    args.push(`--${flagName(key as keyof ServerSettings)}`, text);
  }
  return args;
}

export async function spawnBundledServer(settings: Partial<ServerSettings>, opts: SpawnBundledOptions = {}): Promise<BundledServer> {
  const entry = opts.entry === 'standalone' ? SERVE_ENTRY_PATH : CLI_MAIN_PATH;
  const args = [entry, 'serve', ...settingsToArgs({ socket_port: 0, ...settings }), ...(opts.extraArgs ?? [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
  const stderrTail: string[] = [];
  let stderrBuf = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderrBuf += text;
    let nl: number;
    while ((nl = stderrBuf.indexOf('\n')) >= 0) {
      const line = stderrBuf.slice(0, nl);
      stderrBuf = stderrBuf.slice(nl + 1);
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      opts.onStderr?.(line);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    let stdoutBuf = '';
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      // The cause, not the stack: drop "    at ..." frames and node's banner.
      const tail = [...stderrTail, stderrBuf]
        .filter((l) => l.trim() !== '' && !/^\s+at /.test(l) && !/^Node\.js v/.test(l) && l.trim() !== '^')
        .slice(-4).join(' | ');
      reject(new CpdiagError(`bundled server ${why}${tail ? `: ${tail}` : ''}`, EXIT.TARGET_FAILED));
    };
    const timeoutMs = opts.readyTimeoutMs ?? 30_000;
    const timer = setTimeout(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      stdoutBuf += text;
      const nl = stdoutBuf.indexOf('\n');
      if (nl >= 0 && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve(stdoutBuf.slice(0, nl).trim());
      }
    });
    child.once('error', (e) => fail(`could not start (${e.message})`));
    child.once('exit', (code, signal) => {
      // stderr may still be arriving: give it a moment so the message carries the cause.
      setTimeout(() => fail(`exited before it was ready (${signal ?? `code ${code}`})`), 50);
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    url,
    pid: child.pid!,
    child,
    stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      if (stopping) return stopping;
      if (child.exitCode !== null || child.signalCode !== null) return (stopping = Promise.resolve());
      stopping = (async () => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
