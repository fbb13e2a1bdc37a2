// Are workers queued on a lock rather than working? The usual shape: 40 workers share a database
// pool of 5 connections, so 35 wait on the pool's lock and the server looks busy doing nothing.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';
import { formatPercent } from '../../format.js';

export const id = 'downstream-pool-wait';

/** From a third of the workers waiting on a lock (not idle) to most of them. */
const WAITING_SHARE_FROM = 0.3;
const WAITING_SHARE_TO = 0.7;
/**
 * A connection-pool wait leaves the process near idle; with the process computing (a fifth of a
 * core and more, surely from 45%) the lock the workers queue on is the GIL (gil-bound's signal).
 */
const COMPUTING_FROM_PERCENT = 20;
const COMPUTING_TO_PERCENT = 45;

export const detect: Detector = (f) => {
  const w = f.worker_threads;
  if (!w || w.total <= 0) return insufficient(id, ['worker_threads']);
  const share = w.waiting_lock / w.total;
  const ev = [evidence('workers_waiting_lock_share', share, 'share', `${w.waiting_lock} of ${w.total} workers waiting on a lock (${formatPercent(share)}); ${w.blocked_io} in I/O, ${w.running} running, ${w.idle} idle`)];
  const computing = f.cpu_percent_mean !== undefined ? ramp(f.cpu_percent_mean, COMPUTING_FROM_PERCENT, COMPUTING_TO_PERCENT) : 0;
  if (computing > 0) ev.push(evidence('cpu_percent_mean', f.cpu_percent_mean!, '% of one core', `while the process uses ${formatPercent(f.cpu_percent_mean! / 100)} of a core (the lock may be the GIL)`));
  return graded(id, ramp(share, WAITING_SHARE_FROM, WAITING_SHARE_TO) * (1 - computing), ev);
};
