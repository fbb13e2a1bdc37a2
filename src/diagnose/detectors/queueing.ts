// Is latency mostly time spent waiting for a worker? Little's law: with all workers busy, each
// extra request in the system adds a service time of waiting.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatMs, formatNumber, formatPercent } from '../../format.js';
import { requestsInServer } from './pool-saturated.js';

export const id = 'queueing';

/** Latency twice the service time: half of every request is spent in the queue. */
const WAIT_RATIO_ISSUE = 2;
const ALL_BUSY_SHARE_SATURATED = 0.5;
/** As pool-saturated: Little's requests-in-server half again above the pool. */
const LITTLE_OVER_POOL_SATURATED = 1.5;

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (!f.latency_ms) missing.push('latency_ms');
  if (f.service_time_ms === undefined || f.service_time_ms <= 0) missing.push('service_time_ms');
  const inSystem = requestsInServer(f);
  const pool = f.settings?.thread_pool;
  if (!f.saturation && !(inSystem !== undefined && pool)) missing.push('saturation');
  if (missing.length) return insufficient(id, missing);
  const mean = f.latency_ms!.mean;
  const service = f.service_time_ms!;
  const ratio = mean / service;
  const waitShare = clamp01(1 - 1 / ratio);
  const ev = [evidence('latency_to_service_ratio', ratio, 'ratio', `mean latency ${formatMs(mean)} vs service time ${formatMs(service)}: ${formatPercent(waitShare)} of it waiting`)];
  let saturated: boolean;
  const s = f.saturation;
  if (s) {
    saturated = s.all_busy_share >= ALL_BUSY_SHARE_SATURATED || s.queue_p99 >= 1;
    ev.push(evidence('all_busy_share', s.all_busy_share, 'share', `all workers busy ${formatPercent(s.all_busy_share)} of the time, queue p99 ${formatNumber(s.queue_p99)}`));
  } else {
    saturated = inSystem! >= LITTLE_OVER_POOL_SATURATED * pool!;
    ev.push(evidence('requests_in_server', inSystem!, 'requests', `${formatNumber(inSystem!)} requests in the server on average for ${pool} workers (Little's law)`));
  }
  return ratio >= WAIT_RATIO_ISSUE && saturated ? issue(id, waitShare, ev) : none(id, ev);
};
