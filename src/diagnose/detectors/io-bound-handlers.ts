// Do handlers mostly wait (database, HTTP calls, sleep) rather than compute? Such handlers hold a
// worker while idle, so the pool, not the CPU, limits throughput.
import type { Detector, Evidence } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatMs, formatPercent } from '../../format.js';

export const id = 'io-bound-handlers';

/** Service time four times the CPU time: three quarters of a request is spent waiting. */
const WAIT_RATIO_ISSUE = 4;
/** Half the workers blocked in I/O at the snapshot. */
const BLOCKED_SHARE_ISSUE = 0.5;
/**
 * Time off the CPU is waiting for I/O only if the CPU was there to be had: a process using half a
 * core or more (under the GIL, near all it can get on a shared machine) may be waiting for the GIL.
 */
const GIL_POSSIBLE_CPU_PERCENT = 50;

export const detect: Detector = (f) => {
  const ev: Evidence[] = [];
  let available = false;
  let strength = 0;
  if (f.service_time_ms !== undefined && f.cpu_time_per_request_ms !== undefined && f.cpu_time_per_request_ms >= 0) {
    available = true;
    const ratio = f.service_time_ms / Math.max(f.cpu_time_per_request_ms, 0.001);
    const cpuBusy = f.cpu_percent_mean !== undefined && f.cpu_percent_mean >= GIL_POSSIBLE_CPU_PERCENT;
    ev.push(evidence('service_to_cpu_ratio', ratio, 'ratio', `service time ${formatMs(f.service_time_ms)} vs CPU ${formatMs(f.cpu_time_per_request_ms)} per request: ${formatPercent(clamp01(1 - 1 / ratio))} of it waiting${cpuBusy ? ` (but the process uses ${formatPercent(f.cpu_percent_mean! / 100)} of a core: the wait may be for the GIL)` : ''}`));
    if (ratio >= WAIT_RATIO_ISSUE && !cpuBusy) strength = Math.max(strength, clamp01(1 - 1 / ratio));
  }
  const w = f.worker_threads;
  if (w && w.total > 0) {
    available = true;
    const share = w.blocked_io / w.total;
    ev.push(evidence('workers_blocked_io_share', share, 'share', `${w.blocked_io} of ${w.total} workers blocked in I/O (sleeping, reading a socket)`));
    if (share >= BLOCKED_SHARE_ISSUE) strength = Math.max(strength, clamp01(share));
  }
  if (!available) return insufficient(id, ['service_time_ms', 'cpu_time_per_request_ms', 'worker_threads']);
  return strength > 0 ? issue(id, strength, ev) : none(id, ev);
};
