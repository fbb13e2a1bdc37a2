// Is Python's GIL the ceiling? CPU work in handlers runs one thread at a time, so a CPU-heavy
// process sits at about one core while other cores idle, and adding workers adds no capacity.
import type { Detector, Evidence } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatMs, formatPercent } from '../../format.js';
import { scalingEfficiency } from '../scaling-efficiency.js';

export const id = 'gil-bound';

/**
 * "About one core": the GIL lets one thread run Python at a time; some C code runs beside it, and
 * the hand-over every switch interval leaves gaps (the bundled server's GIL measures 75-85%).
 */
const ONE_CORE_LOW_PERCENT = 70;
/**
 * Half a core to "one core" with every worker busy is ambiguous from one run: on a shared machine
 * a GIL-bound process gets only part of a core (measured here: 57-67% for the GIL fault while other
 * load ran), but an I/O-bound pool's own per-request overhead also reaches it (54% for 430 req/s
 * through nginx). Only how capacity reacts to the pool size tells them apart, so without a sweep
 * the detector says so instead of guessing.
 */
const AMBIGUOUS_LOW_PERCENT = 50;
const ONE_CORE_STRENGTH = 0.7;
/** A flat sweep settles the ambiguous band in favour of the GIL. */
const AMBIGUOUS_FLAT_STRENGTH = 0.6;
const ONE_CORE_HIGH_PERCENT = 120;
/** When half of a request's service time is CPU, the GIL serialises half of all work. */
const CPU_SHARE_OF_SERVICE_ISSUE = 0.5;
/** Busy enough that a one-core ceiling is a ceiling, not just the current load. */
const BUSY_SHARE_LOADED = 0.5;
/** Capacity grew less than this share of linear scaling across the pool sizes tried. */
const FLAT_SCALING_EFFICIENCY = 0.15;

export const detect: Detector = (f) => {
  const ev: Evidence[] = [];
  let available = 0;
  let strength = 0;
  let positive = false;
  let ambiguous = false;

  // The GIL is a ceiling only when the load reaches it: with workers free, it costs nothing. A
  // sweep whose capacity stayed flat across pool sizes drove every size to that ceiling.
  const p = f.pool_scaling;
  const eff = p && p.values.length >= 2 ? scalingEfficiency(p.values, p.capacity_rps) : undefined;
  const flat = eff !== undefined && eff <= FLAT_SCALING_EFFICIENCY;
  const s = f.saturation;
  const loaded = !s || s.all_busy_share >= BUSY_SHARE_LOADED || s.queue_p99 >= 1 || flat;
  if (f.cpu_percent_mean !== undefined && f.cores !== undefined && f.cores >= 2) {
    available++;
    const cpu = f.cpu_percent_mean;
    const pinned = cpu >= ONE_CORE_LOW_PERCENT && cpu <= ONE_CORE_HIGH_PERCENT;
    const saturated = !!s && s.all_busy_share >= BUSY_SHARE_LOADED;
    ambiguous = !(pinned && loaded) && saturated && cpu >= AMBIGUOUS_LOW_PERCENT && cpu <= ONE_CORE_HIGH_PERCENT;
    const note = pinned && loaded ? ' (pinned at one core under load)' : ambiguous ? ' with every worker busy: the GIL, or per-request overhead?' : '';
    ev.push(evidence('cpu_percent_mean', cpu, '% of one core', `CPU ${formatPercent(cpu / 100)} of one core while ${f.cores} cores exist${note}`));
    if (pinned && loaded) {
      positive = true;
      strength = Math.max(strength, ONE_CORE_STRENGTH);
    }
  }
  if (f.cpu_time_per_request_ms !== undefined && f.service_time_ms !== undefined && f.service_time_ms > 0) {
    available++;
    const share = f.cpu_time_per_request_ms / f.service_time_ms;
    ev.push(evidence('cpu_share_of_service_time', share, 'share', `CPU ${formatMs(f.cpu_time_per_request_ms)} of a ${formatMs(f.service_time_ms)} service time (${formatPercent(share)})`));
    if (share >= CPU_SHARE_OF_SERVICE_ISSUE && loaded) {
      positive = true;
      strength = Math.max(strength, clamp01(share));
    }
  }
  if (available === 0) return insufficient(id, ['cpu_percent_mean', 'cores', 'cpu_time_per_request_ms', 'service_time_ms']);

  if (eff !== undefined) {
    ev.push(evidence('pool_scaling_efficiency', eff, 'share', `capacity gained ${formatPercent(Math.max(0, eff))} of linear scaling from pool ${Math.min(...p!.values)} to ${Math.max(...p!.values)}`));
    if (positive && flat) strength += 0.3;
    if (!positive && ambiguous && flat) {
      positive = true;
      strength = AMBIGUOUS_FLAT_STRENGTH;
    }
  }
  if (!positive && ambiguous && eff === undefined) {
    return insufficient(id, ['pool_scaling (CPU near a core with a full pool: the GIL or per-request overhead; a pool sweep tells)'], ev);
  }
  return positive ? issue(id, strength, ev) : none(id, ev);
};
