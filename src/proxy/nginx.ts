// A real nginx in front of the target, for the 502/504 and timeout experiments. nginx runs in the
// foreground (daemon off) as our child, with its config, pid file, logs and temp files in a
// private directory. It is started supervised, as targets are (src/target/spawn-supervised.ts):
// master and workers in their own process group, stopped by stop(), or by cpdiag's exit hook, or
// by the watchdog if cpdiag is killed outright, which also removes the directory; no nginx and no
// directory outlive the run.
import { accessSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { registerTempDir, removeTempDir } from '../target/child-registry.js';
import { spawnSupervised, type SupervisedChild } from '../target/spawn-supervised.js';
import { writeStaticFiles, type StaticFilesSpec } from './static-files.js';
import { renderNginxConfig } from './nginx-config.js';
import { NGINX_DEFAULT_WORKER_CONNECTIONS } from './proxy-limits.js';
import { parseNginxErrorLog, type NginxErrorLogSummary } from './parse-nginx-error-log.js';
import { parseNginxAccessLog, type NginxAccessLogSummary } from './parse-nginx-access-log.js';

export interface NginxProxyOptions {
  /** The upstream, on loopback: http://127.0.0.1:PORT. */
  upstreamUrl: string;
  /** More servers of the same upstream (a load balancer over processes on their own ports), on loopback. */
  moreUpstreamUrls?: readonly string[];
  /** Serve the mix's paths under a prefix from files (src/proxy/static-files.ts), not from the backend. */
  staticFiles?: StaticFilesSpec;
  readTimeoutS?: number;
  sendTimeoutS?: number;
  connectTimeoutS?: number;
  /** Upstream keepalive + proxy_http_version 1.1 + Connection "". Default true. */
  keepalive?: boolean;
  /** proxy_buffering and proxy_request_buffering. Default true (nginx's default). */
  buffering?: boolean;
  /** nginx's client_max_body_size, e.g. "100m". Default "1m" (nginx's own default). */
  clientMaxBodySize?: string;
  /** worker_connections (src/proxy/proxy-limits.ts: a proxied request holds two). Default 1024. */
  workerConnections?: number;
  /** Override of the nginx binary (else /usr/sbin/nginx or nginx on PATH). */
  nginxPath?: string;
}

export interface NginxProxy {
  url: string;
  pid: number;
  /** The private directory (config, logs); gone after stop(). */
  dir: string;
  /** Resolves when the master exits (a crash, or stop()). */
  exited: Promise<void>;
  stop(): Promise<void>;
  /** Counts from the error log so far (after stop(): as it was at stop). */
  readErrorLog(): Promise<NginxErrorLogSummary>;
  /** Answers from the access log so far, by status and whether the backend made them (after stop(): as at stop). */
  readAccessLog(): Promise<NginxAccessLogSummary>;
}

/** nginx's own defaults for the three proxy timeouts. */
const NGINX_DEFAULT_TIMEOUT_S = 60;
/** How long nginx may take to listen before we call the start failed. */
const READY_TIMEOUT_MS = 5000;
const READY_POLL_MS = 25;
/** Fast shutdown (SIGTERM) normally takes milliseconds; past this we SIGKILL. */
const STOP_TIMEOUT_MS = 3000;
/** A free port picked by the kernel can be taken before nginx binds it: retry a few times. */
const START_ATTEMPTS = 3;
const NGINX_CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

export function findNginx(pathEnv = process.env.PATH ?? '', candidates: readonly string[] = NGINX_CANDIDATES): string | undefined {
  const dirs = pathEnv.split(delimiter).filter(Boolean).map((d) => join(d, 'nginx'));
  return [...candidates, ...dirs].find(isExecutable);
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function startNginxProxy(opts: NginxProxyOptions): Promise<NginxProxy> {
  const nginx = opts.nginxPath !== undefined ? (isExecutable(opts.nginxPath) ? opts.nginxPath : undefined) : findNginx();
  if (!nginx) {
    const where = opts.nginxPath !== undefined ? opts.nginxPath : 'in /usr/sbin and on PATH';
    throw new CpdiagError(`nginx is not installed (looked ${opts.nginxPath !== undefined ? 'at ' : ''}${where})`, EXIT.MISSING_DEPENDENCY, 'apt-get install nginx-light');
  }
  const upstreams = [opts.upstreamUrl, ...(opts.moreUpstreamUrls ?? [])].map(parseLoopbackUrl);
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(nginx, upstreams, opts, await pickFreePort());
    } catch (e) {
      lastError = e;
      if (!(e instanceof RetryableStartError)) throw e;
    }
  }
  throw lastError instanceof Error ? new CpdiagError(`nginx could not bind a port: ${lastError.message}`, EXIT.TARGET_FAILED) : lastError;
}

/** A start that failed for a reason another attempt fixes (port taken in a race, an old nginx). */
class RetryableStartError extends Error {}

/**
 * `-e FILE` (nginx ≥ 1.19.5) keeps nginx's start-up errors out of /var/log/nginx; an older nginx
 * refuses the flag, and is then started without it.
 */
