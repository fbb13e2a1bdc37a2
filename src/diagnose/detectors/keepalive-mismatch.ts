// Does the proxy reuse upstream connections the server has already closed? cheroot drops an idle
// keep-alive connection after socket_timeout; nginx keeps idle upstream connections for its
// keepalive_timeout (60 s by default), Apache's mod_proxy keeps its backend connections with no
// time limit unless ProxyPass sets ttl=. A request sent on a connection the server just closed
// fails as "upstream prematurely closed" or "connection reset by peer": a 502.
import type { Detector } from '../detector-result.js';
import { evidence, insufficient, issue, none } from '../detector-result.js';

export const id = 'keepalive-mismatch';

/** nginx's default keepalive_timeout for cached upstream connections (ngx_http_upstream_keepalive). */
const NGINX_UPSTREAM_KEEPALIVE_TIMEOUT_S = 60;

export const detect: Detector = (f) => {
  if (!f.proxy) return insufficient(id, ['proxy']);
  const apache = f.proxy.kind === 'apache';
  const name = apache ? 'Apache' : 'nginx';
  // How long the proxy keeps an idle upstream connection (Apache without ttl=: until it fails).
  const proxyKeepS = apache ? Infinity : NGINX_UPSTREAM_KEEPALIVE_TIMEOUT_S;
  if (!f.proxy.keepalive) return none(id, [evidence('proxy_keepalive', 0, 'bool', `${name} opens a new upstream connection per request (no upstream keepalive): nothing to mismatch`)]);
  if (f.settings?.socket_timeout === undefined) return insufficient(id, ['settings.socket_timeout']);
  const serverS = f.settings.socket_timeout;
  const closes = f.proxy.premature_closes + f.proxy.upstream_resets;
  const ev = [
    evidence('server_idle_timeout_s', serverS, 's', `server closes idle keep-alive connections after ${serverS} s; ${name} keeps them ${apache ? 'with no time limit (no ttl= on ProxyPass)' : `up to ${NGINX_UPSTREAM_KEEPALIVE_TIMEOUT_S} s`}`),
    evidence('upstream_closes', closes, 'log lines', `${closes} upstream closes/resets in the ${name} error log`),
  ];
  // A backend that died mid-run resets the proxy's kept connections once, then refuses every
  // connect: those resets are its death, not idle connections closed under the proxy.
  const died = (f.events ?? []).some((e) => e.kind === 'target_exited' || e.kind === 'target_killed');
  if (died && (f.proxy.connection_refused ?? 0) >= 1) {
    return none(id, [...ev, evidence('backend_gone', 1, 'bool', 'the backend process exited mid-run and then refused connects: the resets are its death')]);
  }
  return serverS < proxyKeepS && closes >= 1 ? issue(id, 0.6, ev) : none(id, ev);
};
