// Is Python's GIL the ceiling? CPU work in handlers runs one thread at a time, so a CPU-heavy
// process sits at about one core while other cores idle, and adding workers adds no capacity.
//
// The evidence must be that requests are made of CPU, not the process's CPU level alone: an
// I/O-bound pool's own per-request overhead also reaches half a core at a few hundred requests a
// second. So the strength is (process near one core) × (requests mostly CPU) × (the load reached
// the ceiling), where "mostly CPU" is either the CPU share of the fastest request (a run) or the
// workers running or queued on a lock rather than in I/O (an inspection). A flat pool sweep adds
// to it; one that grew rules it out.
import type { Detector, Evidence } from '../detector-result.js';
import { evidence, graded, insufficient, none } from '../detector-result.js';
import { computingStrength, cpuShareOfFastest, oneCoreStrength } from '../cpu-evidence.js';
import { judgePoolLoad } from '../pool-load.js';
import { ramp, rampDown } from '../strength.js';
import { capacityGrowth } from '../scaling-efficiency.js';
import { formatNumber, formatPercent } from '../../format.js';

export const id = 'gil-bound';

/**
 * A lock queue is the GIL's when its holder computes: the process at a fifth of a core or more
 * (a connection-pool wait leaves it near idle), surely so from 45%.
 */
const LOCK_HOLDER_FROM_PERCENT = 20;
/** The GIL busy 75% → 95% of the time: at its ceiling (a healthy CPU-heavy service at 0.7 stays below). */
const GIL_FULL_FROM_PERCENT = 75;
const GIL_FULL_TO_PERCENT = 95;
const LOCK_HOLDER_TO_PERCENT = 45;
/**
 * Workers contending for the lock, on average (computing_mean: running or queued on it): one alone
 * never waits; from two, one always has another behind it.
 */
const WORKERS_CONTEND_FROM = 1;
const WORKERS_CONTEND_TO = 2;
/** Workers running or queued on a shared lock (the GIL): a third of them to most of them. */
const COMPUTING_WORKERS_FROM = 0.3;
const COMPUTING_WORKERS_TO = 0.7;
/**
 * The GIL is a ceiling only when the load reaches it. Without pool figures, latency stretched
 * over the fastest request (1.5x to 4x) says requests queued for something.
 */
const STRETCH_FROM = 1.5;
const STRETCH_TO = 4;
/** Capacity growth across a pool sweep: flat (≤ 1.1x) confirms a ceiling, 1.6x and more refutes it. */
const FLAT_GROWTH = 1.1;
const GROWING_GROWTH = 1.6;
/** How much a flat sweep adds to a positive single-run reading, and carries without one. */
const FLAT_SWEEP_BONUS = 0.3;
const FLAT_SWEEP_ALONE = 0.6;
/** What is left of a single-run reading when a sweep shows capacity growing with the pool. */
const REFUTED_SHARE = 0.2;

