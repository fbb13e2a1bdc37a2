// Starting a server process and knowing when it is ready, or why it never was. The process is
// started supervised (spawn-supervised.ts: own process group, watchdog, cleanup on every exit).
import { request } from 'node:http';
import { CpdiagError, EXIT } from '../exit-codes.js';
import type { ServerSettings } from '../config/settings.js';
import { spawnSupervised } from './spawn-supervised.js';
import type { RunningTarget, TargetExit } from './target.js';
import { formatSeconds } from '../format.js';
import { resolveStatsUrl } from './stats-url-schema.js';

const STDERR_TAIL_BYTES = 4096;
const READY_POLL_MS = 100;
/** SIGTERM, then SIGKILL after this long (the bundled server drains in far less once its load is gone). */
const DEFAULT_STOP_GRACE_MS = 3000;

export interface SpawnOptions {
  kind: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  settings: ServerSettings;
  /** How the target tells it is ready: a URL on stdout (the bundled server prints one line) or a URL that answers. */
  readiness: { kind: 'stdout-url' } | { kind: 'http'; url: string; path: string };
  readyTimeoutMs: number;
  signal?: AbortSignal;
  statsPath?: string;
  /** Called with each line the target writes on stderr (its log). */
  onStderr?: (line: string) => void;
}

export async function spawnTarget(opts: SpawnOptions): Promise<RunningTarget> {
  const [file, ...args] = opts.argv;
  const supervised = spawnSupervised(file, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const { child } = supervised;

  let stderr = '';
  let stderrLine = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
    if (!opts.onStderr) return;
    stderrLine += chunk;
    let nl: number;
    while ((nl = stderrLine.indexOf('\n')) >= 0) {
      opts.onStderr(stderrLine.slice(0, nl));
      stderrLine = stderrLine.slice(nl + 1);
    }
  });
  let stdout = '';
  child.stdout!.setEncoding('utf8');
  const stdoutUrl = new Promise<string>((resolve) => {
    child.stdout!.on('data', (chunk: string) => {
      if (stdout.length < 65536) stdout += chunk;
      const m = /(https?:\/\/[^\s]+)/.exec(stdout);
      if (m) resolve(m[1].replace(/\/$/, ''));
    });
  });

  let stopping = false;
  const exited: Promise<TargetExit> = supervised.exited.then((e) => {
    if (e.error) stderr += `\n${e.error.message}`;
    return { code: e.code, signal: e.signal, stderrTail: stderr };
  });
  const stop = async (graceMs = DEFAULT_STOP_GRACE_MS) => {
    stopping = true;
    await supervised.stop(graceMs);
  };

  const describeExit = (e: TargetExit) => (e.signal ? `signal ${e.signal}` : `exit code ${e.code}`);
  try {
    const readyUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new CpdiagError(`target not ready after ${formatSeconds(opts.readyTimeoutMs / 1000)}: ${opts.argv.join(' ')}${tail(stderr)}`, EXIT.TARGET_FAILED, 'raise --ready-timeout, or check that the command listens on {port}')),
        opts.readyTimeoutMs,
      );
      const onAbort = () => reject(new CpdiagError('interrupted while starting the target', EXIT.INTERRUPTED));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.signal?.aborted) onAbort();
      const done = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      exited.then((e) => {
        done();
        reject(new CpdiagError(`target exited before it was ready (${describeExit(e)}): ${opts.argv.join(' ')}${tail(e.stderrTail)}`, EXIT.TARGET_FAILED));
      });
      const ready = opts.readiness.kind === 'stdout-url' ? stdoutUrl : waitForHttp(opts.readiness.url, opts.readiness.path, () => supervised.hasExited() || stopping);
      ready.then((url) => {
        done();
        resolve(url);
      }, reject);
    });
    const url = opts.readiness.kind === 'http' ? opts.readiness.url : readyUrl;
    return {
      kind: opts.kind,
      url,
      pid: child.pid!,
      command: opts.argv,
      // A path is on the target; a full (loopback) URL is taken as it is.
      statsUrl: opts.statsPath ? resolveStatsUrl(url, opts.statsPath) : undefined,
      settings: opts.settings,
      child,
      exited,
      hasExited: supervised.hasExited,
      stderrTail: () => stderr,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function tail(text: string): string {
  const lines = text.trim().split('\n').slice(-12).join('\n');
  return lines ? `\n--- last lines of its stderr ---\n${lines}` : '';
}

/** Polls until the URL answers with any HTTP status. */
async function waitForHttp(baseUrl: string, path: string, givenUp: () => boolean): Promise<string> {
  for (;;) {
    if (givenUp()) return new Promise<string>(() => {}); // the exit/timeout branch decides
    if (await answers(baseUrl + path)) return baseUrl;
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}
