// Is the proxy's own limit the bottleneck? A proxy lets a bounded number of requests through to the
// backend at once (Apache: MaxRequestWorkers threads; nginx: worker_connections, two per proxied
// request; src/proxy/proxy-limits.ts). When the clients bring more than that, the rest wait at the
// proxy (Apache: in its listen queue, "AH00484: server reached MaxRequestWorkers") or are dropped
// (nginx: "worker_connections are not enough", resets and its own 500s) while the backend's
// workers sit idle: its pool is not the limit, and a bigger thread_pool changes nothing. Measured
// from the clients' concurrency against the proxy's limit, the backend's pool and busy workers
// (its stats, or /proc), and the proxy's error log.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp, rampDown, rampLog } from '../strength.js';
import { formatNumber, formatPercent } from '../../format.js';

export const id = 'proxy-concurrency-limit';

/** Clients over the proxy's limit: 10% more is a brush with it, twice as many is a hard cap. */
const OVER_FROM = 1.1;
const OVER_TO = 2;
/** The proxy's error log said it ran into its limit: at least this, once clients exceed it by 10%. */
const LOGGED_FLOOR = 0.6;
/**
 * The backend's pool against the proxy's limit: a pool no larger is reached first (the pool's
 * causes speak); a quarter larger leaves the proxy's limit the one that binds.
 */
const POOL_OVER_LIMIT_FROM = 1;
const POOL_OVER_LIMIT_TO = 1.25;
/**
 * The backend's room: all its workers busy in 30% of the samples still leaves it mostly idle;
 * in 80%, the pool is (also) the limit and pool-saturated speaks for it.
 */
const ALL_BUSY_FROM = 0.3;
const ALL_BUSY_TO = 0.8;

export const detect: Detector = (f) => {
  const p = f.proxy;
  if (!p) return insufficient(id, ['proxy']);
  if (p.concurrency_limit === undefined) return insufficient(id, ['proxy.concurrency_limit (the proxy\'s settings)']);
  if (f.client_concurrency === undefined) return insufficient(id, ['client_concurrency']);
  const limit = p.concurrency_limit;
  const clients = f.client_concurrency;
  const pool = f.settings?.thread_pool;
  const setting = p.concurrency_limit_setting ?? `${limit} requests at once`;
  const logged = p.limit_reached ?? 0;
  const ev = [
    evidence('client_concurrency', clients, 'requests', `clients had ${formatNumber(clients)} requests in flight at once; ${p.kind} lets ${limit} through to the backend (${setting})`),
  ];
  if (logged > 0) {
    const what = p.kind === 'apache' ? 'AH00484 "server reached MaxRequestWorkers setting"' : '"worker_connections are not enough"';
    ev.push(evidence('proxy_limit_logged', logged, 'lines', `${p.kind}'s error log: ${what}, ${logged} time${logged === 1 ? '' : 's'}`));
  }
  // The backend's own limit first: a pool no larger than the proxy's limit is reached before it.
  if (pool !== undefined && pool <= limit) {
    ev.push(evidence('backend_pool', pool, 'workers', `the backend's pool of ${pool} is no larger than the proxy's limit of ${limit}: the pool is reached first`));
  }
  const allBusy = f.saturation && f.saturation.samples > 0 ? f.saturation.all_busy_share : f.worker_threads?.all_busy_share;
  const busyMean = f.saturation && f.saturation.samples > 0 ? f.saturation.busy_mean : f.worker_threads?.busy_mean;
  if (allBusy === undefined && pool === undefined) return insufficient(id, ['saturation or worker_threads (the backend\'s busy workers)', 'settings.thread_pool'], ev);
  if (busyMean !== undefined && pool !== undefined) {
    ev.push(evidence('backend_busy_mean', busyMean, 'workers', `the backend's workers: ${formatNumber(busyMean)} of ${pool} busy on average${allBusy !== undefined ? `, all busy in ${formatPercent(allBusy)} of samples` : ''}`));
  }
  const idle = allBusy !== undefined ? rampDown(allBusy, ALL_BUSY_FROM, ALL_BUSY_TO) : 1;
  const larger = pool !== undefined ? ramp(pool / limit, POOL_OVER_LIMIT_FROM, POOL_OVER_LIMIT_TO) : 1;
  const over = clients / limit;
  const fromLoad = rampLog(over, OVER_FROM, OVER_TO);
  const fromLog = logged > 0 ? LOGGED_FLOOR * ramp(over, 1, OVER_FROM) : 0;
  return graded(id, Math.max(fromLoad, fromLog) * idle * larger, ev);
};
