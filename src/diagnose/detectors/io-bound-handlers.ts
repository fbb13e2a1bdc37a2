// Do handlers mostly wait (database, HTTP calls, sleep) rather than compute? Such handlers hold a
// worker while idle, so the pool, not the CPU, limits throughput.
import type { Detector, Evidence } from '../detector-result.js';
import { clamp01, evidence, graded, insufficient } from '../detector-result.js';
import { gilWaitLikelihood } from '../cpu-evidence.js';
import { ramp } from '../strength.js';
import { formatMs, formatPercent } from '../../format.js';

export const id = 'io-bound-handlers';

/** Two thirds of a request off the CPU is mixed work; 90% off the CPU is a handler that waits. */
const WAIT_SHARE_FROM = 0.65;
const WAIT_SHARE_TO = 0.9;
/** A third of the busy workers blocked in I/O to most of them. */
const BLOCKED_SHARE_FROM = 0.3;
const BLOCKED_SHARE_TO = 0.7;

export const detect: Detector = (f) => {
  const ev: Evidence[] = [];
  let available = false;
  let strength = 0;
  if (f.service_time_ms !== undefined && f.service_time_ms > 0 && f.cpu_time_per_request_ms !== undefined && f.cpu_time_per_request_ms >= 0) {
    available = true;
    const waitShare = clamp01(1 - f.cpu_time_per_request_ms / f.service_time_ms);
    // Off the CPU under the GIL is waiting for the lock, not for I/O.
    const gil = gilWaitLikelihood(f);
    ev.push(evidence('wait_share_of_service_time', waitShare, 'share',
      `service time ${formatMs(f.service_time_ms)} vs CPU ${formatMs(f.cpu_time_per_request_ms)} per request: ${formatPercent(waitShare)} of it off the CPU${gil >= 0.5 ? ' (but requests are mostly CPU and the process is near one core: the wait is likely for the GIL)' : ''}`));
    strength = ramp(waitShare, WAIT_SHARE_FROM, WAIT_SHARE_TO) * (1 - gil);
  }
  const w = f.worker_threads;
  if (w && w.total > 0) {
    available = true;
    // What the threads are doing outranks the inference from CPU times: off the CPU may be a
    // wait for a lock (the GIL, a pool), which only the threads tell apart.
    // Of the busy workers: at light load most are idle, and those that work still wait on I/O.
    const busyWorkers = w.total - w.idle;
    const share = busyWorkers > 0 ? Math.min(1, w.blocked_io / busyWorkers) : 0;
    ev.push(evidence('workers_blocked_io_share', share, 'share', `${w.blocked_io} of ${busyWorkers} busy workers (of ${w.total}) blocked in I/O (sleeping, reading a socket)${w.waiting_lock > 0 ? `, ${w.waiting_lock} waiting on a lock` : ''}`));
    strength = ramp(share, BLOCKED_SHARE_FROM, BLOCKED_SHARE_TO);
  }
  if (!available) return insufficient(id, ['service_time_ms', 'cpu_time_per_request_ms', 'worker_threads']);
  return graded(id, strength, ev);
};
