// Did the upstream close or reset the connection under nginx ("upstream prematurely closed
// connection", "recv() failed (104: Connection reset by peer)")? Each is a 502.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';

export const id = 'proxy-premature-close';

export const detect: Detector = (f) => {
  if (!f.proxy) return insufficient(id, ['proxy']);
  const closes = f.proxy.premature_closes;
  const resets = f.proxy.upstream_resets;
  const n = closes + resets;
  const ev = [evidence('upstream_closes', n, 'log lines', `nginx error log: ${closes} "upstream prematurely closed connection", ${resets} "connection reset by peer"`)];
  return n >= 1 ? issue(id, clamp01(0.5 + (f.requests ? (n / f.requests) * 20 : 0.2)), ev) : none(id, ev);
};
