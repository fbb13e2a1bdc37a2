// Are slow clients (slow uploads, slow readers, long pauses) cut off? cheroot applies
// socket_timeout to every read and write, so a client pausing longer than that loses its
// connection mid-request.
import type { Detector, Evidence } from '../detector-result.js';
import { clamp01, evidence, fmt, insufficient, issue, none, pct } from '../detector-result.js';

export const id = 'slow-client-cutoffs';

/** One slow client in five failing is a pattern, not a flaky network. */
const FAILED_SHARE_ISSUE = 0.2;

export const detect: Detector = (f) => {
  const sc = f.slow_clients;
  if (!sc || sc.attempted <= 0) return insufficient(id, ['slow_clients']);
  const share = sc.failed / sc.attempted;
  const kinds = Object.entries(sc.by_kind).filter(([, n]) => (n ?? 0) > 0).map(([k, n]) => `${k} ${n}`).join(', ');
  const ev: Evidence[] = [evidence('slow_client_failed_share', share, 'share', `${sc.failed} of ${sc.attempted} slow clients failed (${pct(share)})${kinds ? `: ${kinds}` : ''}`)];
  const timeoutS = f.settings?.socket_timeout;
  let explained = true;
  if (sc.pause_s !== undefined && timeoutS !== undefined) {
    explained = sc.pause_s >= timeoutS;
    ev.push(evidence('slow_client_pause_s', sc.pause_s, 's', `slow clients pause ${fmt(sc.pause_s)} s; server.socket_timeout is ${fmt(timeoutS)} s`));
  } else if (timeoutS !== undefined) {
    ev.push(evidence('socket_timeout_s', timeoutS, 's', `server.socket_timeout is ${fmt(timeoutS)} s`));
  }
  return share >= FAILED_SHARE_ISSUE && explained ? issue(id, clamp01(share), ev) : none(id, ev);
};
