// Is the proxy's read timeout (nginx proxy_read_timeout, Apache ProxyTimeout) shorter than the server's socket_timeout? Then the proxy gives up
// first: clients get 504s and the server logs "client disconnected" for work it already did.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';

export const id = 'proxy-timeout-below-server';

/** The shortfall 1 − proxy/server: equal timeouts race; half the server's is clearly out of order. */
const SHORTFALL_TO = 0.5;

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (!f.proxy) missing.push('proxy');
  if (f.settings?.socket_timeout === undefined) missing.push('settings.socket_timeout');
  if (missing.length) return insufficient(id, missing);
  const proxyS = f.proxy!.read_timeout_s;
  const serverS = f.settings!.socket_timeout!;
  const setting = f.proxy!.kind === 'apache' ? 'Apache ProxyTimeout' : 'nginx proxy_read_timeout';
  const ev = [evidence('proxy_read_timeout_s', proxyS, 's', `${setting} ${proxyS} s vs server.socket_timeout ${serverS} s`)];
  return graded(id, serverS > 0 ? ramp(1 - proxyS / serverS, 0, SHORTFALL_TO) : 0, ev);
};
