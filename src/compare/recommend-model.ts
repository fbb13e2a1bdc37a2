// The recommendation per workload, in the deployment guide's terms ("Deploying CherryPy:
// deployment models"; "Load balancing CherryPy": several processes are "only useful if your
// machine has several processors"): the model to run, its size, and why, with the numbers. Pure.
import { formatBytes, formatNumber, formatRate } from '../format.js';
import { roundTo } from '../numbers.js';
import type { CompareRecommendation, CompareWorkload, ModelSummary } from './compare-document.js';

/**
 * Capacities within 10% of the best are "as good": two 1-s levels of a ×4 ladder on a shared
 * machine differ by about that run to run, and the issue's own I/O proof calls a thread pool
 * "within 10%" of a process pool the same capacity.
 */
export const AS_GOOD_SHARE = 0.1;
/** A process pool "adds capacity" over the thread pool when it serves at least 30% more: well past the noise above. */
export const PROCESSES_HELP_RATIO = 1.3;

/** Models that stay bounded past capacity: a fixed number of workers, the rest wait in a queue. */
function isBounded(s: ModelSummary): boolean {
  return s.model === 'thread-pool' || s.model === 'process-pool' || s.model === 'lb-nginx' || s.model === 'lb-haproxy';
}

/**
 * One shared socket against a balancer, when both were measured: each one's capacity and how
 * evenly its processes served ("the busiest served 1.4× the mean"), and the balancer's CPU.
 */
export function socketVersusBalancer(measured: readonly ModelSummary[]): string | undefined {
  const pool = measured.find((s) => s.model === 'process-pool');
  const balanced = measured.filter((s) => s.model === 'lb-nginx' || s.model === 'lb-haproxy');
  if (!pool || balanced.length === 0) return undefined;
  const spread = (s: ModelSummary) => (s.process_skew ? `, busiest process ${formatNumber(s.process_skew)}× the mean` : '');
  const lbCpu = (s: ModelSummary) => (s.balancer_cpu_ms_per_request ? `, the balancer's own CPU ${formatNumber(s.balancer_cpu_ms_per_request)} ms per request` : '');
  return `one shared socket (${pool.label}) ${formatRate(pool.capacity_rps)} req/s${spread(pool)}; ` +
    balanced.map((s) => `${s.label} ${formatRate(s.capacity_rps)} req/s${spread(s)}${lbCpu(s)}`).join('; ');
}

function memoryOf(s: ModelSummary): number {
  return s.pss_max_bytes ?? s.rss_max_bytes ?? Infinity;
}

function memoryText(s: ModelSummary): string {
  return s.pss_max_bytes !== null ? `PSS ${formatBytes(s.pss_max_bytes)}` : `RSS ${formatBytes(s.rss_max_bytes)}`;
}

/**
 * The model for one workload: among those within AS_GOOD_SHARE of the best capacity, a bounded
 * one (a pool: past capacity it queues instead of growing) before an unbounded one, then the
 * least memory (PSS, which counts a forked process's shared pages once).
 */
