// A measurement's caveat, not a cause: when other processes held the machine's CPU while cpdiag
// measured, the target may not have shown its fault as it would on a machine of its own (a
// GIL-bound server at a tenth of a core looks like no fault at all, or like a full pool), and its
// latency is partly the machine's. In the labelled corpus every miss but one was such a case
// (docs/diagnosis.md, Calibration). Said beside the causes, never ranked among them: it is true of
// the measurement whatever the server's fault is.
import { contendedByOtherProcesses } from '../analysis/machine-contention.js';
import { formatPercent } from '../format.js';
import type { Diagnosis } from './diagnosis.js';
import type { Findings } from './findings.js';

export function machineCaveats(f: Findings): NonNullable<Diagnosis['caveats']> {
  const m = f.machine_cpu;
  if (!m || !contendedByOtherProcesses(m)) return [];
  const during = f.source === 'inspect' ? 'the inspection' : 'the measurement';
  return [{
    signal: 'machine_cpu_other_share',
    text: `other processes held ${formatPercent(m.other_share)} of this machine's CPU during ${during} (all ${m.cpus} CPUs ${formatPercent(m.busy_share)} busy: the target ${formatPercent(m.target_share)}, cpdiag ${formatPercent(m.cpdiag_share)}), so the target waited for a CPU and its fault may not show as it would on a machine of its own — re-run when the machine is quiet, or on a machine of its own, before acting on the causes`,
  }];
}
