// Are slow clients (slow uploads, slow readers, long pauses) cut off? cheroot applies
// socket_timeout to every read and write, so a client pausing longer than that loses its
// connection mid-request.
import type { Detector, Evidence } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';
import { formatPercent, formatSeconds } from '../../format.js';

export const id = 'slow-client-cutoffs';

/** One slow client in twenty failing may be a flaky network; half of them is a pattern. */
const FAILED_SHARE_FROM = 0.05;
const FAILED_SHARE_TO = 0.5;

export const detect: Detector = (f) => {
  const sc = f.slow_clients;
  if (!sc || sc.attempted <= 0) return insufficient(id, ['slow_clients']);
  const share = sc.failed / sc.attempted;
  const kinds = Object.entries(sc.by_kind).filter(([, n]) => (n ?? 0) > 0).map(([k, n]) => `${k} ${n}`).join(', ');
  const ev: Evidence[] = [evidence('slow_client_failed_share', share, 'share', `${sc.failed} of ${sc.attempted} slow clients failed (${formatPercent(share)})${kinds ? `: ${kinds}` : ''}`)];
  const timeoutS = f.settings?.socket_timeout;
  let explained = true;
  if (sc.pause_s !== undefined && timeoutS !== undefined) {
    explained = sc.pause_s >= timeoutS;
    ev.push(evidence('slow_client_pause_s', sc.pause_s, 's', `slow clients pause ${formatSeconds(sc.pause_s)}; server.socket_timeout is ${formatSeconds(timeoutS)}`));
  } else if (timeoutS !== undefined) {
    ev.push(evidence('socket_timeout_s', timeoutS, 's', `server.socket_timeout is ${formatSeconds(timeoutS)}`));
  }
  return graded(id, explained ? ramp(share, FAILED_SHARE_FROM, FAILED_SHARE_TO) : 0, ev);
};
