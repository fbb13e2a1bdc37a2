// A thread or a process per request, under load ("Deploying CherryPy: deployment models": the
// threading and forking servers work "as long as you don't have hundreds of concurrent users"):
// processes appearing by the second (fork per request), or a thread count that follows the load
// instead of a pool's fixed size (thread per request). Either grows without bound past capacity.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp, rampLog } from '../strength.js';
import { formatCount, formatNumber } from '../../format.js';

export const id = 'per-request-workers';

/** New processes per second: a couple is a supervisor's restarts; 20 a second is a fork per request. */
const CREATED_FROM_PER_S = 2;
const CREATED_TO_PER_S = 20;
/**
 * Thread growth over the window as a share of the fewest seen: a pool's count moves by a thread
 * or two (runtime helpers); doubling and more is threads made per request.
 */
const THREAD_GROWTH_FROM = 0.5;
const THREAD_GROWTH_TO = 2;

export const detect: Detector = (f) => {
  const t = f.process_tree;
  if (!t) return insufficient(id, ['process_tree (probes of the process tree)']);
  const growth = (t.threads_max - t.threads_min) / Math.max(1, t.threads_min);
  const ev = [
    evidence('processes_created_per_s', t.created_per_s_max, 'per s', `${formatNumber(t.created_per_s_max)} new processes a second at most, ${formatCount(t.processes_max)} at once`),
    evidence('thread_growth', growth, 'ratio', `threads from ${formatCount(t.threads_min)} to ${formatCount(t.threads_max)} (${formatNumber(growth)}× growth)`),
  ];
  const forks = rampLog(Math.max(t.created_per_s_max, 1e-3), CREATED_FROM_PER_S, CREATED_TO_PER_S);
  const threads = ramp(growth, THREAD_GROWTH_FROM, THREAD_GROWTH_TO);
  return graded(id, Math.max(forks, threads), ev);
};
