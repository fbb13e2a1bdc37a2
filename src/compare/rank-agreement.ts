// How far two comparisons agree on the order of the models (the bundled server's against the real
// Python servers' in examples/deployment/): per workload, the same best model, and how many pairs
// of models the two put in opposite order (Kendall's discordant pairs: 0 is the same order, 1 is
// "within one swap"). Pure: the summaries are passed in.
import type { ModelSummary } from './compare-document.js';

export interface WorkloadAgreement {
  workload: string;
  /** Models by capacity, best first (no capacity counts as 0), in each comparison. */
  order_a: string[];
  order_b: string[];
  same_best: boolean;
  /** Pairs of models ordered one way in a and the other in b (ties in either count as agreeing). */
  discordant_pairs: number;
  pairs: number;
}

function capacityByModel(summaries: readonly ModelSummary[], workload: string): Map<string, number> {
  return new Map(summaries.filter((s) => s.workload === workload).map((s) => [s.model, s.status === 'ok' ? (s.capacity_rps ?? 0) : 0]));
}

function orderOf(caps: Map<string, number>): string[] {
  return [...caps.entries()].sort((x, y) => y[1] - x[1]).map(([m]) => m);
}

export function compareRankings(a: readonly ModelSummary[], b: readonly ModelSummary[]): WorkloadAgreement[] {
  const workloads = [...new Set(a.map((s) => s.workload))].filter((w) => b.some((s) => s.workload === w));
  return workloads.map((workload) => {
    const ca = capacityByModel(a, workload);
    const cb = capacityByModel(b, workload);
    const models = [...ca.keys()].filter((m) => cb.has(m));
    let discordant = 0;
    let pairs = 0;
    for (let i = 0; i < models.length; i++) {
      for (let j = i + 1; j < models.length; j++) {
        pairs++;
        const da = ca.get(models[i])! - ca.get(models[j])!;
        const db = cb.get(models[i])! - cb.get(models[j])!;
        if (da * db < 0) discordant++;
      }
    }
    const oa = orderOf(new Map(models.map((m) => [m, ca.get(m)!])));
    const ob = orderOf(new Map(models.map((m) => [m, cb.get(m)!])));
    return { workload, order_a: oa, order_b: ob, same_best: oa[0] === ob[0], discordant_pairs: discordant, pairs };
  });
}
