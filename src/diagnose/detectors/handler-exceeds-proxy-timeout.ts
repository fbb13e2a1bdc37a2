// Does a request take about as long as nginx is willing to wait? Then the proxy cuts the slow tail
// off as 504s while the server goes on working on requests nobody waits for.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';
import { judgePoolLoad } from '../pool-load.js';
import { formatMs } from '../../format.js';

export const id = 'handler-exceeds-proxy-timeout';

/**
 * Latencies seen through the proxy are capped at the timeout itself, so a p99 from 70% of the
 * timeout grows towards "the tail is cut off" at 100%.
 */
const RATIO_FROM = 0.7;
const RATIO_TO = 1;
/**
 * An inspection sees no latency, but nginx's "upstream timed out" lines while the pool had free
 * workers say the same: a request took longer than proxy_read_timeout on its own, not in a queue.
 */
const TIMEOUTS_WITH_FREE_WORKERS = 0.7;
/** A median queue of a quarter of the pool: requests surely waited long enough to be given up on. */
const QUEUED_SHARE_OF_POOL = 0.25;

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (!f.proxy) missing.push('proxy');
  if (!f.latency_ms && f.service_time_ms === undefined) missing.push('latency_ms', 'service_time_ms');
  if (missing.length) return insufficient(id, missing);
  const timeoutMs = f.proxy!.read_timeout_s * 1000;
  // Through the proxy the client's p99 is the slowest requests'; an inspection has only the mean
  // service time, which says nothing of the slowest.
  const p99 = f.latency_ms?.p99;
  const handlerMs = Math.max(p99 ?? 0, f.service_time_ms ?? 0);
  const ratio = handlerMs / timeoutMs;
  const ev = [evidence('handler_to_proxy_timeout_ratio', ratio, 'ratio', `slowest requests take ${formatMs(handlerMs)} (${p99 !== undefined ? 'p99' : 'mean service time'}) against proxy_read_timeout ${formatMs(timeoutMs)}`)];
  let strength = ramp(ratio, RATIO_FROM, RATIO_TO);
  if (p99 === undefined && f.proxy!.upstream_timeouts > 0) {
    // Did requests wait here long enough for nginx to give up on them in the queue? The queue's
    // median says it (busy workers alone do not: abandoned slow requests keep theirs busy).
    const sat = f.saturation;
    const load = sat && sat.samples > 0 && sat.workers > 0 ? ramp(sat.queue_p50 / sat.workers, 0, QUEUED_SHARE_OF_POOL) : judgePoolLoad(f)?.strength ?? 1;
    const onTheirOwn = TIMEOUTS_WITH_FREE_WORKERS * (1 - load);
    if (onTheirOwn > strength) {
      strength = onTheirOwn;
      ev.push(evidence('upstream_timeouts_free_workers', f.proxy!.upstream_timeouts, 'log lines', `nginx timed out on ${f.proxy!.upstream_timeouts} requests while the pool had free workers: they took longer than ${formatMs(timeoutMs)} on their own`));
    }
  }
  return graded(id, strength, ev);
};
