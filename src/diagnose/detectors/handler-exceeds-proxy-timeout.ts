// Does a request take about as long as nginx is willing to wait? Then the proxy cuts the slow tail
// off as 504s while the server goes on working on requests nobody waits for.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';
import { formatMs } from '../../format.js';

export const id = 'handler-exceeds-proxy-timeout';

/**
 * Latencies seen through the proxy are capped at the timeout itself, so a p99 from 70% of the
 * timeout grows towards "the tail is cut off" at 100%.
 */
const RATIO_FROM = 0.7;
const RATIO_TO = 1;

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (!f.proxy) missing.push('proxy');
  if (!f.latency_ms && f.service_time_ms === undefined) missing.push('latency_ms', 'service_time_ms');
  if (missing.length) return insufficient(id, missing);
  const timeoutMs = f.proxy!.read_timeout_s * 1000;
  const handlerMs = Math.max(f.latency_ms?.p99 ?? 0, f.service_time_ms ?? 0);
  const ratio = handlerMs / timeoutMs;
  const ev = [evidence('handler_to_proxy_timeout_ratio', ratio, 'ratio', `slowest requests take ${formatMs(handlerMs)} (p99) against proxy_read_timeout ${formatMs(timeoutMs)}`)];
  return graded(id, ramp(ratio, RATIO_FROM, RATIO_TO), ev);
};
