// The machine's CPU over one stretch of a measurement (a sweep's level, a run's phase, an
// inspection's window), split into the target, cpdiag and everything else (machine-cpu.ts). Opened
// before the stretch and closed after it with the target's mean CPU over it, which the caller's
// samples measured; the split comes back rounded for storing, or undefined where /proc/stat cannot be
// read or no time passed.
import { roundTo } from '../numbers.js';
import { readMachineCpu, splitMachineCpu, type MachineCpuSplit } from './machine-cpu.js';

export interface MachineCpuWindow {
  /** `targetCores`: the target tree's mean CPU over the stretch, in cores (1 = one core busy). */
  close(targetCores: number): MachineCpuSplit | undefined;
}

export function openMachineCpuWindow(procRoot = '/proc'): MachineCpuWindow {
  const before = readMachineCpu(procRoot);
  const selfBefore = process.cpuUsage();
  const wallBefore = performance.now();
  return {
    close(targetCores) {
      const after = readMachineCpu(procRoot);
      const self = process.cpuUsage(selfBefore);
      const wallS = (performance.now() - wallBefore) / 1000;
      if (!before || !after || !Number.isFinite(targetCores)) return undefined;
      const split = splitMachineCpu(before, after, { targetCores, cpdiagCpuS: (self.user + self.system) / 1e6, wallS });
      if (!split) return undefined;
      return { cpus: split.cpus, busy_share: roundTo(split.busy_share), target_share: roundTo(split.target_share), cpdiag_share: roundTo(split.cpdiag_share), other_share: roundTo(split.other_share) };
    },
  };
}

/** The mean CPU of a list of samples in cores (their cpu_percent is of one core), or NaN for none. */
export function meanCores(samples: readonly { cpu_percent: number }[]): number {
  return samples.length === 0 ? NaN : samples.reduce((a, p) => a + p.cpu_percent, 0) / samples.length / 100;
}
