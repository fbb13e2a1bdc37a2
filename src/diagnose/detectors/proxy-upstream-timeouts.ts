// Did nginx give up waiting for the upstream ("upstream timed out ... while reading response
// header")? Each such line is a 504 the client saw.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';

export const id = 'proxy-upstream-timeouts';

/** A logged timeout is a fact (0.3); its share of requests, one in ten thousand to 1%, adds the rest. */
const BASE_STRENGTH = 0.3;
const RATE_FROM = 1e-4;
const RATE_TO = 0.01;
const UNKNOWN_RATE_STRENGTH = 0.6;

export const detect: Detector = (f) => {
  if (!f.proxy) return insufficient(id, ['proxy']);
  const n = f.proxy.upstream_timeouts;
  const ev = [evidence('upstream_timeouts', n, 'log lines', `nginx error log: ${n} "upstream timed out" (proxy_read_timeout ${f.proxy.read_timeout_s} s)`)];
  if (n < 1) return graded(id, 0, ev);
  return graded(id, f.requests ? BASE_STRENGTH + (1 - BASE_STRENGTH) * rampLog(n / f.requests, RATE_FROM, RATE_TO) : UNKNOWN_RATE_STRENGTH, ev);
};
