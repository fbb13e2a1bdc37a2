// Are the workers blocked on one remote peer (threads in recvfrom, connect, sendto ... on sockets
// to the same address)? Then that peer — a database, an upstream API — sets the pace: its
// slowness or its own connection limit holds every worker, and a bigger pool only moves the queue
// to it. Seen from /proc by inspect (what each thread is blocked in, on which socket).
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient, none } from '../detector-result.js';
import { ramp } from '../strength.js';
import { formatPercent } from '../../format.js';

export const id = 'workers-blocked-on-peer';

/** A third of the workers on one peer is a dependency in use; most of them is the bottleneck. */
const SHARE_FROM = 0.3;
const SHARE_TO = 0.7;

export const detect: Detector = (f) => {
  const b = f.blocked_on_peer;
  if (!b) {
    if (f.worker_threads && f.worker_threads.total > 0) {
      return none(id, [evidence('workers_blocked_on_peer', 0, 'workers', `no worker blocked on a remote peer (${f.worker_threads.blocked_io} of ${f.worker_threads.total} in other I/O)`)]);
    }
    return insufficient(id, ['blocked_on_peer (what each worker thread is blocked in: cpdiag inspect)']);
  }
  const share = b.workers / Math.max(1, b.total_workers);
  const ev = [evidence('workers_blocked_on_peer', b.workers, 'workers', `${b.workers} of ${b.total_workers} workers (${formatPercent(share)}) blocked on ${b.peer}`)];
  return graded(id, ramp(share, SHARE_FROM, SHARE_TO), ev);
};
