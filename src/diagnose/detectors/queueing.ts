// Is latency mostly time spent waiting for a worker? Little's law: with all workers busy, each
// extra request in the system adds a service time of waiting.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { judgePoolLoad } from '../pool-load.js';
import { clamp01 } from '../detector-result.js';
import { ramp } from '../strength.js';
import { formatMs, formatPercent } from '../../format.js';

export const id = 'queueing';

/** A fifth of the latency waiting is noticeable; from 60% the wait is most of what clients see. */
const WAIT_SHARE_FROM = 0.2;
const WAIT_SHARE_TO = 0.6;

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (!f.latency_ms) missing.push('latency_ms');
  if (f.service_time_ms === undefined || f.service_time_ms <= 0) missing.push('service_time_ms');
  const load = judgePoolLoad(f);
  if (!load) missing.push('saturation');
  if (missing.length) return insufficient(id, missing);
  const mean = f.latency_ms!.mean;
  const service = f.service_time_ms!;
  const waitShare = clamp01(1 - service / Math.max(mean, 1e-9));
  const ev = [evidence('wait_share_of_latency', waitShare, 'share', `mean latency ${formatMs(mean)} vs service time ${formatMs(service)}: ${formatPercent(waitShare)} of it waiting`)];
  // The wait must be for a worker: only as strong as the pool is full.
  return graded(id, ramp(waitShare, WAIT_SHARE_FROM, WAIT_SHARE_TO) * load!.strength, [...ev, ...load!.evidence]);
};
