// Whose CPU was it while one piece of work ran? The machine's split (machine-cpu-window.ts) around a
// stretch of work against a target started in its own process group: the target's CPU is its whole
// group's (every process of a pool, every forked child still alive at the end), cpdiag's is this
// process's (the load generator), the rest is other processes. A capacity measured while others
// took a material share of the machine measures them too; the caller decides what is material.
import type { MachineCpuSplit } from './machine-cpu.js';
import { openMachineCpuWindow } from './machine-cpu-window.js';
import { readProcessGroupCpuSeconds } from './process-group-cpu.js';

export interface CpuSplitDuring<T> {
  result: T;
  wallS: number;
  /** The target group's mean CPU over the stretch, in cores (1 = one core busy). */
  targetCores: number;
  /** This process's mean CPU over the stretch, in cores. */
  cpdiagCores: number;
  /** Undefined where /proc/stat cannot be read (not Linux) or no time passed. */
  split?: MachineCpuSplit;
}

export async function measureCpuSplitDuring<T>(targetPgid: number, work: () => Promise<T>): Promise<CpuSplitDuring<T>> {
  const target0 = readProcessGroupCpuSeconds(targetPgid);
  const self0 = process.cpuUsage();
  const machine = openMachineCpuWindow();
  const t0 = performance.now();
  const result = await work();
  const wallS = (performance.now() - t0) / 1000;
  const targetCores = wallS > 0 ? (readProcessGroupCpuSeconds(targetPgid) - target0) / wallS : 0;
  const split = machine.close(targetCores);
  const self = process.cpuUsage(self0);
  const cpdiagCores = wallS > 0 ? (self.user + self.system) / 1e6 / wallS : 0;
  return { result, wallS, targetCores, cpdiagCores, ...(split ? { split } : {}) };
}
