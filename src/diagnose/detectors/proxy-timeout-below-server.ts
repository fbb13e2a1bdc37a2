// Is nginx's read timeout shorter than the server's socket_timeout? Then the proxy gives up
// first: clients get 504s and the server logs "client disconnected" for work it already did.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';

export const id = 'proxy-timeout-below-server';

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (!f.proxy) missing.push('proxy');
  if (f.settings?.socket_timeout === undefined) missing.push('settings.socket_timeout');
  if (missing.length) return insufficient(id, missing);
  const proxyS = f.proxy!.read_timeout_s;
  const serverS = f.settings!.socket_timeout!;
  const ev = [evidence('proxy_read_timeout_s', proxyS, 's', `nginx proxy_read_timeout ${proxyS} s vs server.socket_timeout ${serverS} s`)];
  return serverS > 0 && proxyS < serverS ? issue(id, clamp01(0.3 + 0.5 * (1 - proxyS / serverS)), ev) : none(id, ev);
};
