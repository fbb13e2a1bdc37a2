// Requests spread unevenly over the server's processes: several processes accepting on one shared
// socket are woken in no fair order (the kernel favours the last to wait, and a busy process
// accepts in bursts), so one process serves most requests while the others idle — a process pool
// that behaves like fewer processes. From each process's own request count.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';
import { loadSkew } from '../../analysis/load-skew.js';
import { formatCount, formatNumber } from '../../format.js';

export const id = 'uneven-process-load';

/** The busiest process over the mean: 1.25× is the noise of a short window; 2× is one process doing the work of two. */
const SKEW_FROM = 1.25;
const SKEW_TO = 2;
/** Fewer requests than this per process say nothing about the spread. */
const MIN_REQUESTS_PER_PROCESS = 20;

export const detect: Detector = (f) => {
  const counts = f.requests_per_process;
  if (!counts || counts.length < 2) return insufficient(id, ['requests_per_process (a server with several processes and per-process counts)']);
  const total = counts.reduce((a, b) => a + b, 0);
  const mean = total / counts.length;
  if (mean < MIN_REQUESTS_PER_PROCESS) return insufficient(id, [`at least ${MIN_REQUESTS_PER_PROCESS} requests per process (there were ${formatNumber(mean)})`]);
  const skew = loadSkew(counts)!;
  const ev = [evidence('process_load_skew', skew, 'ratio', `requests per process ${counts.map(formatCount).join(' / ')}: the busiest served ${formatNumber(skew)}× the mean`)];
  return graded(id, ramp(skew, SKEW_FROM, SKEW_TO), ev);
};
