// A real Apache (Debian's apache2, mod_rewrite + mod_proxy_http) in front of the target: the
// setup of "CherryPy behind Apache with mod_rewrite". apache2 runs in the foreground
// (-DFOREGROUND) as our child with a generated config, pid file, logs and mutexes in a private
// directory. Started supervised exactly like nginx (src/proxy/nginx.ts): its process group is
// stopped by stop(), by cpdiag's exit hook, or by the watchdog if cpdiag is killed outright, which
// also removes the directory; no apache2 and no directory outlive the run.
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpdiagError, EXIT } from '../exit-codes.js';
import { registerTempDir, removeTempDir } from '../target/child-registry.js';
import { spawnSupervised, type SupervisedChild } from '../target/spawn-supervised.js';
import { writeStaticFiles, type StaticFilesSpec } from './static-files.js';
import { renderApacheConfig, type ApacheStyle } from './apache-config.js';
import { APACHE_DEFAULT_SERVER_LIMIT, APACHE_DEFAULT_THREADS_PER_CHILD } from './proxy-limits.js';
import { canConnect, isExecutable, parseLoopbackUrl, pickFreePort, readText } from './nginx.js';
import { parseApacheAccessLog, parseApacheErrorLog, type ApacheAccessLogSummary, type ApacheErrorLogSummary } from './parse-apache-logs.js';

export interface ApacheProxyOptions {
  /** The backend, on loopback: http://127.0.0.1:PORT. */
  upstreamUrl: string;
  /** Serve the mix's paths under a prefix from files (src/proxy/static-files.ts), not from the backend. */
  staticFiles?: StaticFilesSpec;
  /** 'rewrite' (RewriteRule ... [P], the account's) or 'proxypass'. Default 'rewrite'. */
  style?: ApacheStyle;
  /** RewriteMap escape int:escape with ${escape:$1} (rewrite style only). */
  escapeFix?: boolean;
  /** [P,NE] instead of [P] (rewrite style only). */
  noEscape?: boolean;
  /** ProxyTimeout in seconds. Default 60 (Apache's Timeout default). */
  timeoutS?: number;
  /** Keep-alive to the backend. Default true. */
  keepalive?: boolean;
  /** mpm_event ThreadsPerChild (default 25) and ServerLimit (default 2). */
  threadsPerChild?: number;
  serverLimit?: number;
  apachePath?: string;
  modulesDir?: string;
}

export interface ApacheProxy {
  url: string;
  /** e.g. "2.4.71": whether [P] re-escapes paths depends on it (apache-config.ts). */
  version: string;
  pid: number;
  dir: string;
  stop(): Promise<void>;
  readLogs(): Promise<{ error: ApacheErrorLogSummary; access: ApacheAccessLogSummary }>;
}

const APACHE_CANDIDATES = ['/usr/sbin/apache2', '/usr/sbin/httpd', '/usr/local/apache2/bin/httpd'];
const MODULES_CANDIDATES = ['/usr/lib/apache2/modules', '/usr/lib64/httpd/modules', '/usr/local/apache2/modules'];
const DEFAULT_TIMEOUT_S = 60;
const READY_TIMEOUT_MS = 8000;
const READY_POLL_MS = 25;
/** apache2 stops gracefully on SIGTERM in well under a second; past this we SIGKILL. */
const STOP_TIMEOUT_MS = 3000;
const START_ATTEMPTS = 3;

export function findApache(candidates: readonly string[] = APACHE_CANDIDATES): string | undefined {
  return candidates.find(isExecutable);
}

export async function startApacheProxy(opts: ApacheProxyOptions): Promise<ApacheProxy> {
  const apache = opts.apachePath ?? findApache();
  const modulesDir = opts.modulesDir ?? MODULES_CANDIDATES.find((d) => isExecutable(join(d, 'mod_proxy_http.so')) || readText(join(d, 'mod_proxy_http.so')) !== '');
  if (!apache || !isExecutable(apache) || !modulesDir) {
    throw new CpdiagError('apache2 with mod_proxy_http is not installed (looked in /usr/sbin and /usr/lib/apache2/modules)', EXIT.MISSING_DEPENDENCY, 'apt-get install apache2');
  }
  const upstream = parseLoopbackUrl(opts.upstreamUrl);
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(apache, modulesDir, upstream, opts, await pickFreePort());
    } catch (e) {
      lastError = e;
      if (!(e instanceof RetryableStartError)) throw e;
    }
  }
  throw lastError instanceof Error ? new CpdiagError(`apache2 could not bind a port: ${lastError.message}`, EXIT.TARGET_FAILED) : lastError;
}

