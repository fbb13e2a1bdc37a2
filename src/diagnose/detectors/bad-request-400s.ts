// Are requests refused as malformed? Behind a rewriting proxy (Apache mod_rewrite) decoded paths
// with raw spaces reach the server as a broken request line, which cheroot answers with 400.
import type { Detector } from '../detector-result.js';
import { clamp01, errorCount, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatPercent } from '../../format.js';

export const id = 'bad-request-400s';

export const detect: Detector = (f) => {
  if (f.bad_request_count === undefined && !f.errors) return insufficient(id, ['bad_request_count', 'errors']);
  const n = Math.max(f.bad_request_count ?? 0, errorCount(f.errors?.by_kind, 'http_400'));
  const rate = f.requests ? n / f.requests : undefined;
  const ev = [evidence('http_400', n, 'responses', `${n} requests answered 400 Bad Request${rate !== undefined ? ` (${formatPercent(rate)} of requests)` : ''}`)];
  return n >= 1 ? issue(id, clamp01(0.5 + (rate ?? 0.01) * 10), ev) : none(id, ev);
};
