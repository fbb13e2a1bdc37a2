// Is the proxy's backend gone? The proxy's error log says its connects were refused (nobody
// listens on the backend port: the app is not running, or restarting) and it answered 502/503.
// This separates "backend gone" from "backend timed out" (upstream timeouts in the log, 504) and
// from "backend answered 5xx" (500s relayed, no refused connects).
import type { Detector } from '../detector-result.js';
import { clamp01, errorCount, evidence, insufficient, issue, none } from '../detector-result.js';

export const id = 'proxy-backend-refused';

export const detect: Detector = (f) => {
  const p = f.proxy;
  if (!p || p.connection_refused === undefined) return insufficient(id, ['proxy.connection_refused']);
  const refused = p.connection_refused;
  const gateway = Math.max(p.status_502, errorCount(f.errors?.by_kind, 'http_502')) + Math.max(p.status_503 ?? 0, errorCount(f.errors?.by_kind, 'http_503'));
  // The backend's state: its process gone mid-run (a crash, or the scenario's kill_target fault).
  const exited = (f.events ?? []).some((e) => e.kind === 'target_exited' || e.kind === 'target_killed');
  const ev = [
    evidence('proxy_connection_refused', refused, 'connects', `${p.kind} logged ${refused} refused connects to the backend (nobody listening)`),
    evidence('proxy_502_503', gateway, 'responses', `${gateway} requests answered 502/503 by ${p.kind}${exited ? '; the backend process was gone (it exited mid-run)' : ''}`),
  ];
  if (refused >= 1 && gateway >= 1) return issue(id, clamp01(0.7 + (f.requests ? (gateway / f.requests) * 0.3 : 0)), ev);
  return none(id, ev);
};