class RetryableStartError extends Error {}

async function startOnce(apache: string, modulesDir: string, upstream: { host: string; port: number }, opts: ApacheProxyOptions, port: number): Promise<ApacheProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'cpdiag-apache-'));
  registerTempDir(dir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // apache2 refuses to serve as root: its children run as "nobody"; the logs are opened by the
    // root parent, but the children must reach the mutex files in the directory.
    chmodSync(dir, 0o755);
  }
  const conf = join(dir, 'apache2.conf');
  const staticRoot = opts.staticFiles ? writeStaticFiles(dir, opts.staticFiles) : undefined;
  writeFileSync(conf, renderApacheConfig({
    ...(opts.staticFiles && staticRoot ? { static: { prefix: opts.staticFiles.prefix, root: staticRoot } } : {}),
    dir,
    modulesDir,
    listenPort: port,
    upstreamHost: upstream.host,
    upstreamPort: upstream.port,
    style: opts.style ?? 'rewrite',
    escapeFix: opts.escapeFix ?? false,
    noEscape: opts.noEscape ?? false,
    timeoutS: opts.timeoutS ?? DEFAULT_TIMEOUT_S,
    keepalive: opts.keepalive ?? true,
    threadsPerChild: opts.threadsPerChild ?? APACHE_DEFAULT_THREADS_PER_CHILD,
    serverLimit: opts.serverLimit ?? APACHE_DEFAULT_SERVER_LIMIT,
    user: asRoot ? 'nobody' : undefined,
    group: asRoot ? 'nogroup' : undefined,
  }));

  const stderrFd = openSync(join(dir, 'stderr.log'), 'w');
  let supervised: SupervisedChild;
  try {
    // -DFOREGROUND: the parent stays our child (no daemonising), so supervision sees it.
    supervised = spawnSupervised(apache, ['-f', conf, '-d', dir, '-DFOREGROUND'], {
      stdio: ['ignore', stderrFd, stderrFd],
      // Debian's apache2 reads APACHE_* variables only through apache2ctl; none are needed here.
      env: { APACHE_RUN_DIR: dir, APACHE_LOCK_DIR: dir, APACHE_LOG_DIR: dir },
    });
  } finally {
    closeSync(stderrFd);
  }
  supervised.child.unref();
  const pid = supervised.pid ?? -1;
  const errorLog = join(dir, 'error.log');
  const accessLog = join(dir, 'access.log');

  let stoppedLogs: { error: ApacheErrorLogSummary; access: ApacheAccessLogSummary } | undefined;
  const stop = async (): Promise<void> => {
    if (stoppedLogs) return;
    await supervised.stop(STOP_TIMEOUT_MS);
    stoppedLogs = { error: parseApacheErrorLog(readText(errorLog)), access: parseApacheAccessLog(readText(accessLog)) };
    removeTempDir(dir);
  };

  try {
    await waitUntilListening(port, join(dir, 'apache2.pid'), pid, supervised.hasExited);
  } catch (e) {
    const why = `${readText(join(dir, 'stderr.log'))}\n${readText(errorLog)}`.trim();
    await stop();
    if (/Address already in use/.test(why)) throw new RetryableStartError(why.split('\n').pop() ?? 'address in use');
    const detail = why.split('\n').filter(Boolean).pop() ?? (e instanceof Error ? e.message : String(e));
    throw new CpdiagError(`apache2 did not start: ${detail}`, EXIT.TARGET_FAILED);
  }

  return {
    url: `http://127.0.0.1:${port}`,
    version: readApacheVersion(apache),
    pid,
    dir,
    stop,
    readLogs: async () =>
      stoppedLogs ?? {
        error: parseApacheErrorLog(await readFile(errorLog, 'utf8').catch(() => '')),
        access: parseApacheAccessLog(await readFile(accessLog, 'utf8').catch(() => '')),
      },
  };
}

async function waitUntilListening(port: number, pidFile: string, pid: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('apache2 exited during start');
    // The pid file is written after the listener is bound: a connect alone could reach someone else.
    if (readText(pidFile).trim() === String(pid) && (await canConnect(port))) return;
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  throw new Error(`apache2 did not listen on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`);
}

/** "Server version: Apache/2.4.71 (Debian)" → "2.4.71"; '' if apache2 -v says nothing usable. */
function readApacheVersion(apache: string): string {
  try {
    return /Apache\/(\d+\.\d+\.\d+)/.exec(execFileSync(apache, ['-v'], { encoding: 'utf8', timeout: 5000 }))?.[1] ?? '';
  } catch {
    return '';
  }
}
