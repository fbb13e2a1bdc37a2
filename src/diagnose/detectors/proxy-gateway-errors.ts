// Did the proxy in front answer 502 (bad gateway) or 504 (gateway timeout)? Those are the proxy
// telling us the upstream failed it; the other detectors say how.
import type { Detector } from '../../types.js';
import { clamp01, errorCount, evidence, fmt, insufficient, issue, none, pct } from '../detector-result.js';

export const id = 'proxy-gateway-errors';

/** Below one in ten thousand, a gateway error is a blip (a deploy, a restart), not a pattern. */
const MIN_RATE = 1e-4;

export const detect: Detector = (f) => {
  if (!f.proxy) return insufficient(id, ['proxy']);
  const s502 = Math.max(f.proxy.status_502, errorCount(f.errors?.by_kind, 'http_502'));
  const s504 = Math.max(f.proxy.status_504, errorCount(f.errors?.by_kind, 'http_504'));
  const count = s502 + s504;
  const rate = f.requests ? count / f.requests : undefined;
  const ev = [
    evidence('proxy_502', s502, 'responses', `${s502} responses 502 Bad Gateway from nginx`),
    evidence('proxy_504', s504, 'responses', `${s504} responses 504 Gateway Timeout from nginx${rate !== undefined ? ` (502+504 = ${pct(rate)} of ${fmt(f.requests!)} requests)` : ''}`),
  ];
  if (count >= 1 && (rate === undefined || rate >= MIN_RATE)) return issue(id, clamp01(0.4 + (rate ?? 0.01) * 20), ev);
  return none(id, ev);
};
