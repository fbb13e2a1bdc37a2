// Were request lines refused as malformed (cheroot's 400 "Malformed Request-Line", e.g. a raw space
// a rewriting proxy decoded)? A client sees the same 400 when the application refuses a bad
// parameter, so only the server side can say: the server's own counter (the bundled server's
// requests.bad_request_400), or a proxy whose logs cpdiag reads — Apache since 2.4.56 refuses to
// forward such a path itself (403, "AH10415 ... control characters or spaces" in its error log),
// and its access log names the refused paths as the client sent them (escaped, %xx). Without
// either the question stays open.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';
import { formatPercent } from '../../format.js';

export const id = 'malformed-request-lines';

/** One in ten thousand requests to one in a hundred refused as malformed. */
const RATE_FROM = 1e-4;
const RATE_TO = 0.01;

export const detect: Detector = (f) => {
  const p = f.proxy;
  const refusedByProxy = p?.unescaped_refused;
  const escapedRejected = p?.escaped_rejected;
  const proxyKnows = refusedByProxy !== undefined || escapedRejected !== undefined;
  if (f.bad_request_count === undefined && !proxyKnows) {
    return insufficient(id, ["bad_request_count (the server's own count of malformed requests: the bundled server's stats, a proxy log)"]);
  }
  const ev = [];
  const counted = f.bad_request_count ?? 0;
  if (f.bad_request_count !== undefined) {
    const rate = f.requests ? counted / f.requests : undefined;
    ev.push(evidence('malformed_requests', counted, 'requests', `the server counted ${counted} malformed requests (400 before the application)${rate !== undefined ? `, ${formatPercent(rate)} of requests` : ''}`));
  }
  const refused = refusedByProxy ?? 0;
  const escaped = escapedRejected ?? 0;
  if (p && (refused > 0 || escaped > 0)) {
    const front = p.kind === 'apache' ? `Apache (${p.apache_style === 'proxypass' ? 'ProxyPass' : `RewriteRule ${p.apache_rewrite_ne ? '[P,NE]' : '[P]'}`}${p.apache_escape_fix ? ', escape map' : ''})` : p.kind;
    const example = p.paths_rejected?.[0];
    if (refused > 0) ev.push(evidence('proxy_refused_unescaped', refused, 'requests', `${front} refused ${refused} requests: the rewritten path had a raw space (AH10415), answered 403`));
    if (escaped > 0) ev.push(evidence('proxy_escaped_rejected', escaped, 'responses', `${escaped} refused requests had escaped paths (%xx) as sent to ${front}${example ? `, e.g. ${example}` : ''}: the proxy unescaped them`));
  }
  // The server's count and the proxy's logs see the same requests: the larger is the count.
  const n = Math.max(counted, refused + escaped);
  const rate = f.requests ? n / f.requests : undefined;
  return graded(id, n >= 1 ? (rate !== undefined ? Math.max(0.3, rampLog(rate, RATE_FROM, RATE_TO)) : 0.6) : 0, ev);
};
