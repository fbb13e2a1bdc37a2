// Does the backend see the proxy instead of the client? From the forwarded-data check (run
// --proxy-check): the peer address is the proxy's, and/or Host is not the one the client used.
// An app without CherryPy's tools.proxy then logs the proxy's address and builds absolute URLs
// (redirects) with the proxy's host ("CherryPy behind Apache with mod_rewrite", myth 2).
import type { Detector } from '../detector-result.js';
import { evidence, insufficient, issue, none } from '../detector-result.js';

export const id = 'proxy-hides-client';

export const detect: Detector = (f) => {
  const w = f.proxy?.forwarded;
  if (!w) return insufficient(id, ['proxy.forwarded']);
  const ev = [
    evidence('peer_is_proxy', w.app_logs_proxy_address ? 1 : 0, 'flag', `the backend's peer address is ${w.peer_address ?? 'unknown'}${w.app_logs_proxy_address ? ' (the proxy, not the client)' : ' (the client)'}`),
    evidence('host_is_proxy', w.urls_use_proxy_host ? 1 : 0, 'flag', `the backend's Host is ${w.host_seen ?? 'missing'}${w.urls_use_proxy_host ? ', not the host the client asked for' : ''}`),
    evidence('recoverable', w.recoverable_with_tools_proxy ? 1 : 0, 'flag', w.recoverable_with_tools_proxy ? "2 forwarded headers (X-Forwarded-For, and X-Forwarded-Host or Host) carry the client's address and host: tools.proxy recovers them" : "the 2 forwarded headers do not carry both the client's address and host"),
  ];
  return w.app_logs_proxy_address || w.urls_use_proxy_host ? issue(id, w.urls_use_proxy_host ? 0.8 : 0.6, ev) : none(id, ev);
};