export const detect: Detector = (f) => {
  const ev: Evidence[] = [];
  if (f.cpu_percent_mean === undefined || f.cores === undefined) return insufficient(id, ['cpu_percent_mean', 'cores']);
  if (f.cores < 2) {
    return insufficient(id, ['cores (with one core, a CPU-bound process at one core is the machine\'s limit, not the GIL\'s)']);
  }
  const cpu = f.cpu_percent_mean;
  let core = oneCoreStrength(cpu);
  ev.push(evidence('cpu_percent_mean', cpu, '% of one core', `CPU ${formatPercent(cpu / 100)} of one core while ${f.cores} cores exist`));

  // Are requests made of CPU?
  let computing: number | undefined;
  const share = cpuShareOfFastest(f);
  if (share) {
    ev.push(share.evidence);
    computing = computingStrength(share.share);
  }
  const w = f.worker_threads;
  if (w && w.total > 0) {
    // What the threads are doing outranks the inference from CPU times.
    // Of the workers that are busy, how many compute or queue for the lock rather than wait on I/O
    // (cheroot's acceptor starves under the GIL, so workers may sit idle while the pool is the ceiling).
    // Means over the window where they were measured: the medians of a pool whose acceptor starves
    // under the GIL say "all idle" while the few busy workers compute.
    const means = w.computing_mean !== undefined && w.busy_mean !== undefined && w.busy_mean > 0;
    const computingWorkers = means ? w.computing_mean! : w.running + w.waiting_lock;
    const busyWorkers = means ? w.busy_mean! : Math.max(1, w.total - w.idle);
    const busy = Math.min(1, computingWorkers / busyWorkers);
    ev.push(means
      ? evidence('workers_computing_share', busy, 'share', `of ${formatNumber(w.busy_mean!)} busy workers on average (of ${w.total}), ${formatNumber(w.computing_mean!)} running or waiting on a lock (the GIL when the process computes)`)
      : evidence('workers_computing_share', busy, 'share', `of ${w.total - w.idle} busy workers (of ${w.total}), ${w.running} running and ${w.waiting_lock} waiting on a lock (the GIL when the process computes); ${w.blocked_io} in I/O`));
    computing = ramp(busy, COMPUTING_WORKERS_FROM, COMPUTING_WORKERS_TO);
    // Workers computing or queued on one lock while the process computes: the lock is the ceiling
    // even when a shared machine gives the process only half a core. CPython's workers waiting for
    // the GIL show as running as often as on a lock (woken to take it, they wait for a CPU).
    core = Math.max(core, ramp(computingWorkers / w.total, COMPUTING_WORKERS_FROM, COMPUTING_WORKERS_TO) * ramp(cpu, LOCK_HOLDER_FROM_PERCENT, LOCK_HOLDER_TO_PERCENT));
  }

  // Did the load reach the ceiling?
  const load = judgePoolLoad(f);
  let loaded = load?.strength ?? 0;
  if (f.latency_ms && f.latency_ms.min > 0) {
    loaded = Math.max(loaded, ramp(f.latency_ms.mean / f.latency_ms.min, STRETCH_FROM, STRETCH_TO));
  }
  if (!load && !f.latency_ms) loaded = 1; // nothing says otherwise: the CPU level and shape decide
  // Without latency (an inspection), the GIL's own utilisation is the process's CPU: near a full
  // core the lock is at its ceiling, whatever the pool figures show (cheroot's acceptor starves
  // under the GIL and leaves workers idle). A run's latency says whether requests waited.
  // The process's CPU is the lock's only while workers contend for it: with fewer than one worker
  // computing on average none ever queues behind another, and the CPU belongs to other threads (a
  // garbage collector, an allocator faulting pages in, C code outside the GIL). Measured: a service
  // retaining 64–512 KiB a request sat at 95–156% of a core with 0.06–0.7 workers computing.
  const contending = w?.computing_mean !== undefined ? ramp(w.computing_mean, WORKERS_CONTEND_FROM, WORKERS_CONTEND_TO) : 1;
  if (!f.latency_ms) loaded = Math.max(loaded, ramp(cpu, GIL_FULL_FROM_PERCENT, GIL_FULL_TO_PERCENT) * contending);
  // An inspection also sees the queue in front of the lock: requests waiting on the server's
  // connections (its acceptor starves under the GIL) and workers queued behind the one holding it. The lock's utilisation follows from that queue as for one server (M/M/1:
  // Lq = ρ² / (1 − ρ)); a CPU figure cut short by a shared machine does not hide it.
  if (!f.latency_ms && (f.requests_waiting || w?.computing_mean !== undefined)) {
    const queued = (f.requests_waiting?.mean ?? 0) + Math.max(0, (w?.computing_mean ?? 0) - 1);
    const rho = utilisationFromQueue(queued);
    ev.push(evidence('lock_queue', queued, 'requests', `${formatNumber(queued)} waiting on average (${formatNumber(f.requests_waiting?.mean ?? 0)} requests waiting for a thread on the server's connections, the rest workers queued on the lock): the lock ${formatPercent(rho)} busy as one server`));
    const atCeiling = ramp(100 * rho, GIL_FULL_FROM_PERCENT, GIL_FULL_TO_PERCENT);
    loaded = Math.max(loaded, atCeiling);
    // A queue on the lock while its holder computes makes the lock the ceiling, as workers queued
    // on it do above, even when a shared machine gives the process less than a core.
    core = Math.max(core, atCeiling * ramp(cpu, LOCK_HOLDER_FROM_PERCENT, LOCK_HOLDER_TO_PERCENT));
  }

  // A pool sweep: flat confirms, growth refutes.
  const p = f.pool_scaling;
  const growth = p && p.values.length >= 2 ? capacityGrowth(p.values, p.capacity_rps) : undefined;
  let flat: number | undefined;
  if (growth !== undefined) {
    flat = rampDown(growth, FLAT_GROWTH, GROWING_GROWTH);
    ev.push(evidence('pool_capacity_growth', growth, 'ratio', `capacity grew ${formatNumber(growth)}x from pool ${Math.min(...p!.values)} to ${Math.max(...p!.values)}`));
    // A sweep drove every pool size to its ceiling: it is load enough.
    loaded = Math.max(loaded, flat);
  }

  if (computing === undefined) {
    if (flat !== undefined) return graded(id, core * flat * FLAT_SWEEP_ALONE, ev);
    if (core > 0 && loaded > 0) {
      return insufficient(id, ['cpu_time_per_request_ms and latency_ms.min, or worker_threads (whether requests are made of CPU)'], ev);
    }
    return none(id, ev);
  }
  let strength = core * computing * loaded;
  // A flat sweep strengthens a CPU-made reading; a growing one all but refutes it (the pool, not
  // the GIL, was the limit). Requests not made of CPU with a flat sweep: a ceiling elsewhere.
  if (flat !== undefined) strength = Math.min(1, strength + FLAT_SWEEP_BONUS * flat * core * computing) * (REFUTED_SHARE + (1 - REFUTED_SHARE) * flat);
  return graded(id, strength, ev);
};

/** The utilisation of one server whose queue (those waiting, not served) averages `queued` (M/M/1). */
export function utilisationFromQueue(queued: number): number {
  if (!(queued > 0)) return 0;
  return (Math.sqrt(queued * queued + 4 * queued) - queued) / 2;
}
