// Fix snippets are templates, filled from the measurements: a fix that names a value names the one
// the measurements support — the sweep's recommendation, the pool Little's law asks for at the
// measured rate, the timeout the run used — never a literal that happens to be in the table (a
// sweep that recommended thread_pool = 16 used to print `'server.thread_pool': 32` beside it).
//
// Placeholders in a cause's fix (causes.ts) are {{name}}; the names are the keys of FixValues.
import { DEFAULT_SETTINGS } from '../config/settings.js';
import { formatNumber, formatPercent, formatRate } from '../format.js';
import { APACHE_DEFAULT_THREADS_PER_CHILD, apacheMaxRequestWorkers, apacheServerLimitFor, nginxWorkerConnectionsFor } from '../proxy/proxy-limits.js';
import { applicationErrorCount } from './application-errors.js';
import type { CauseFix } from './causes.js';
import type { Findings } from './findings.js';

export interface FixValues {
  /** The pool to set: the sweep's recommendation, else Little's law with headroom, else "N". */
  thread_pool: string;
  /** Why that pool, for a comment beside it. */
  thread_pool_why: string;
  /** The pool as measured (the setting the run or the recommended step used). */
  thread_pool_current: string;
  /** A socket_timeout that covers the longest measured client pause (doubled), else the measured setting. */
  socket_timeout: string;
  socket_timeout_why: string;
  /**
   * A socket_timeout lower than the measured one, so that a connection that sends nothing gives
   * its worker back sooner: half the measured value (at least LOWER_TIMEOUT_FLOOR_S), never below
   * twice the longest client pause measured, never above the measured value.
   */
  socket_timeout_lower: string;
  socket_timeout_lower_why: string;
  /** Above socket_timeout (and the slowest measured request), so that the proxy gives up last. */
  proxy_read_timeout: string;
  /** Below socket_timeout, so that nginx drops an idle upstream connection before the server does. */
  keepalive_timeout: string;
  /** Server processes to run: a processes sweep's recommendation, else one per core, else "N". */
  processes: string;
  processes_why: string;
  /** The proxy's request limit as measured (its settings), and those settings named. */
  proxy_limit: string;
  proxy_limit_setting: string;
  /** Requests the clients had in flight at once (a closed loop's connections, or Little's law). */
  client_concurrency: string;
  /** What the proxy should let through: the clients' concurrency, and at least the backend's pool. */
  proxy_concurrency: string;
  /** Apache mpm_event settings that give proxy_concurrency worker threads (ThreadsPerChild kept as measured). */
  apache_threads_per_child: string;
  apache_server_limit: string;
  apache_max_request_workers: string;
  /** nginx worker_connections that hold proxy_concurrency proxied requests (two connections each). */
  nginx_worker_connections: string;
  /** The application's 5xx as a share of requests, and the paths that failed. */
  error_share: string;
  error_paths: string;
}

/** Headroom over Little's law's mean busy workers: bursts above the mean rate need spare workers. */
export const POOL_HEADROOM = 1.5;
/**
 * The lowest socket_timeout a fix proposes without a measured client pause: a legitimate client
 * sends its request head within a few seconds even on a poor link.
 */
export const LOWER_TIMEOUT_FLOOR_S = 3;
/** The proxy's read timeout sits this far above the server's socket_timeout. */
const PROXY_ABOVE_SERVER_S = 5;

export function fixValues(f?: Findings): FixValues {
  const current = f?.settings?.thread_pool;
  const rate = Math.max(f?.offered_rps ?? 0, f?.throughput_rps ?? 0);
  const serviceS = (f?.service_time_ms ?? 0) / 1000;
  let pool = 'N';
  let why = 'measure it: cpdiag sweep thread-pool';
  if (f?.recommended?.setting === 'thread_pool') {
    pool = String(f.recommended.value);
    why = 'recommended by this sweep';
  } else if (rate > 0 && serviceS > 0) {
    pool = String(Math.max(2, Math.ceil(POOL_HEADROOM * rate * serviceS)));
    why = `≈ ${POOL_HEADROOM} × ${formatRate(rate)} rps × ${formatNumber(serviceS * 1000)} ms (Little's law, measured); confirm with cpdiag sweep thread-pool`;
  }
  const timeoutS = f?.settings?.socket_timeout ?? DEFAULT_SETTINGS.socket_timeout;
  const pauseS = f?.slow_clients?.pause_s;
  const socketTimeout = pauseS !== undefined && pauseS > 0 ? Math.max(timeoutS, Math.ceil(2 * pauseS)) : timeoutS;
  const timeoutWhy = pauseS !== undefined && pauseS > 0 && socketTimeout > timeoutS
    ? `twice the longest client pause measured (${formatNumber(pauseS)} s)`
    : f?.settings?.socket_timeout !== undefined ? 'the value measured' : "CherryPy's default";
  const measuredTimeoutS = f?.settings?.socket_timeout;
  const pauseFloorS = pauseS !== undefined && pauseS > 0 ? Math.ceil(2 * pauseS) : 0;
  const lowerS = Math.min(timeoutS, Math.max(LOWER_TIMEOUT_FLOOR_S, Math.ceil(timeoutS / 2), pauseFloorS));
  const from = measuredTimeoutS !== undefined ? `the measured ${formatNumber(timeoutS)} s` : `CherryPy's default ${formatNumber(timeoutS)} s`;
  let lowerWhy: string;
  if (lowerS < timeoutS) {
    lowerWhy = `down from ${from}: a silent connection holds its worker this long at most`;
    if (pauseFloorS > 0) lowerWhy += `; still twice the longest client pause measured (${formatNumber(pauseS!)} s)`;
  } else {
    lowerWhy = pauseFloorS >= timeoutS
      ? `kept at ${from}: clients were measured pausing ${formatNumber(pauseS!)} s; the buffering proxy is the fix`
      : `kept at ${from}, already short; the buffering proxy is the fix`;
  }
  const slowestS = (f?.latency_ms?.max ?? 0) / 1000;
  const proxyRead = Math.ceil(Math.max(socketTimeout, slowestS) + PROXY_ABOVE_SERVER_S);
  return {
    thread_pool: pool,
    thread_pool_why: why,
    thread_pool_current: current !== undefined ? String(current) : pool,
    socket_timeout: formatNumber(socketTimeout),
    socket_timeout_why: timeoutWhy,
    socket_timeout_lower: formatNumber(lowerS),
    socket_timeout_lower_why: lowerWhy,
    proxy_read_timeout: `${proxyRead}s`,
    keepalive_timeout: `${Math.max(1, Math.floor(socketTimeout / 2))}s`,
    ...processValues(f),
    ...proxyLimitValues(f),
    ...applicationErrorValues(f),
  };
}

