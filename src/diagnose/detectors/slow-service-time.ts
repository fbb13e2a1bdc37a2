// Does one request hold a worker for long? At 100 ms a worker serves at most 10 requests a
// second, so slow handlers, more than the pool size, decide capacity.
import type { Detector } from '../detector-result.js';
import type { Findings } from '../findings.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';
import { formatMs, formatNumber } from '../../format.js';

export const id = 'slow-service-time';

/**
 * Typical pages take tens of ms to build (and a loaded machine doubles that); a handler past a
 * few hundred ms is waiting on something. The strength grows smoothly on a log scale between
 * 80 ms and 800 ms (100 ms: 0.02, 150 ms: 0.18, 300 ms: 0.59), so 99.9 ms and 100 ms read the same.
 */
const SLOW_FROM_MS = 80;
const SLOW_TO_MS = 800;

export const detect: Detector = (f) => {
  if (f.service_time_ms === undefined) return insufficient(id, ['service_time_ms']);
  const s = Math.max(f.service_time_ms, unqueuedLatencyMs(f) ?? 0);
  const ev = [evidence('service_time_ms', s, 'ms', `one request holds a worker ${formatMs(s)} on average (at most ${formatNumber(1000 / Math.max(s, 0.001))} requests/s per worker)`)];
  return graded(id, rampLog(s, SLOW_FROM_MS, SLOW_TO_MS), ev);
};

/**
 * With workers to spare and no request ever queued, a request's latency is its service time (plus
 * loopback transport): the mean latency then measures it directly, where the server's estimate
 * (Little's law over sampled busy counts) undercounts between samples (150 ms handlers read 117).
 */
function unqueuedLatencyMs(f: Findings): number | undefined {
  const s = f.saturation;
  if (!f.latency_ms || !s || s.samples === 0 || s.queue_max > 0 || s.all_busy_share > 0) return undefined;
  return f.latency_ms.mean;
}
