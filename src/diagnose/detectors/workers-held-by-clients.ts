// Are workers held by their clients? cheroot gives an accepted connection a worker at once, and the
// worker blocks reading from it until a complete request has arrived or server.socket_timeout has
// passed. A connection that sends nothing (a browser's speculative preconnect, a load balancer's
// health check that only opens a socket, slowloris) or sends its head or body slowly holds a worker
// that does no work. Seen from outside on any server: workers blocked in recv (or in poll on one
// socket, as CPython waits on a socket with a timeout) on connections accepted on the server's own
// port — not on an outbound peer (workers-blocked-on-peer), not computing; and from the bundled
// server's own worker states (`reading`). Judged relative to the pool: one held worker in sixteen
// is a request arriving, half the pool held is the pool starved.
import type { Detector, Evidence } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';
import { formatNumber, formatPercent, formatSeconds } from '../../format.js';

export const id = 'workers-held-by-clients';

/** Share of the pool held by clients, on average over the window: from a tenth (a lead) to half (starved). */
const SHARE_FROM = 0.1;
const SHARE_TO = 0.5;

export const detect: Detector = (f) => {
  const c = f.workers_on_clients;
  if (!c || c.total_workers <= 0) {
    return insufficient(id, ['workers_on_clients (what each worker is blocked in, on which connection: cpdiag inspect PID or a run with probes; or the server\'s worker states)']);
  }
  const share = c.mean / c.total_workers;
  const where = c.source === 'server' ? "the server's worker states (`reading`)" : 'threads blocked in recv/poll on connections accepted on the server\'s port';
  const ev: Evidence[] = [
    evidence('workers_held_by_clients', c.mean, 'workers',
      `${formatNumber(c.mean)} of ${c.total_workers} workers (${formatPercent(share)}) on average blocked reading from clients that had not sent a complete request (at most ${c.max} at once; ${where})`),
  ];
  const timeoutS = f.settings?.socket_timeout;
  if (timeoutS !== undefined && c.mean > 0) {
    ev.push(evidence('socket_timeout_s', timeoutS, 's', `a silent connection holds its worker up to server.socket_timeout, ${formatSeconds(timeoutS)}`));
  }
  return graded(id, ramp(share, SHARE_FROM, SHARE_TO), ev);
};
