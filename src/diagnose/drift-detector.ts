// One shape for the three leak detectors: a resource whose slope's confidence interval excludes
// zero and whose growth is material (the analysis decides `drifting`), and only upward growth.
import type { DriftEstimate } from '../analysis/drift.js';
import type { DetectorResult } from './detector-result.js';
import type { Findings } from './findings.js';
import { MIN_DRIFT_SAMPLES } from '../analysis/drift.js';
import { clamp01, evidence, graded, insufficient, none } from './detector-result.js';
import { ramp } from './strength.js';
import { formatBytes, formatNumber, formatPercent, formatSeconds } from '../format.js';

const LABELS: Record<DriftEstimate['metric'], { name: string; unit: string; scale: (v: number) => string }> = {
  rss_bytes: { name: 'RSS', unit: 'bytes', scale: formatBytes },
  fds: { name: 'open fds', unit: 'fds', scale: (v) => formatNumber(v) },
  threads: { name: 'threads', unit: 'threads', scale: (v) => formatNumber(v) },
};

/**
 * In a run shorter than a minute, a heap still warming up (JIT, allocator arenas, caches filling)
 * grows by 5-10% of its RSS and looks like a trend; there only growth beyond a fifth of the RSS
 * counts as a leak. Measured: the bundled server grows 6 MiB of 110 MiB in a 4 s run, healthy.
 */
const SHORT_RUN_S = 60;
const SHORT_RUN_RSS_GROWTH_SHARE = 0.2;
/**
 * A trend seen over a few seconds (an inspection's default window is 3 s) is the least a window
 * can show: a burst can look like one. Below 30 s the strength is discounted, down to 60% at 3 s,
 * and the evidence says so.
 */
const SHORT_WINDOW_FROM_S = 3;
const SHORT_WINDOW_TO_S = 30;
const SHORT_WINDOW_MIN_FACTOR = 0.6;
/**
 * Growth of at least a twentieth of a unit (an fd, a thread; 4 KiB of RSS counts in bytes, so only
 * fds and threads use it) per request served: the resource follows the requests.
 */
const PER_REQUEST_LEAK = 0.05;

export function detectDrift(f: Findings, metric: DriftEstimate['metric'], id: string): DetectorResult {
  const d = f.drift?.[metric];
  if (!d) return insufficient(id, [`drift.${metric}`]);
  if (d.samples < MIN_DRIFT_SAMPLES) return insufficient(id, [`drift.${metric} (at least ${MIN_DRIFT_SAMPLES} samples, got ${d.samples})`]);
  const l = LABELS[metric];
  const perReq = d.per_request !== undefined ? `, ${l.scale(d.per_request)} per request` : '';
  const ci = Number.isFinite(d.ci_low) && Number.isFinite(d.ci_high) ? `, 95% CI ${l.scale(d.ci_low)} to ${l.scale(d.ci_high)}/s` : '';
  const why = d.reason ? `: ${d.reason}` : '';
  const ev = [evidence(`${metric}_slope_per_s`, d.slope_per_s, `${l.unit}/s`,
    `${l.name} ${d.growth >= 0 ? 'grew' : 'changed'} ${l.scale(d.growth)} over the run (${l.scale(d.slope_per_s)}/s${ci}, ${d.samples} samples${perReq})${d.drifting ? '' : why}`)];
  // Warm-up belongs to a young process: a run's target started with the run; an inspected process
  // may have been up for hours, and then its growth over a short window is not warm-up.
  const ageS = f.process_uptime_s ?? f.duration_s ?? 0;
  if (metric === 'rss_bytes' && d.drifting && !(ageS >= SHORT_RUN_S)) {
    if (f.rss_bytes === undefined) {
      return insufficient(id, [`rss_bytes (to tell growth in a window under ${SHORT_RUN_S} s from warm-up)`], ev);
    }
    const share = d.growth / Math.max(1, f.rss_bytes - d.growth);
    if (share < SHORT_RUN_RSS_GROWTH_SHARE) {
      ev.push(evidence('rss_growth_share', share, 'share', `growth is ${formatPercent(share)} of the RSS in a run of ${formatSeconds(f.duration_s ?? 0)}: within warm-up, not a leak (needs ${formatPercent(SHORT_RUN_RSS_GROWTH_SHARE)} under ${SHORT_RUN_S} s)`));
      return none(id, ev);
    }
  }
  if (d.drifting && d.slope_per_s > 0 && d.ci_low > 0) {
    // The tighter the interval around the slope, the surer the trend.
    let strength = clamp01(0.5 + 0.5 * (d.ci_low / d.slope_per_s));
    const windowS = f.duration_s;
    // Growth that tracks the requests (a share of a unit per request) is a leak per request, not a burst.
    const perRequest = d.per_request !== undefined && d.per_request >= PER_REQUEST_LEAK;
    if (windowS !== undefined && windowS < SHORT_WINDOW_TO_S && !perRequest) {
      strength *= SHORT_WINDOW_MIN_FACTOR + (1 - SHORT_WINDOW_MIN_FACTOR) * ramp(windowS, SHORT_WINDOW_FROM_S, SHORT_WINDOW_TO_S);
      ev.push(evidence('window_s', windowS, 's', `seen over a window of only ${formatSeconds(windowS)}: the least evidence of a trend (a burst can look like one); a longer window (inspect --duration 30s, or a soak run) confirms it`));
    }
    return graded(id, strength, ev);
  }
  return none(id, ev);
}
