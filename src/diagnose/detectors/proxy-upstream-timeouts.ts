// Did nginx give up waiting for the upstream ("upstream timed out ... while reading response
// header")? Each such line is a 504 the client saw.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';

export const id = 'proxy-upstream-timeouts';

export const detect: Detector = (f) => {
  if (!f.proxy) return insufficient(id, ['proxy']);
  const n = f.proxy.upstream_timeouts;
  const ev = [evidence('upstream_timeouts', n, 'log lines', `nginx error log: ${n} "upstream timed out" (proxy_read_timeout ${f.proxy.read_timeout_s} s)`)];
  return n >= 1 ? issue(id, clamp01(0.5 + (f.requests ? (n / f.requests) * 20 : 0.2)), ev) : none(id, ev);
};
