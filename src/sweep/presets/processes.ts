import { availableParallelism } from 'node:os';
import type { SweepPreset } from './sweep-preset.js';

/**
 * processes: where more processes stop helping on this machine ("Load balancing CherryPy": several
 * processes are "only useful if your machine has several processors"). A process pool of 1..2×
 * the cores, each process with a small thread pool, under a CPU-bound handler behind the GIL, so
 * that only more processes (more GILs, more cores) can add capacity — until the cores run out.
 */
const CORES = availableParallelism();

export const PROCESSES_PRESET: SweepPreset = {
  name: 'processes',
  setting: 'processes',
  values: Array.from({ length: 2 * CORES }, (_, i) => i + 1),
  mixPath: '/work?cpu_ms=5',
  ramp: { mode: 'open', maxRps: 5000, maxLevels: 8, levelS: 1, firstWarmupS: 1, warmupS: 0.2 },
  budgetS: 90,
  fixedLoad: false,
  baseSettings: { model: 'process-pool', thread_pool: 4 },
};
