// What probes of a process tree say about its processes and threads, for the diagnosis: the
// process tree's extremes (fork per request shows as processes created per second, thread per
// request as a thread count that follows the load) and the requests each process of a pool
// served over the window (from the server's per-process counters). Runs and sweeps both use it.
import type { Findings } from '../diagnose/findings.js';
import type { ProbeSample } from '../probe/probe-sample.js';

export function processTreeFindings(probes: readonly ProbeSample[]): Pick<Findings, 'process_tree' | 'requests_per_process'> {
  const out: Pick<Findings, 'process_tree' | 'requests_per_process'> = {};
  const withTree = probes.filter((p) => p.processes !== undefined);
  if (withTree.length > 0) {
    out.process_tree = {
      processes_max: Math.max(...withTree.map((p) => p.processes!)),
      created_per_s_max: Math.max(0, ...withTree.map((p) => p.processes_created_per_s ?? 0)),
      threads_min: Math.min(...probes.map((p) => p.threads)),
      threads_max: Math.max(...probes.map((p) => p.threads)),
    };
  }
  const counted = probes.filter((p) => p.server?.requests_by_process && p.server.requests_by_process.length > 1);
  if (counted.length > 0) {
    const last = counted[counted.length - 1].server!.requests_by_process!;
    const first = counted.length > 1 ? counted[0].server!.requests_by_process! : undefined;
    // Over the window when it has two samples of the same pool, else since the processes started.
    out.requests_per_process = first && first.length === last.length ? last.map((n, i) => Math.max(0, n - first[i])) : [...last];
  }
  return out;
}
