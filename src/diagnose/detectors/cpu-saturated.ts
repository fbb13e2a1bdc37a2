// Is the machine out of CPU? Then more workers cannot help, whatever the queue says.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';
import { formatPercent } from '../../format.js';

export const id = 'cpu-saturated';

/** From 70% of all cores scheduling delay starts to grow; by 95% there is no room for more work. */
const CPU_SHARE_FROM = 0.7;
const CPU_SHARE_TO = 0.95;

export const detect: Detector = (f) => {
  const missing: string[] = [];
  if (f.cpu_percent_mean === undefined) missing.push('cpu_percent_mean');
  if (!f.cores) missing.push('cores');
  if (missing.length) return insufficient(id, missing);
  const cpu = f.cpu_percent_mean!;
  const cores = f.cores!;
  const share = cpu / (cores * 100);
  const ev = [evidence('cpu_share_of_machine', share, 'share', `CPU ${formatPercent(cpu / 100)} of one core = ${formatPercent(share)} of ${cores} cores`)];
  return graded(id, ramp(share, CPU_SHARE_FROM, CPU_SHARE_TO), ev);
};
