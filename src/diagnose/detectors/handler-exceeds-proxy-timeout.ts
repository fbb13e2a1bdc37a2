// Does a request take about as long as nginx is willing to wait? Then the proxy cuts the slow tail
// off as 504s while the server goes on working on requests nobody waits for.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatMs } from '../../format.js';

export const id = 'handler-exceeds-proxy-timeout';

/** Within 10% of the timeout: latencies seen through the proxy are capped at the timeout itself. */
const NEAR_TIMEOUT_SHARE = 0.9;

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (!f.proxy) missing.push('proxy');
  if (!f.latency_ms && f.service_time_ms === undefined) missing.push('latency_ms', 'service_time_ms');
  if (missing.length) return insufficient(id, missing);
  const timeoutMs = f.proxy!.read_timeout_s * 1000;
  const handlerMs = Math.max(f.latency_ms?.p99 ?? 0, f.service_time_ms ?? 0);
  const ratio = handlerMs / timeoutMs;
  const ev = [evidence('handler_to_proxy_timeout_ratio', ratio, 'ratio', `slowest requests take ${formatMs(handlerMs)} (p99) against proxy_read_timeout ${formatMs(timeoutMs)}`)];
  return ratio >= NEAR_TIMEOUT_SHARE ? issue(id, clamp01(0.6 + (ratio - NEAR_TIMEOUT_SHARE) * 4), ev) : none(id, ev);
};
