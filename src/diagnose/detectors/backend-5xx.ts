// Did the application itself answer 5xx? A 500 that reaches the client through a proxy is either
// the backend's own answer, relayed, or the proxy's (nginx answers 500 when it runs out of
// worker_connections); a 502/503/504 is a gateway status (status-origin.ts), which the proxy
// detectors explain. So the application's 5xx are tied to the backend's own count of the 5xx it
// answered (the bundled server's stats), and to the proxy's access log: 5xx that came with the
// backend's response header (nginx's $upstream_header_time) or that Apache relayed. Without a proxy
// the client's 500s can only be the application's. With a proxy and neither the backend's count
// nor the proxy's log, the client's 500s could be the proxy's own: the strength is discounted.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { rampLog } from '../strength.js';
import { formatNumber, formatPercent } from '../../format.js';
import { applicationServerErrors } from '../../proxy/status-origin.js';
import { applicationErrorCount } from '../application-errors.js';

export const id = 'backend-5xx';

/** One failed request in ten thousand is a blip (a deploy); 2% is a failing handler. */
const RATE_FROM = 1e-4;
const RATE_TO = 0.02;
/** A failure counted without a request count (the server's stats alone). */
const UNKNOWN_RATE_STRENGTH = 0.5;
/** Behind a proxy, with only the client's view, a 500 may be the proxy's own: kept at this share. */
const CLIENT_ONLY_BEHIND_PROXY = 0.6;

export const detect: Detector = (f) => {
  const client = f.errors ? applicationServerErrors(f.errors.by_kind) : undefined;
  const server = f.server_5xx_count;
  const p = f.proxy;
  const relayed = p?.relayed_5xx;
  if (client === undefined && server === undefined && relayed === undefined) {
    return insufficient(id, ["errors (the client's answers), server_5xx_count (the backend's own count), or a proxy's access log"]);
  }
  const share = (n: number) => (f.requests ? `, ${formatPercent(n / f.requests)} of ${formatNumber(f.requests)} requests` : '');
  const paths = f.paths_5xx?.length ? ` on ${f.paths_5xx.slice(0, 3).join(', ')}` : '';
  const ev = [];
  if (client !== undefined) ev.push(evidence('client_application_5xx', client, 'responses', `clients got ${client} answers 500 (or another 5xx that is not a gateway's 502/503/504)${share(client)}`));
  if (server !== undefined) ev.push(evidence('backend_5xx', server, 'responses', `the backend itself counted ${server} answers 5xx (its application failed)${paths}`));
  if (p && relayed !== undefined) {
    const own = p.own_5xx ?? 0;
    const how = p.kind === 'nginx' ? 'with the backend\'s response header (upstream status in its access log)' : 'in its access log (not a gateway status)';
    ev.push(evidence('proxy_relayed_5xx', relayed, 'responses', `${p.kind} relayed ${relayed} answers 5xx from the backend ${how}${own > 0 ? `; ${own} more it made itself, without a backend response` : ''}`));
  }
  // Who made them (application-errors.ts): the backend's count or the proxy's log tie them to the
  // application; the client's count alone is the application's only without a proxy.
  const { count: n, tied } = applicationErrorCount(f) ?? { count: 0, tied: false };
  let discount = 1;
  if (!tied) {
    if (p) {
      discount = CLIENT_ONLY_BEHIND_PROXY;
      ev.push(evidence('origin_unknown', n, 'responses', `neither the backend's count nor ${p.kind}'s access log was read: the 500s may be ${p.kind}'s own`));
    }
  }
  if (n < 1) return graded(id, 0, ev);
  const rate = f.requests ? n / f.requests : undefined;
  return graded(id, discount * (rate === undefined ? UNKNOWN_RATE_STRENGTH : rampLog(rate, RATE_FROM, RATE_TO)), ev);
};
