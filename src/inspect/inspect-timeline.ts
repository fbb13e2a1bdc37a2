// The inspection window sample by sample, for the HTML report's timeline (threads by activity,
// workers busy, queues, RSS, fds, CPU over time). Kept compact: counts only, one entry per sample.
import { roundTo } from '../numbers.js';
import { CLOCK_TICKS_PER_S } from '../probe/parse-stat.js';
import type { InspectSample } from './inspect-sample.js';
import { activityKey } from '../probe/thread-activity.js';
import type { WorkerCounts } from '../probe/worker-threads.js';

export interface InspectTimelinePoint {
  /** Seconds since the inspection started. */
  t_s: number;
  threads: number;
  /** Threads per coarse activity key (as threads.activity_mean): `blocked:recvfrom`, `futex`, `running`, … */
  by_activity: Record<string, number>;
  /** Recognised worker threads not idle; null when no pool was recognised. */
  workers_busy: number | null;
  rss_bytes: number;
  /** null when the fd directory could not be read. */
  fds: number | null;
  /** CPU since the previous sample, percent of one core; null for the first sample. */
  cpu_percent: number | null;
  /** Sum of the listening sockets' accept queues. */
  accept_queue: number;
  /** The server's own view (--stats), when it answered for this sample. */
  server_busy?: number;
  server_queue?: number;
}

/** `workerCounts[i]` belongs to `samples[i]` (absent when no pool was recognised). */
export function buildInspectTimeline(samples: InspectSample[], workerCounts?: WorkerCounts[]): InspectTimelinePoint[] {
  return samples.map((s, i) => {
    const byActivity: Record<string, number> = {};
    for (const t of s.threads) {
      const k = activityKey(t.activity);
      byActivity[k] = (byActivity[k] ?? 0) + 1;
    }
    const prev = i > 0 ? samples[i - 1] : undefined;
    const ticks = (x: InspectSample) => x.process.stat.utimeTicks + x.process.stat.stimeTicks;
    const dtS = prev ? s.t_s - prev.t_s : 0;
    const w = workerCounts?.[i];
    return {
      t_s: roundTo(s.t_s),
      threads: s.threads.length,
      by_activity: byActivity,
      workers_busy: w && w.total > 0 ? w.total - w.idle : null,
      rss_bytes: s.process.status.vmRssBytes,
      fds: s.process.fdsReadable ? s.process.fds : null,
      cpu_percent: prev && dtS > 0 ? roundTo(((ticks(s) - ticks(prev)) / CLOCK_TICKS_PER_S / dtS) * 100, 1) : null,
      accept_queue: s.process.sockets.listen.reduce((a, l) => a + l.acceptQueue, 0),
      ...(s.server ? { server_busy: s.server.busy, server_queue: s.server.queue } : {}),
    };
  });
}
