// Does capacity stay flat while the pool grows (sweep)? Then the pool is not what limits it.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatNumber, formatPercent } from '../../format.js';
import { scalingEfficiency } from '../scaling-efficiency.js';

export const id = 'capacity-flat-across-pool';

/** Less than 15% of linear scaling: measurement noise on a loaded machine is about 10%. */
const FLAT_SCALING_EFFICIENCY = 0.15;
/** A sweep over less than a 4x range of pools cannot tell flat from slow growth. */
const MIN_POOL_RANGE = 4;

export const detect: Detector = (f) => {
  const p = f.pool_scaling;
  if (!p || p.values.length < 3) return insufficient(id, ['pool_scaling']);
  const range = Math.max(...p.values) / Math.min(...p.values);
  const eff = scalingEfficiency(p.values, p.capacity_rps);
  if (eff === undefined || range < MIN_POOL_RANGE) return insufficient(id, ['pool_scaling (a range of at least 4x in pool size)']);
  const ev = [evidence('pool_scaling_efficiency', eff, 'share',
    `pool ${Math.min(...p.values)} to ${Math.max(...p.values)} (${formatNumber(range)}x): capacity ${formatNumber(Math.min(...p.capacity_rps))} to ${formatNumber(Math.max(...p.capacity_rps))} rps, ${formatPercent(Math.max(0, eff))} of linear scaling`)];
  return eff <= FLAT_SCALING_EFFICIENCY ? issue(id, clamp01(1 - eff / FLAT_SCALING_EFFICIENCY / 2), ev) : none(id, ev);
};