let earlyErrorLogFlag = true;

async function startOnce(nginx: string, upstreams: { host: string; port: number }[], opts: NginxProxyOptions, port: number): Promise<NginxProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-nginx-'));
  // Registered before anything runs in it: removed on any exit of cpdiag, even SIGKILL.
  registerTempDir(dir);
  mkdirSync(join(dir, 'tmp'));
  const errorLog = join(dir, 'error.log');
  const conf = join(dir, 'nginx.conf');
  const staticRoot = opts.staticFiles ? writeStaticFiles(dir, opts.staticFiles) : undefined;
  writeFileSync(conf, renderNginxConfig({
    ...(opts.staticFiles && staticRoot ? { static: { prefix: opts.staticFiles.prefix, root: staticRoot } } : {}),
    dir,
    listenPort: port,
    upstreams,
    readTimeoutS: opts.readTimeoutS ?? NGINX_DEFAULT_TIMEOUT_S,
    sendTimeoutS: opts.sendTimeoutS ?? NGINX_DEFAULT_TIMEOUT_S,
    connectTimeoutS: opts.connectTimeoutS ?? NGINX_DEFAULT_TIMEOUT_S,
    keepalive: opts.keepalive ?? true,
    buffering: opts.buffering ?? true,
    clientMaxBodySize: opts.clientMaxBodySize ?? '1m',
    workerConnections: opts.workerConnections ?? NGINX_DEFAULT_WORKER_CONNECTIONS,
    // As root the master would switch workers to "nobody", who cannot enter our 0700 directory.
    user: process.getuid?.() === 0 ? `${userInfo().username}` : undefined,
  }));

  // stdout/stderr to a file rather than a pipe: nothing ties our event loop to the child.
  const stderrFd = openSync(join(dir, 'stderr.log'), 'w');
  let supervised: SupervisedChild;
  try {
    const early = earlyErrorLogFlag ? ['-e', errorLog] : [];
    supervised = spawnSupervised(nginx, ['-p', dir, '-c', conf, ...early, '-g', 'daemon off; master_process on;'], {
      stdio: ['ignore', stderrFd, stderrFd],
    });
  } finally {
    closeSync(stderrFd);
  }
  supervised.child.unref();
  const pid = supervised.pid ?? -1;

  const accessLog = join(dir, 'access.log');
  let stoppedLog: NginxErrorLogSummary | undefined;
  let stoppedAccess: NginxAccessLogSummary | undefined;
  const stop = async (): Promise<void> => {
    if (stoppedLog) return;
    // SIGTERM (fast shutdown) to master and workers, SIGKILL after the timeout and to any leftover.
    await supervised.stop(STOP_TIMEOUT_MS);
    stoppedLog = parseNginxErrorLog(readText(errorLog));
    stoppedAccess = parseNginxAccessLog(readText(accessLog));
    removeTempDir(dir);
  };

  try {
    await waitUntilListening(port, join(dir, 'nginx.pid'), pid, supervised.hasExited);
  } catch (e) {
    const why = `${readText(join(dir, 'stderr.log'))}\n${readText(errorLog)}`.trim();
    await stop();
    if (/Address already in use/.test(why)) throw new RetryableStartError(why.split('\n').pop() ?? 'address in use');
    if (earlyErrorLogFlag && /invalid option: "?e"?/.test(why)) {
      earlyErrorLogFlag = false;
      throw new RetryableStartError('nginx without -e: retry');
    }
    const detail = why.split('\n').filter(Boolean).pop() ?? (e instanceof Error ? e.message : String(e));
    throw new CpdiagError(`nginx did not start: ${detail}`, EXIT.TARGET_FAILED);
  }

  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    dir,
    exited: supervised.exited.then(() => undefined),
    stop,
    readErrorLog: async () => stoppedLog ?? parseNginxErrorLog(await readFile(errorLog, 'utf8').catch(() => '')),
    readAccessLog: async () => stoppedAccess ?? parseNginxAccessLog(await readFile(accessLog, 'utf8').catch(() => '')),
  };
}

export function parseLoopbackUrl(url: string): { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CpdiagError(`proxy upstream "${url}" is not a URL`, EXIT.USAGE);
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === 'localhost';
  if (u.protocol !== 'http:' || !loopback) {
    throw new CpdiagError(`proxy upstream must be http:// on loopback (127.0.0.0/8 or ::1), got ${url}`, EXIT.USAGE);
  }
  return { host: host === 'localhost' ? '127.0.0.1' : host, port: Number(u.port || 80) };
}

export function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilListening(port: number, pidFile: string, pid: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('nginx exited during start');
    // nginx writes its pid file after binding: a connect alone could reach someone else's socket.
    if (readText(pidFile).trim() === String(pid) && (await canConnect(port))) {
      // The master listens before its worker is up; a request now would just wait, which is fine.
      return;
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  throw new Error(`nginx did not listen on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`);
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => { s.destroy(); resolve(false); });
  });
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
