// Starting a server process and knowing when it is ready, or why it never was.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { CpdiagError, EXIT } from '../exit-codes.js';
import type { ServerSettings } from '../config/settings.js';
import type { TargetKind } from './target-info.js';
import { registerChild, terminateChild } from './child-registry.js';
import type { RunningTarget, TargetExit } from './target.js';
import { formatSeconds } from '../format.js';

const STDERR_TAIL_BYTES = 4096;
const READY_POLL_MS = 100;

export interface SpawnOptions {
  kind: TargetKind;
  argv: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  settings: ServerSettings;
  /** How the target tells it is ready: a URL line on stdout (the bundled server) or a URL that answers. */
  readiness: { kind: 'stdout-url' } | { kind: 'http'; url: string; path: string };
  readyTimeoutMs: number;
  signal?: AbortSignal;
  statsPath?: string;
}

export async function spawnTarget(opts: SpawnOptions): Promise<RunningTarget> {
  const [file, ...args] = opts.argv;
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: stop() kills the target's children too.
    detached: true,
  });
  registerChild(child);

  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
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

  let exitedFlag = false;
  let stopping = false;
  const exited = new Promise<TargetExit>((resolve) => {
    child.once('error', (e) => {
      exitedFlag = true;
      stderr += `\n${e.message}`;
      resolve({ code: null, signal: null, stderrTail: stderr });
    });
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal, stderrTail: stderr });
    });
  });
  const stop = async () => {
    stopping = true;
    await terminateChild(child);
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
      const done = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      exited.then((e) => {
        done();
        reject(new CpdiagError(`target exited before it was ready (${describeExit(e)}): ${opts.argv.join(' ')}${tail(e.stderrTail)}`, EXIT.TARGET_FAILED));
      });
      const ready = opts.readiness.kind === 'stdout-url' ? stdoutUrl : waitForHttp(opts.readiness.url, opts.readiness.path, () => exitedFlag || stopping);
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
      statsUrl: opts.statsPath ? (opts.statsPath.startsWith('/') ? url + opts.statsPath : opts.statsPath) : undefined,
      settings: opts.settings,
      exited,
      hasExited: () => exitedFlag,
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
