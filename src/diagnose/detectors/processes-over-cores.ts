// More server processes than cores: each one past the cores only shares a core with another, adds
// its memory, and (behind a shared socket) makes the load less even ("Load balancing CherryPy":
// several processes are "only useful if your machine has several processors"). A processes sweep
// that kept growing past the cores (I/O waits the processes overlap) argues against it.
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient, none } from '../detector-result.js';
import { ramp, rampDown } from '../strength.js';
import { formatNumber } from '../../format.js';

export const id = 'processes-over-cores';

/** Processes per core: at the cores nothing is wrong; twice the cores is surely too many for CPU work. */
const PER_CORE_FROM = 1;
const PER_CORE_TO = 2;
/** Capacity past the cores: ≤ 1.05× confirms the excess is useless; 1.3× and more says the processes overlap waits. */
const BEYOND_FLAT = 1.05;
const BEYOND_GROWING = 1.3;

export const detect: Detector = (f) => {
  if (f.settings?.model === undefined || f.cores === undefined) return insufficient(id, ['settings.model', 'cores']);
  if (f.settings.model !== 'process-pool') return none(id, [evidence('processes', 1, 'processes', `model ${f.settings.model}: one serving process per request stream, not a pool of processes`)]);
  const processes = f.settings.processes;
  if (processes === undefined) return insufficient(id, ['settings.processes']);
  const cores = f.cores;
  const ev = [evidence('processes_per_core', processes / cores, 'ratio', `${processes} processes on ${cores} cores`)];
  let strength = ramp(processes / cores, PER_CORE_FROM, PER_CORE_TO);
  const p = f.process_scaling;
  if (p && p.values.some((v) => v > cores) && p.values.includes(cores)) {
    const atCores = p.capacity_rps[p.values.indexOf(cores)];
    const beyond = Math.max(...p.values.filter((v) => v > cores).map((v) => p.capacity_rps[p.values.indexOf(v)]));
    if (atCores > 0) {
      const growth = beyond / atCores;
      ev.push(evidence('capacity_beyond_cores', growth, 'ratio', `capacity past ${cores} processes: ${formatNumber(growth)}× the capacity at ${cores}`));
      strength *= rampDown(growth, BEYOND_FLAT, BEYOND_GROWING);
    }
  }
  return graded(id, strength, ev);
};