export function recommendModel(workload: CompareWorkload, summaries: readonly ModelSummary[]): CompareRecommendation {
  const measured = summaries.filter((s) => s.workload === workload.name && s.status === 'ok' && s.capacity_rps !== null && s.capacity_rps > 0);
  if (measured.length === 0) return { workload: workload.name, model: null, label: null, reason: 'no model held the SLO at any level: relax the SLO (--slo-p99) or lighten the handler' };
  const best = measured.reduce((b, s) => (s.capacity_rps! > b.capacity_rps! ? s : b));
  const asGood = measured.filter((s) => s.capacity_rps! >= (1 - AS_GOOD_SHARE) * best.capacity_rps!);
  const pool = asGood.filter(isBounded);
  const chosen = (pool.length ? pool : asGood).reduce((c, s) => (memoryOf(s) < memoryOf(c) ? s : c));
  const threads = measured.find((s) => s.model === 'thread-pool');
  const processes = measured.find((s) => s.model === 'process-pool');
  const cap = (s: ModelSummary) => `${formatRate(s.capacity_rps)} req/s`;
  let reason: string;
  if (chosen.model === 'thread-pool' && processes) {
    const why = workload.kind === 'io' || workload.kind === 'mix'
      ? 'the handler waits on I/O, and threads overlap the waits'
      : 'more processes did not add capacity on this machine';
    reason = `${chosen.label}: ${why}; a process pool adds nothing but memory here (${cap(chosen)} vs ${cap(processes)}, ${memoryText(chosen)} vs ${memoryText(processes)})`;
  } else if (chosen.model === 'process-pool' && threads && processes!.capacity_rps! >= PROCESSES_HELP_RATIO * threads.capacity_rps!) {
    const ratio = roundTo(processes!.capacity_rps! / threads.capacity_rps!, 2);
    const versus = `${formatNumber(ratio)}× the capacity of a ${threads.label} (${cap(processes!)} vs ${cap(threads)})`;
    reason = workload.kind === 'io'
      ? `${chosen.label}: ${versus}: the handler waits on I/O, so what ran out was the server's own CPU per request (parsing, writing — under one GIL in one process); separate processes have separate GILs, but only as many as the cores help`
      : `${workload.kind === 'cpu' ? 'CPU-bound under the GIL' : 'the handler computes under the GIL'}: a ${chosen.label} gives ${versus}: separate processes have separate GILs; more processes than cores do not help (\`cpdiag sweep processes\` shows where they stop)`;
  } else if (chosen.model === 'lb-nginx' || chosen.model === 'lb-haproxy') {
    // Chosen among the as-good ones for its memory, it need not be the very best: say which it is.
    const standing = chosen === best ? `the best capacity (${cap(chosen)})` : `${cap(chosen)}, within ${formatNumber(AS_GOOD_SHARE * 100)}% of the best (${best.label}, ${cap(best)}) with less memory (${memoryText(chosen)})`;
    reason = `${chosen.label}: ${standing}${processes ? `, against ${cap(processes)} for the same processes on one shared socket (${processes.label})` : ''}${threads ? `, and a ${threads.label} serves ${cap(threads)}` : ''}`;
  } else if (chosen.model === 'process-pool') {
    reason = `${chosen.label}: the best capacity (${cap(chosen)})${threads ? `, and a ${threads.label} serves ${cap(threads)}` : ''}`;
  } else {
    reason = `${chosen.label}: ${cap(chosen)}, the best of the models measured`;
  }
  if (chosen.past_capacity === 'unbounded-threads' || chosen.past_capacity === 'unbounded-processes') {
    reason += `; but past capacity ${chosen.past_capacity_text}: put a bound on it (a pool) before it meets more users than measured`;
  } else if (chosen.past_capacity === 'collapse') {
    // A pool is bounded already: what collapses is the machine or the queue's wait; shed load before it.
    reason += `; past capacity ${chosen.past_capacity_text}: keep the load below it (a proxy's connection limit, a bounded accepted queue)`;
  }
  const rejected = measured
    .filter((s) => s !== chosen && (s.model === 'single' || s.model === 'fork-per-request' || s.model === 'thread-per-request') && s.capacity_rps! < (1 - AS_GOOD_SHARE) * best.capacity_rps!)
    .map((s) => `${s.label} ${cap(s)}${s.model === 'fork-per-request' && s.cpu_ms_per_request !== null ? ` (${formatNumber(s.cpu_ms_per_request)} ms of CPU per request)` : ''}`);
  if (rejected.length) reason += `. Less: ${rejected.join(', ')}`;
  const sockets = socketVersusBalancer(measured);
  if (sockets) reason += `. Processes: ${sockets}`;
  return { workload: workload.name, model: chosen.model, label: chosen.label, reason, best_over_recommended: roundTo(best.capacity_rps! / chosen.capacity_rps!, 2) };
}
