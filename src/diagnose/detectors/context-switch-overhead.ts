// Does a bigger pool buy only context switches? Past the useful size, more threads contend for
// the CPU (and the GIL): switches per request rise while capacity stays flat or falls.
//
// Judged at the pool the server runs with (the findings' settings: in a sweep, the recommended
// value, whose operating point every other detector reads), not at the largest pool measured: a
// sweep that measured 64, saw it serve less and recommends 24 has already fixed what 64 would
// cost; naming "pool too large" beside that recommendation would blame the user's server for a
// value nobody runs. Without a pool in use among the measured values, the largest is judged.
import type { Detector, Evidence } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp, rampDown } from '../strength.js';
import { formatNumber } from '../../format.js';

export const id = 'context-switch-overhead';

/** Switches per request rising 1.5x is noise-level; 3x is well beyond run-to-run noise. */
const CTX_RISE_FROM = 1.5;
const CTX_RISE_TO = 3;
/** ...while capacity gained at most 10% (nothing) to 40% (something) over the same range. */
const CAPACITY_GAIN_FLAT = 1.1;
const CAPACITY_GAIN_GROWING = 1.4;
/** The judged pool serving 10% to 30% less than the best smaller one: the curve bends back (USL kappa > 0). */
const RETROGRADE_FROM = 0.1;
const RETROGRADE_TO = 0.3;

export const detect: Detector = (f) => {
  const p = f.pool_scaling;
  if (!p || p.values.length < 3) return insufficient(id, ['pool_scaling']);
  const order = p.values.map((_, i) => i).sort((a, b) => p.values[a] - p.values[b]);
  const first = order[0];
  const inUse = f.settings?.thread_pool;
  const inUseIndex = inUse === undefined ? -1 : p.values.indexOf(inUse);
  const last = inUseIndex >= 0 ? inUseIndex : order[order.length - 1];
  const ev: Evidence[] = [];
  // Retrograde means a smaller pool served more than the judged one: the best among pools up to it.
  const best = Math.max(...p.capacity_rps.filter((_, i) => p.values[i] <= p.values[last]));
  const capGain = p.capacity_rps[last] / Math.max(p.capacity_rps[first], 1e-9);
  const retrograde = ramp(1 - p.capacity_rps[last] / Math.max(best, 1e-9), RETROGRADE_FROM, RETROGRADE_TO);
  const judged = inUseIndex >= 0 ? `pool ${p.values[last]} (the pool in use)` : `pool ${p.values[last]}`;
  ev.push(evidence('capacity_at_judged_pool_share', p.capacity_rps[last] / best, 'share',
    `${judged} serves ${formatNumber(p.capacity_rps[last])} rps; best up to it ${formatNumber(best)} rps; pool ${p.values[first]} ${formatNumber(p.capacity_rps[first])} rps`));
  let switching = 0;
  let ctxRise: number | undefined;
  if (p.ctx_per_request && p.ctx_per_request.length === p.values.length && p.ctx_per_request[first] > 0) {
    ctxRise = p.ctx_per_request[last] / p.ctx_per_request[first];
    ev.push(evidence('ctx_per_request_rise', ctxRise, 'ratio',
      `context switches per request ${formatNumber(p.ctx_per_request[first])} at pool ${p.values[first]} to ${formatNumber(p.ctx_per_request[last])} at pool ${p.values[last]} (${formatNumber(ctxRise)}x)`));
    switching = ramp(ctxRise, CTX_RISE_FROM, CTX_RISE_TO) * rampDown(capGain, CAPACITY_GAIN_FLAT, CAPACITY_GAIN_GROWING);
  }
  const strength = Math.max(switching, retrograde);
  if (strength <= 0 && ctxRise === undefined) return insufficient(id, ['pool_scaling.ctx_per_request'], ev);
  return graded(id, strength, ev);
};
