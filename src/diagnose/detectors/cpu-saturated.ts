// Is the machine out of CPU? Then more workers cannot help, whatever the queue says.
import type { Detector } from '../detector-result.js';
import { clamp01, evidence, insufficient, issue, none } from '../detector-result.js';
import { formatPercent } from '../../format.js';

export const id = 'cpu-saturated';

/** Above 85% of all cores, scheduling delay grows quickly and there is no room for more work. */
const CPU_SHARE_ISSUE = 0.85;

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (f.cpu_percent_mean === undefined) missing.push('cpu_percent_mean');
  if (!f.cores) missing.push('cores');
  if (missing.length) return insufficient(id, missing);
  const cpu = f.cpu_percent_mean!;
  const cores = f.cores!;
  const share = cpu / (cores * 100);
  const ev = [evidence('cpu_share_of_machine', share, 'share', `CPU ${formatPercent(cpu / 100)} of one core = ${formatPercent(share)} of ${cores} cores`)];
  return share >= CPU_SHARE_ISSUE ? issue(id, clamp01((share - 0.5) / 0.5), ev) : none(id, ev);
};
