// Does a bigger pool buy only context switches? Past the useful size, more threads contend for
// the CPU (and the GIL): switches per request rise while capacity stays flat or falls.
import type { Detector, Evidence } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatNumber } from '../../format.js';

export const id = 'context-switch-overhead';

/** Switches per request doubling across the sweep is well beyond run-to-run noise. */
const CTX_RISE_ISSUE = 2;
/** Capacity gain at most 20% over the same range: the extra threads bought nothing. */
const CAPACITY_GAIN_FLAT = 1.2;
/** The largest pool serving 15% less than the best one: the curve bends back (USL kappa > 0). */
const RETROGRADE_SHARE = 0.85;

export const detect: Detector = (f) => {
  const p = f.pool_scaling;
  if (!p || p.values.length < 3) return insufficient(id, ['pool_scaling']);
  const order = p.values.map((_, i) => i).sort((a, b) => p.values[a] - p.values[b]);
  const first = order[0];
  const last = order[order.length - 1];
  const ev: Evidence[] = [];
  const best = Math.max(...p.capacity_rps);
  const capGain = p.capacity_rps[last] / Math.max(p.capacity_rps[first], 1e-9);
  const retrograde = p.capacity_rps[last] < RETROGRADE_SHARE * best;
  ev.push(evidence('capacity_at_largest_pool_share', p.capacity_rps[last] / best, 'share',
    `pool ${p.values[last]} serves ${formatNumber(p.capacity_rps[last])} rps; best ${formatNumber(best)} rps; pool ${p.values[first]} ${formatNumber(p.capacity_rps[first])} rps`));
  let ctxRise: number | undefined;
  if (p.ctx_per_request && p.ctx_per_request.length === p.values.length && p.ctx_per_request[first] > 0) {
    ctxRise = p.ctx_per_request[last] / p.ctx_per_request[first];
    ev.push(evidence('ctx_per_request_rise', ctxRise, 'ratio',
      `context switches per request ${formatNumber(p.ctx_per_request[first])} at pool ${p.values[first]} to ${formatNumber(p.ctx_per_request[last])} at pool ${p.values[last]} (${formatNumber(ctxRise)}x)`));
  }
  const switching = ctxRise !== undefined && ctxRise >= CTX_RISE_ISSUE && capGain <= CAPACITY_GAIN_FLAT;
  if (switching || retrograde) {
    const strength = Math.max(switching ? clamp01(0.4 + (ctxRise! - CTX_RISE_ISSUE) / 4) : 0, retrograde ? clamp01(0.5 + (1 - p.capacity_rps[last] / best)) : 0);
    return issue(id, strength, ev);
  }
  if (ctxRise === undefined) return insufficient(id, ['pool_scaling.ctx_per_request'], ev);
  return none(id, ev);
};
