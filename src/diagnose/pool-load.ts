// How full the worker pool was, from whichever measurement the findings carry, as one smooth
// strength 0..1 with its evidence. pool-saturated reports it; queueing and gil-bound use it to ask
// "was the load at the ceiling?". The sources, in order of trust:
//   1. the server's own pool statistics over the run (busy workers, requests queued);
//   2. worker threads seen from /proc over an inspection window (busy or idle, no queue);
//   3. Little's law over a run's client-side figures, when the pool size is known.
import type { Evidence } from './detector-result.js';
import type { Findings } from './findings.js';
import { evidence } from './detector-result.js';
import { ramp } from './strength.js';
import { formatMs, formatNumber, formatPercent } from '../format.js';

/**
 * Every worker busy in 30% of the samples is ordinary for a pool run at 80% of its capacity; in
 * 80% of them a burst almost never finds a free worker.
 */
export const ALL_BUSY_FROM = 0.3;
export const ALL_BUSY_TO = 0.8;
/**
 * The typical (median) queue relative to the pool: 2% of the pool waiting is a blip, a quarter of
 * the pool waiting is a standing queue. Relative, so a pool of 200 with 45 waiting counts as much
 * as a pool of 10 with 2 or 3.
 */
export const QUEUE_SHARE_FROM = 0.02;
export const QUEUE_SHARE_TO = 0.25;
/** An all-busy pool without a queue is exactly full: the pool limits only when requests wait too. */
const FULL_WITHOUT_QUEUE = 0.6;
/**
 * Little's law (requests in the server = throughput × mean latency) over the pool size: at 1 the
 * pool is full on average, a third more and a standing queue of a third of the pool waits (300
 * clients on 200 workers measure 1.22x: the pool is the limit). Client-side latency includes the
 * network, so near 1 it overstates the server's share (a quiet run measures up to 1.05x): the ramp
 * starts there, and the figure stays below the server's own statistics until the ratio is large
 * enough (3x) that no client overhead could explain it.
 */
export const LITTLE_RATIO_FROM = 1.05;
export const LITTLE_RATIO_TO = 1.3;
const LITTLE_CERTAIN_RATIO = 3;
const LITTLE_MAX_STRENGTH = 0.85;
/** Workers seen busy from /proc: no queue is visible, so "all busy" alone. */
const THREADS_MAX_STRENGTH = 0.85;
/**
 * ...or nearly all busy on average: a pool fed by a starved acceptor is rarely caught with every
 * worker busy, yet 90% of it busy on average leaves no room (80% → 97%).
 */
const BUSY_MEAN_FROM = 0.8;
const BUSY_MEAN_TO = 0.97;

export interface PoolLoad {
  /** 0..1: how surely the pool was full with requests waiting. */
  strength: number;
  evidence: Evidence[];
  source: 'statistics' | 'threads' | 'little';
  /** The pool size the judgement used. */
  workers: number;
}

/** Little's law over a run's client-side figures; undefined when they are not known. */
export function requestsInServer(f: { source: string; throughput_rps?: number; latency_ms?: { mean: number } }): number | undefined {
  if (f.source !== 'run' || !f.throughput_rps || !f.latency_ms) return undefined;
  return f.throughput_rps * (f.latency_ms.mean / 1000);
}

export function judgePoolLoad(f: Findings): PoolLoad | undefined {
  const s = f.saturation;
  if (s && s.samples > 0 && s.workers > 0) {
    const ev = [
      evidence('all_busy_share', s.all_busy_share, 'share', `all ${s.workers} workers busy ${formatPercent(s.all_busy_share)} of the time (${s.samples} samples; mean busy ${formatNumber(s.busy_mean)})`),
      evidence('queue_p50', s.queue_p50, 'requests', `requests waiting for a worker: p50 ${formatNumber(s.queue_p50)} (${formatPercent(s.queue_p50 / s.workers)} of the pool), p99 ${formatNumber(s.queue_p99)}, max ${formatNumber(s.queue_max)}`),
    ];
    // An empty accept queue is no evidence of anything; a full one says the acceptor fell behind.
    if (s.listen_queue_max !== undefined && s.listen_queue_max > 0) {
      ev.push(evidence('listen_queue_max', s.listen_queue_max, 'connections', `up to ${formatNumber(s.listen_queue_max)} connections waited in the kernel's accept queue`));
    }
    const busy = ramp(s.all_busy_share, ALL_BUSY_FROM, ALL_BUSY_TO);
    const queued = ramp(s.queue_p50 / s.workers, QUEUE_SHARE_FROM, QUEUE_SHARE_TO);
    return { strength: Math.max(busy * (FULL_WITHOUT_QUEUE + (1 - FULL_WITHOUT_QUEUE) * queued), queued), evidence: ev, source: 'statistics', workers: s.workers };
  }
  // Without the server's statistics: the workers seen from /proc (busy or idle, no queue) and
  // Little's law (a queue, inferred); the stronger reading stands, with both shown.
  const readings: PoolLoad[] = [];
  const w = f.worker_threads;
  if (w && w.total > 0) {
    const busyNow = w.total - w.idle;
    if (w.all_busy_share !== undefined) {
      const meanShare = w.busy_mean !== undefined ? w.busy_mean / w.total : undefined;
      const ev = [evidence('all_busy_share', w.all_busy_share, 'share',
        `all ${w.total} workers busy in ${formatPercent(w.all_busy_share)} of ${w.samples ?? 'the'} samples (median ${busyNow} busy, ${w.idle} idle${meanShare !== undefined ? `; ${formatPercent(meanShare)} busy on average` : ''})`)];
      const strength = Math.max(ramp(w.all_busy_share, ALL_BUSY_FROM, ALL_BUSY_TO), meanShare !== undefined ? ramp(meanShare, BUSY_MEAN_FROM, BUSY_MEAN_TO) : 0);
      readings.push({ strength: THREADS_MAX_STRENGTH * strength, evidence: ev, source: 'threads', workers: w.total });
    } else {
      const ev = [evidence('busy_workers_share', busyNow / w.total, 'share', `${busyNow} of ${w.total} workers busy at the snapshot (${w.idle} idle)`)];
      readings.push({ strength: w.idle === 0 ? FULL_WITHOUT_QUEUE : 0, evidence: ev, source: 'threads', workers: w.total });
    }
  }
  const inSystem = requestsInServer(f);
  const pool = f.settings?.thread_pool ?? (w && w.total > 0 ? w.total : undefined);
  if (inSystem !== undefined && pool && pool > 0) {
    const ratio = inSystem / pool;
    const ev = [evidence('requests_in_server', inSystem, 'requests',
      `${formatNumber(inSystem)} requests in the server on average (Little: ${formatNumber(f.throughput_rps!)} req/s x ${formatMs(f.latency_ms!.mean)}) for ${pool} workers (${formatNumber(ratio)}x the pool)`)];
    const certainty = LITTLE_MAX_STRENGTH + (1 - LITTLE_MAX_STRENGTH) * ramp(ratio, LITTLE_RATIO_TO, LITTLE_CERTAIN_RATIO);
    readings.push({ strength: certainty * ramp(ratio, LITTLE_RATIO_FROM, LITTLE_RATIO_TO), evidence: ev, source: 'little', workers: pool });
  }
  if (readings.length === 0) return undefined;
  const best = readings.reduce((a, b) => (b.strength > a.strength ? b : a));
  return { ...best, evidence: readings.flatMap((r) => r.evidence) };
}
