// Does capacity stay flat while the pool grows (sweep)? Then the pool is not what limits it.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { rampDown } from '../strength.js';
import { formatNumber } from '../../format.js';
import { capacityGrowth } from '../scaling-efficiency.js';

export const id = 'capacity-flat-across-pool';

/**
 * Capacity growth (best over the smallest pool's): up to 10% is measurement noise on a loaded
 * machine (flat); 60% and more is a pool that mattered somewhere in the range (not flat).
 */
const FLAT_GROWTH = 1.1;
const GROWING_GROWTH = 1.6;
/** A sweep over less than a 4x range of pools cannot tell flat from slow growth. */
const MIN_POOL_RANGE = 4;

export const detect: Detector = (f) => {
  const p = f.pool_scaling;
  if (!p || p.values.length < 3) return insufficient(id, ['pool_scaling']);
  const range = Math.max(...p.values) / Math.min(...p.values);
  const growth = capacityGrowth(p.values, p.capacity_rps);
  if (growth === undefined || range < MIN_POOL_RANGE) return insufficient(id, ['pool_scaling (a range of at least 4x in pool size)']);
  const ev = [evidence('pool_capacity_growth', growth, 'ratio',
    `pool ${Math.min(...p.values)} to ${Math.max(...p.values)} (${formatNumber(range)}x): capacity ${formatNumber(Math.min(...p.capacity_rps))} to ${formatNumber(Math.max(...p.capacity_rps))} rps, ${formatNumber(growth)}x the smallest pool's`)];
  return graded(id, rampDown(growth, FLAT_GROWTH, GROWING_GROWTH), ev);
};
