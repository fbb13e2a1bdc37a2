// Is the tail far above what a request costs when the server is quiet?
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatMs, formatNumber } from '../../format.js';
import { formatLatencyMs } from '../../load/censored-latency.js';

export const id = 'tail-latency';

/** p99 five times the floor: requests spend most of their time waiting, not being served. */
const TAIL_RATIO_ISSUE = 5;
/** Below 20 ms a large ratio is still fast enough for people and most SLOs. */
const TAIL_MIN_MS = 20;

export const detect: Detector = (f) => {
  if (!f.latency_ms) return insufficient(id, ['latency_ms']);
  const p99 = f.latency_ms.p99;
  const floor = f.latency_floor_ms ?? f.latency_ms.p50;
  const floorName = f.latency_floor_ms !== undefined ? 'the light-load floor' : 'the median';
  // A censored p99 (timeouts) is a lower bound: the ratio is then "at least" this, still evidence.
  const ratio = p99 / Math.max(floor, 0.001);
  const ev = [evidence('p99_to_floor_ratio', ratio, 'ratio', `p99 ${formatLatencyMs(f.latency_ms, 'p99')} is ${formatNumber(ratio)}x ${floorName} (${formatMs(floor)}); max ${formatLatencyMs(f.latency_ms, 'max')}`)];
  if (ratio >= TAIL_RATIO_ISSUE && p99 >= TAIL_MIN_MS) return issue(id, clamp01(Math.log10(ratio) / 2), ev);
  return none(id, ev);
};
