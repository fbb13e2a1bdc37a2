// Is the worker pool the bottleneck? cheroot's pool never grows, so when every worker is busy
// new requests wait in the accepted queue (in-process) or, past that, in the kernel's backlog.
// The judgement is pool-load.ts's: all workers busy and requests queued relative to the pool size.
import type { Detector } from '../detector-result.js';
import { graded, insufficient } from '../detector-result.js';
import { judgePoolLoad } from '../pool-load.js';

export const id = 'pool-saturated';

export const detect: Detector = (f) => {
  const load = judgePoolLoad(f);
  if (!load) return insufficient(id, ['saturation', 'worker_threads', 'settings.thread_pool']);
  return graded(id, load.strength, load.evidence);
};
