// Turns an inspection into the Findings the diagnosis reasons over (source 'inspect').
import { summarizeSaturation } from '../analysis/saturation.js';
import type { Findings } from '../diagnose/findings.js';
import type { RunEvent } from '../events.js';
import type { InspectSample } from './inspect-sample.js';
import type { InspectReport } from './inspect-report.js';

export function buildInspectFindings(report: InspectReport, samples: InspectSample[]): Findings {
  const f: Findings = {
    source: 'inspect',
    duration_s: report.window.duration_s,
    cores: report.environment.cores,
    threads: report.threads.total,
    threads_by_activity: Object.fromEntries(
      Object.entries(report.threads.activity_mean).map(([k, v]) => [k, Math.round(v)]),
    ),
    drift: report.drift,
  };
  if (report.fds.count !== null) f.fds = { count: report.fds.count, limit: report.fds.limit ?? 0, close_wait: report.sockets.close_wait };
  if (report.memory.cpu_percent !== null) f.cpu_percent_mean = report.memory.cpu_percent;
  if (report.memory.ctx_voluntary_per_s !== null) f.ctx_voluntary_per_s = report.memory.ctx_voluntary_per_s;
  if (report.memory.ctx_involuntary_per_s !== null) f.ctx_involuntary_per_s = report.memory.ctx_involuntary_per_s;
  const w = report.threads.workers;
  if (w && w.total > 0) {
    f.worker_threads = { total: w.total, blocked_io: w.blocked_io, waiting_lock: w.waiting_lock, running: w.running, idle: w.idle };
    f.settings = { thread_pool: w.total };
  }
  // The server's own view of its pool (queue included) makes a saturation summary over the window.
  const pool = samples.filter((s) => s.server).map((s) => ({
    busy: s.server!.busy,
    queue: s.server!.queue,
    threads: s.server!.threads,
    listen_queue: s.process.sockets.listen.reduce((a, l) => a + l.acceptQueue, 0),
  }));
  const poolSize = samples.find((s) => s.server)?.server?.threads ?? 0;
  // The size is the server's own report (foreign data): only a whole number of workers is summarised.
  if (pool.length > 0 && Number.isInteger(poolSize) && poolSize > 0) {
    f.saturation = summarizeSaturation(pool, poolSize);
    f.settings = { thread_pool: poolSize };
    if (report.server?.requests_per_s != null) {
      f.throughput_rps = report.server.requests_per_s;
      f.requests = Math.round(report.server.requests_per_s * report.window.duration_s);
    }
  }
  if (report.window.exited) {
    const ev: RunEvent = { t_s: report.window.exited_at_s ?? report.window.duration_s, kind: 'target_exited', message: 'the process exited during the inspection' };
    f.events = [ev];
  }
  return f;
}
