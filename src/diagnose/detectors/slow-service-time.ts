// Does one request hold a worker for long? At 100 ms a worker serves at most 10 requests a
// second, so slow handlers, more than the pool size, decide capacity.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatMs, formatNumber } from '../../format.js';

export const id = 'slow-service-time';

/** 100 ms: typical pages take tens of ms to build; past 100 ms a handler is waiting on something. */
const SLOW_SERVICE_MS = 100;

export const detect: Detector = (f) => {
  if (f.service_time_ms === undefined) return insufficient(id, ['service_time_ms']);
  const s = f.service_time_ms;
  const ev = [evidence('service_time_ms', s, 'ms', `one request holds a worker ${formatMs(s)} on average (at most ${formatNumber(1000 / Math.max(s, 0.001))} requests/s per worker)`)];
  return s >= SLOW_SERVICE_MS ? issue(id, clamp01(0.5 + Math.log10(s / SLOW_SERVICE_MS) / 2), ev) : none(id, ev);
};
