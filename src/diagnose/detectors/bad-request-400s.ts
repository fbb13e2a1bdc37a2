// Did clients get 400 Bad Request? The symptom only: the application refusing bad parameters and
// the server refusing a malformed request line both answer 400. Which one it was is
// malformed-request-lines' question (the server's own count).
import type { Detector } from '../detector-result.js';
import { errorCount, evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';
import { formatPercent } from '../../format.js';

export const id = 'bad-request-400s';

/** From one request in ten thousand to one in a hundred answered 400. */
const RATE_FROM = 1e-4;
const RATE_TO = 0.01;

export const detect: Detector = (f) => {
  if (f.bad_request_count === undefined && !f.errors) return insufficient(id, ['bad_request_count', 'errors']);
  const n400 = Math.max(f.bad_request_count ?? 0, errorCount(f.errors?.by_kind, 'http_400'));
  const p = f.proxy;
  // Refused by the proxy because the rewrite left a raw space: the same fault, answered one hop earlier.
  const refused = p?.unescaped_refused ?? 0;
  const n = n400 + refused;
  const rate = f.requests ? n / f.requests : undefined;
  const ev = [evidence('http_400', n400, 'responses', `${n400} requests answered 400 Bad Request${rate !== undefined && n400 > 0 ? ` (${formatPercent(n400 / (f.requests ?? 1))} of requests)` : ''}`)];
  if (refused > 0) ev.push(evidence('proxy_refused_unescaped', refused, 'requests', `the proxy refused ${refused} requests itself (403)`));
  // Without a request count, any 400 counts as a middling signal.
  return graded(id, n >= 1 ? (rate !== undefined ? Math.max(0.05, rampLog(rate, RATE_FROM, RATE_TO)) : 0.5) : 0, ev);
};
