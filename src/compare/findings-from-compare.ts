// A model comparison reduced to the facts the detectors reason over: how capacity reacted to
// processes at the handler that computes (the thread pool is one process, the process pool N: the
// "GIL-bound: run processes, not threads" evidence), and the process pool's own step (its processes,
// and how evenly they served). The per-request models' growth is the comparison's table, not a
// diagnosis of the user's server: they are there to be compared, not run.
import type { Findings } from '../diagnose/findings.js';
import { processTreeFindings } from '../run/process-tree-findings.js';
import type { CompareDocument } from './compare-document.js';

/** The workload whose scaling says most about the GIL: the CPU-bound one, else the mix, else the first. */
function gilWorkload(doc: CompareDocument): string | undefined {
  for (const kind of ['cpu', 'mix', 'custom', 'io'] as const) {
    const w = doc.workloads.find((x) => x.kind === kind);
    if (w && doc.summaries.some((s) => s.workload === w.name)) return w.name;
  }
  return undefined;
}

export function findingsFromCompare(doc: CompareDocument): Findings {
  const f: Findings = { source: 'sweep', cores: doc.environment.cores };
  const workload = gilWorkload(doc);
  if (workload === undefined) return f;
  const of = (model: string) => doc.summaries.find((s) => s.workload === workload && s.model === model && s.status === 'ok');
  const threads = of('thread-pool');
  const processes = of('process-pool');
  const poolStep = doc.steps.find((s) => s.workload === workload && s.settings.model === 'process-pool' && s.status === 'ok');
  // The ceilings, not the capacities at the SLO: on a ×4 ladder both models often pass the SLO
  // between the same two levels, so their capacities are the lower level's (set by the connections,
  // not the model), while the highest throughput is what the GILs allowed.
  if (threads && processes && threads.max_throughput_rps > 0 && processes.max_throughput_rps > 0 && poolStep) {
    f.process_scaling = { values: [1, poolStep.settings.processes], capacity_rps: [threads.max_throughput_rps, processes.max_throughput_rps] };
  }
  if (poolStep) {
    f.settings = poolStep.settings;
    const { requests_per_process } = processTreeFindings(poolStep.probes);
    if (requests_per_process) f.requests_per_process = requests_per_process;
  }
  return f;
}
