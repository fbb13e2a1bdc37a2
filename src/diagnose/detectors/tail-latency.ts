// Is the tail far above what a request costs when the server is quiet?
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp, rampLog } from '../strength.js';
import { formatMs, formatNumber } from '../../format.js';
import { formatLatencyMs } from '../../load/censored-latency.js';

export const id = 'tail-latency';

/** p99 from 3x to 30x the floor: from some requests waiting to most of the tail being waiting. */
const TAIL_RATIO_FROM = 3;
const TAIL_RATIO_TO = 30;
/** Below 10 ms a large ratio is still fast enough for people and most SLOs; from 40 ms it is not. */
const TAIL_FROM_MS = 10;
const TAIL_TO_MS = 40;

export const detect: Detector = (f) => {
  if (!f.latency_ms) return insufficient(id, ['latency_ms']);
  const p99 = f.latency_ms.p99;
  const floor = f.latency_floor_ms ?? f.latency_ms.p50;
  const floorName = f.latency_floor_ms !== undefined ? 'the light-load floor' : 'the median';
  // A censored p99 (timeouts) is a lower bound: the ratio is then "at least" this, still evidence.
  const ratio = p99 / Math.max(floor, 0.001);
  const ev = [evidence('p99_to_floor_ratio', ratio, 'ratio', `p99 ${formatLatencyMs(f.latency_ms, 'p99')} is ${formatNumber(ratio)}x ${floorName} (${formatMs(floor)}); max ${formatLatencyMs(f.latency_ms, 'max')}`)];
  return graded(id, rampLog(ratio, TAIL_RATIO_FROM, TAIL_RATIO_TO) * ramp(p99, TAIL_FROM_MS, TAIL_TO_MS), ev);
};
