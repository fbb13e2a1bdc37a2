// Do more processes add capacity where more threads do not? The proof that the GIL, not the
// handler's waits, is the ceiling ("Deploying CherryPy: deployment models"; separate processes
// have separate GILs): capacity with as many processes as cores against one process, from a
// processes sweep or a model comparison (its thread pool is one process, its process pool N).
import type { Detector } from '../detector-result.js';
import { evidence, graded, insufficient } from '../detector-result.js';
import { ramp } from '../strength.js';
import { formatNumber, formatRate } from '../../format.js';

export const id = 'processes-add-capacity';

/**
 * Capacity with the cores' worth of processes over one process: 1.15× is noise on a shared
 * machine; 1.6× (of the 2× two cores allow) is separate GILs at work.
 */
const GROWTH_FROM = 1.15;
const GROWTH_TO = 1.6;

export const detect: Detector = (f) => {
  const p = f.process_scaling;
  if (!p || p.values.length < 2 || f.cores === undefined) return insufficient(id, ['process_scaling (cpdiag sweep processes, or cpdiag compare models)', 'cores']);
  const at = (value: number) => p.capacity_rps[p.values.indexOf(value)];
  const one = Math.min(...p.values);
  // Up to the cores: beyond them, more processes share cores and are judged by processes-over-cores.
  const within = p.values.filter((v) => v <= Math.max(f.cores!, one));
  const top = Math.max(...within);
  const base = at(one);
  if (!(base > 0) || top === one) return insufficient(id, ['capacity at one process and at several up to the cores'], []);
  const growth = at(top) / base;
  const ev = [evidence('process_capacity_growth', growth, 'ratio', `capacity ${formatRate(base)} req/s with ${one} process${one === 1 ? '' : 'es'}, ${formatRate(at(top))} req/s with ${top} (${formatNumber(growth)}×, ${f.cores} cores)`)];
  return graded(id, ramp(growth, GROWTH_FROM, GROWTH_TO), ev);
};
