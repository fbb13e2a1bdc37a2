// Did the proxy in front answer 502 (bad gateway) or 504 (gateway timeout)? Those are the proxy
// telling us the upstream failed it; the other detectors say how.
import type { Detector } from '../detector-result.js';
import { errorCount, evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';
import { formatNumber, formatPercent } from '../../format.js';

export const id = 'proxy-gateway-errors';

/** One in ten thousand is a blip (a deploy, a restart); 2% is a failing service. */
const RATE_FROM = 1e-4;
const RATE_TO = 0.02;
/** Gateway errors counted without a request count (an inspection of the proxy's log). */
const UNKNOWN_RATE_STRENGTH = 0.5;

export const detect: Detector = (f) => {
  if (!f.proxy) return insufficient(id, ['proxy']);
  const s502 = Math.max(f.proxy.status_502, errorCount(f.errors?.by_kind, 'http_502'));
  const s504 = Math.max(f.proxy.status_504, errorCount(f.errors?.by_kind, 'http_504'));
  const count = s502 + s504;
  const rate = f.requests ? count / f.requests : undefined;
  const share = rate !== undefined ? ` = ${formatPercent(rate)} of ${formatNumber(f.requests!)} requests` : '';
  const ev = [evidence('proxy_gateway_errors', count, 'responses', `nginx answered ${s504} x 504 Gateway Timeout and ${s502} x 502 Bad Gateway${share}`)];
  if (count < 1) return graded(id, 0, ev);
  return graded(id, rate === undefined ? UNKNOWN_RATE_STRENGTH : rampLog(rate, RATE_FROM, RATE_TO), ev);
};
