// Is the worker pool the bottleneck? cheroot's pool never grows, so when every worker is busy
// new requests wait in the accepted queue (in-process) or, past that, in the kernel's backlog.
import type { Detector } from '../detector-result.js';
import { evidence, insufficient, issue, none } from '../detector-result.js';
import { formatMs, formatNumber, formatPercent } from '../../format.js';

export const id = 'pool-saturated';

/** Every worker busy in half the samples: a burst finds no free worker half of the time. */
const ALL_BUSY_SHARE_ISSUE = 0.5;
/** One waiting request at p99 means arrivals regularly found the whole pool busy. */
const QUEUE_P99_ISSUE = 1;
/**
 * Connections left in the kernel accept queue: the acceptor itself could not keep up. One or two
 * caught between the handshake and accept() are normal in a burst, even with idle workers.
 */
const LISTEN_QUEUE_ISSUE = 3;
/** An inspect snapshot is one instant, so "all busy now" is weaker than a share over a run. */
const SNAPSHOT_STRENGTH = 0.6;
/**
 * Without the server's own statistics (a plain CherryPy app), Little's law still tells: requests
 * in the server = throughput × mean latency. Half again more than the workers means requests
 * wait for a worker most of the time. Inferred, so never as strong as sampled statistics.
 */
const LITTLE_OVER_POOL_ISSUE = 1.5;
const LITTLE_MAX_STRENGTH = 0.8;

export const detect: Detector = (f) => {
  const s = f.saturation;
  if (s && s.samples > 0 && s.workers > 0) {
    const ev = [
      evidence('all_busy_share', s.all_busy_share, 'share', `all ${s.workers} workers busy ${formatPercent(s.all_busy_share)} of the time (${s.samples} samples; mean busy ${formatNumber(s.busy_mean)})`),
      evidence('queue_p99', s.queue_p99, 'requests', `requests waiting for a worker: p50 ${formatNumber(s.queue_p50)}, p99 ${formatNumber(s.queue_p99)}, max ${formatNumber(s.queue_max)}`),
    ];
    if (s.listen_queue_max !== undefined) {
      ev.push(evidence('listen_queue_max', s.listen_queue_max, 'connections', `kernel accept queue reached ${formatNumber(s.listen_queue_max)}`));
    }
    const busy = s.all_busy_share >= ALL_BUSY_SHARE_ISSUE;
    const queued = s.queue_p99 >= QUEUE_P99_ISSUE;
    const backlog = (s.listen_queue_max ?? 0) >= LISTEN_QUEUE_ISSUE;
    if (!busy && !queued && !backlog) return none(id, ev);
    const strength = Math.max(
      s.all_busy_share,
      queued ? 0.5 + 0.5 * Math.min(1, s.queue_p99 / s.workers) : 0,
      backlog ? 0.6 : 0,
    );
    return issue(id, strength, ev);
  }
  const w = f.worker_threads;
  if (w && w.total > 0) {
    const busyShare = (w.total - w.idle) / w.total;
    const ev = [evidence('busy_workers_share', busyShare, 'share', `${w.total - w.idle} of ${w.total} workers busy at the snapshot (${w.idle} idle)`)];
    return w.idle === 0 ? issue(id, SNAPSHOT_STRENGTH, ev) : none(id, ev);
  }
  const inSystem = requestsInServer(f);
  const pool = f.settings?.thread_pool;
  if (inSystem !== undefined && pool && pool > 0) {
    const ev = [evidence('requests_in_server', inSystem, 'requests',
      `${formatNumber(inSystem)} requests in the server on average (Little: ${formatNumber(f.throughput_rps!)} req/s x ${formatMs(f.latency_ms!.mean)}) for ${pool} workers`)];
    return inSystem >= LITTLE_OVER_POOL_ISSUE * pool ? issue(id, Math.min(LITTLE_MAX_STRENGTH, 0.4 + 0.1 * (inSystem / pool)), ev) : none(id, ev);
  }
  return insufficient(id, ['saturation', 'worker_threads']);
};

/** Little's law over a run's client-side figures; undefined when they are not known. */
export function requestsInServer(f: { source: string; throughput_rps?: number; latency_ms?: { mean: number } }): number | undefined {
  if (f.source !== 'run' || !f.throughput_rps || !f.latency_ms) return undefined;
  return f.throughput_rps * (f.latency_ms.mean / 1000);
}
