// Are requests refused as malformed? Behind a rewriting proxy (Apache mod_rewrite) decoded paths
// with raw spaces reach the server as a broken request line, which cheroot answers with 400; an
// Apache since 2.4.56 refuses to forward such a path itself (403, "AH10415 ... control characters
// or spaces" in its error log). Through a proxy whose logs cpdiag reads, both are tied to the
// proxy by the paths it names (escaped, %xx, as the client sent them).
import type { Detector } from '../detector-result.js';
import { clamp01, errorCount, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatPercent } from '../../format.js';

export const id = 'bad-request-400s';

export const detect: Detector = (f) => {
  if (f.bad_request_count === undefined && !f.errors) return insufficient(id, ['bad_request_count', 'errors']);
  const n400 = Math.max(f.bad_request_count ?? 0, errorCount(f.errors?.by_kind, 'http_400'));
  const p = f.proxy;
  // Refused by the proxy because the rewrite left a raw space: the same fault, answered one hop earlier.
  const refused = p?.unescaped_refused ?? 0;
  const n = n400 + refused;
  const rate = f.requests ? n / f.requests : undefined;
  const ev = [evidence('http_400', n400, 'responses', `${n400} requests answered 400 Bad Request${rate !== undefined && n400 > 0 ? ` (${formatPercent(n400 / (f.requests ?? 1))} of requests)` : ''}`)];
  const escaped = p?.escaped_rejected ?? 0;
  if (p && (escaped > 0 || refused > 0)) {
    const front = p.kind === 'apache' ? `Apache (${p.apache_style === 'proxypass' ? 'ProxyPass' : `RewriteRule ${p.apache_rewrite_ne ? '[P,NE]' : '[P]'}`}${p.apache_escape_fix ? ', escape map' : ''})` : p.kind;
    const example = p.paths_rejected?.[0];
    if (refused > 0) ev.push(evidence('proxy_refused_unescaped', refused, 'requests', `${front} refused ${refused} requests: the rewritten path had a raw space (AH10415), answered 403`));
    ev.push(evidence('proxy_escaped_rejected', escaped, 'responses', `${escaped} refused requests had escaped paths (%xx) as sent to ${front}${example ? `, e.g. ${example}` : ''}: the proxy unescaped them`));
  }
  // Tied to the proxy's log, the cause is no longer a guess.
  const tied = n >= 1 && (escaped > 0 || refused > 0) ? 0.3 : 0;
  return n >= 1 ? issue(id, clamp01(0.5 + tied + (rate ?? 0.01) * 10), ev) : none(id, ev);
};
