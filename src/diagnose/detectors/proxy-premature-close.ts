// Did the upstream close or reset the connection under nginx ("upstream prematurely closed
// connection", "recv() failed (104: Connection reset by peer)")? Each is a 502.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';

export const id = 'proxy-premature-close';

/** A logged close is a fact (0.3); its share of requests, one in ten thousand to 1%, adds the rest. */
const BASE_STRENGTH = 0.3;
const RATE_FROM = 1e-4;
const RATE_TO = 0.01;
const UNKNOWN_RATE_STRENGTH = 0.6;

export const detect: Detector = (f) => {
  if (!f.proxy) return insufficient(id, ['proxy']);
  const closes = f.proxy.premature_closes;
  const resets = f.proxy.upstream_resets;
  const n = closes + resets;
  const ev = [evidence('upstream_closes', n, 'log lines', `nginx error log: ${closes} "upstream prematurely closed connection", ${resets} "connection reset by peer"`)];
  if (n < 1) return graded(id, 0, ev);
  return graded(id, f.requests ? BASE_STRENGTH + (1 - BASE_STRENGTH) * rampLog(n / f.requests, RATE_FROM, RATE_TO) : UNKNOWN_RATE_STRENGTH, ev);
};
