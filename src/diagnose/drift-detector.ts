// One shape for the three leak detectors: a resource whose slope's confidence interval excludes
// zero and whose growth is material (the analysis decides `drifting`), and only upward growth.
import type { DriftEstimate } from '../analysis/drift.js';
import type { DetectorResult } from './detector-result.js';
import type { Findings } from './findings.js';
import { MIN_DRIFT_SAMPLES } from '../analysis/drift.js';
import { clamp01, evidence, insufficient, issue, none } from './detector-result.js';
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
  if (metric === 'rss_bytes' && d.drifting && !((f.duration_s ?? 0) >= SHORT_RUN_S)) {
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
    return issue(id, clamp01(0.5 + 0.5 * (d.ci_low / d.slope_per_s)), ev);
  }
  return none(id, ev);
}
