// How far two comparisons agree on the order of the models (the bundled server's against the real
// Python servers' in examples/deployment/): per workload, the same best model, and how many pairs
// of models the two put in opposite order (Kendall's discordant pairs: 0 is the same order, 1 is
// "within one swap"). Pure: the summaries are passed in.
//
// Two capacities within NEAR_BEST_TOLERANCE (5%) of each other are a tie: a sweep calls values that
// close "near the best" and recommends the cheaper, and run to run on this machine one model's
// capacity moves by more than that, so the order of such a pair is the noise's, not the models'.
// `strict_discordant_pairs` counts them anyway, for the record.
import { NEAR_BEST_TOLERANCE } from '../analysis/ramp-rules.js';
import type { ModelSummary } from './compare-document.js';

export interface WorkloadAgreement {
  workload: string;
  /** Models by capacity, best first (no capacity counts as 0), in each comparison. */
  order_a: string[];
  order_b: string[];
  /** a's best is within the tie tolerance of b's best in b, and b's of a's in a. */
  same_best: boolean;
  /** Pairs of models ordered one way in a and the other in b (a tie in either — within 5% — agrees). */
  discordant_pairs: number;
  /** The same with only exactly equal capacities as ties. */
  strict_discordant_pairs: number;
  pairs: number;
}

function capacityByModel(summaries: readonly ModelSummary[], workload: string): Map<string, number> {
  return new Map(summaries.filter((s) => s.workload === workload).map((s) => [s.model, s.status === 'ok' ? (s.capacity_rps ?? 0) : 0]));
}

function orderOf(caps: Map<string, number>): string[] {
  return [...caps.entries()].sort((x, y) => y[1] - x[1]).map(([m]) => m);
}

/** Two capacities within NEAR_BEST_TOLERANCE of the larger: no order between them. */
function tied(x: number, y: number): boolean {
  return Math.abs(x - y) <= NEAR_BEST_TOLERANCE * Math.max(x, y);
}

/** `models`: compare only these (e.g. the five deployment models without the balanced rows). */
export function compareRankings(a: readonly ModelSummary[], b: readonly ModelSummary[], opts: { models?: readonly string[] } = {}): WorkloadAgreement[] {
  const workloads = [...new Set(a.map((s) => s.workload))].filter((w) => b.some((s) => s.workload === w));
  return workloads.map((workload) => {
    const ca = capacityByModel(a, workload);
    const cb = capacityByModel(b, workload);
    const models = [...ca.keys()].filter((m) => cb.has(m) && (!opts.models || opts.models.includes(m)));
    let discordant = 0;
    let strict = 0;
    let pairs = 0;
    for (let i = 0; i < models.length; i++) {
      for (let j = i + 1; j < models.length; j++) {
        pairs++;
        const [ai, aj, bi, bj] = [ca.get(models[i])!, ca.get(models[j])!, cb.get(models[i])!, cb.get(models[j])!];
        if ((ai - aj) * (bi - bj) >= 0) continue;
        strict++;
        if (!tied(ai, aj) && !tied(bi, bj)) discordant++;
      }
    }
    const oa = orderOf(new Map(models.map((m) => [m, ca.get(m)!])));
    const ob = orderOf(new Map(models.map((m) => [m, cb.get(m)!])));
    const sameBest = oa.length > 0 && tied(cb.get(oa[0])!, cb.get(ob[0])!) && tied(ca.get(ob[0])!, ca.get(oa[0])!);
    return { workload, order_a: oa, order_b: ob, same_best: sameBest, discordant_pairs: discordant, strict_discordant_pairs: strict, pairs };
  });
}
