// Is latency mostly time spent waiting for a worker? Little's law: with all workers busy, each
// extra request in the system adds a service time of waiting.
import type { Detector } from '../../types.js';
import { clamp01, evidence, fmt, insufficient, issue, none, pct } from '../detector-result.js';

export const id = 'queueing';

/** Latency twice the service time: half of every request is spent in the queue. */
const WAIT_RATIO_ISSUE = 2;
const ALL_BUSY_SHARE_SATURATED = 0.5;

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (!f.latency_ms) missing.push('latency_ms');
  if (f.service_time_ms === undefined || f.service_time_ms <= 0) missing.push('service_time_ms');
  if (!f.saturation) missing.push('saturation');
  if (missing.length) return insufficient(id, missing);
  const mean = f.latency_ms!.mean;
  const service = f.service_time_ms!;
  const s = f.saturation!;
  const ratio = mean / service;
  const saturated = s.all_busy_share >= ALL_BUSY_SHARE_SATURATED || s.queue_p99 >= 1;
  const waitShare = clamp01(1 - 1 / ratio);
  const ev = [
    evidence('latency_to_service_ratio', ratio, 'ratio', `mean latency ${fmt(mean)} ms vs service time ${fmt(service)} ms: ${pct(waitShare)} of it waiting`),
    evidence('all_busy_share', s.all_busy_share, 'share', `all workers busy ${pct(s.all_busy_share)} of the time, queue p99 ${fmt(s.queue_p99)}`),
  ];
  return ratio >= WAIT_RATIO_ISSUE && saturated ? issue(id, waitShare, ev) : none(id, ev);
};