/**
 * The proxy limit a fix names: as many requests at once as the clients brought (rounded up) and
 * at least the backend's pool, so that the backend's own queue — bounded and visible in its stats —
 * does any waiting; turned into the proxy's settings by src/proxy/proxy-limits.ts.
 */
function proxyLimitValues(f?: Findings): Pick<FixValues, 'proxy_limit' | 'proxy_limit_setting' | 'client_concurrency' | 'proxy_concurrency' | 'apache_threads_per_child' | 'apache_server_limit' | 'apache_max_request_workers' | 'nginx_worker_connections'> {
  const p = f?.proxy;
  const clients = f?.client_concurrency;
  const wanted = Math.ceil(Math.max(clients ?? 0, f?.settings?.thread_pool ?? 0));
  const threadsPerChild = p?.apache_threads_per_child ?? APACHE_DEFAULT_THREADS_PER_CHILD;
  const serverLimit = wanted > 0 ? apacheServerLimitFor(wanted, threadsPerChild) : undefined;
  return {
    proxy_limit: p?.concurrency_limit !== undefined ? String(p.concurrency_limit) : 'N',
    proxy_limit_setting: p?.concurrency_limit_setting ?? "the proxy's worker limit",
    client_concurrency: clients !== undefined ? formatNumber(clients) : 'N',
    proxy_concurrency: wanted > 0 ? String(wanted) : 'N',
    apache_threads_per_child: String(threadsPerChild),
    apache_server_limit: serverLimit !== undefined ? String(serverLimit) : 'N',
    apache_max_request_workers: serverLimit !== undefined ? String(apacheMaxRequestWorkers(threadsPerChild, serverLimit)) : 'N',
    nginx_worker_connections: wanted > 0 ? String(nginxWorkerConnectionsFor(wanted)) : 'N',
  };
}

/** The application's failures as measured: their share of requests and the paths they were on. */
function applicationErrorValues(f?: Findings): Pick<FixValues, 'error_share' | 'error_paths'> {
  const n = f ? applicationErrorCount(f)?.count ?? 0 : 0;
  return {
    error_share: n > 0 && f?.requests ? formatPercent(Math.min(1, n / f.requests)) : 'a share',
    error_paths: f?.paths_5xx?.length ? f.paths_5xx.slice(0, 3).join(', ') : 'the paths in the error log',
  };
}

/** The processes a fix names: what a processes sweep recommended, else the cores (separate GILs stop paying past them). */
function processValues(f?: Findings): Pick<FixValues, 'processes' | 'processes_why'> {
  if (f?.recommended?.setting === 'processes') return { processes: String(f.recommended.value), processes_why: 'recommended by this sweep' };
  if (f?.cores !== undefined) return { processes: String(f.cores), processes_why: 'one per core; confirm with cpdiag sweep processes' };
  return { processes: 'N', processes_why: 'one per core; measure it with cpdiag sweep processes' };
}

/**
 * The fix with every {{name}} replaced by its value (unknown names are left as they are). When the
 * findings name the proxy in front and the fix has its snippet, the other proxy's is left out: a
 * run through Apache is not told to set nginx's worker_connections.
 */
export function fillFix(fix: CauseFix, findings?: Findings): CauseFix {
  const values = fixValues(findings) as unknown as Record<string, string>;
  const fill = (text: string | undefined) => text?.replace(/\{\{([a-z_]+)\}\}/g, (whole, name: string) => values[name] ?? whole);
  const kind = findings?.proxy?.kind;
  const nginx = fix.nginx && !(kind === 'apache' && fix.apache);
  const apache = fix.apache && !(kind === 'nginx' && fix.nginx);
  return {
    summary: fill(fix.summary)!,
    ...(fix.cherrypy ? { cherrypy: fill(fix.cherrypy) } : {}),
    ...(nginx ? { nginx: fill(fix.nginx) } : {}),
    ...(apache ? { apache: fill(fix.apache) } : {}),
  };
}
