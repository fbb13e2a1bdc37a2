// Did the proxy in front answer 502 (bad gateway) or 504 (gateway timeout)? Those are the proxy
// telling us the upstream failed it; the other detectors say how.
import type { Detector } from '../detector-result.js';
import { clamp01, errorCount, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatNumber, formatPercent } from '../../format.js';

export const id = 'proxy-gateway-errors';

/** Below one in ten thousand, a gateway error is a blip (a deploy, a restart), not a pattern. */
const MIN_RATE = 1e-4;

export const detect: Detector = (f) => {
  if (!f.proxy) return insufficient(id, ['proxy']);
  const s502 = Math.max(f.proxy.status_502, errorCount(f.errors?.by_kind, 'http_502'));
  const s504 = Math.max(f.proxy.status_504, errorCount(f.errors?.by_kind, 'http_504'));
  const count = s502 + s504;
  const rate = f.requests ? count / f.requests : undefined;
  const share = rate !== undefined ? ` = ${formatPercent(rate)} of ${formatNumber(f.requests!)} requests` : '';
  const ev = [evidence('proxy_gateway_errors', count, 'responses', `nginx answered ${s504} x 504 Gateway Timeout and ${s502} x 502 Bad Gateway${share}`)];
  if (count >= 1 && (rate === undefined || rate >= MIN_RATE)) return issue(id, clamp01(0.4 + (rate ?? 0.01) * 20), ev);
  return none(id, ev);
};
