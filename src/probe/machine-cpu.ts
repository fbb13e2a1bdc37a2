// Whose CPU was it? The machine's whole CPU over a stretch of time (from /proc/stat), split into
// the target (its process tree, as the sampler measured it), cpdiag itself (process.cpuUsage: the
// load generator, the sampler, everything in this process) and the rest — other processes, the
// kernel's own threads, a hypervisor's steal. A plateau in a sweep means one thing when the target
// used up its own limit and another when this machine ran out of CPU because something else ran.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMachineCpu, type MachineCpuTimes } from './parse-machine-cpu.js';

/** Shares of the whole machine (1 = every CPU busy for the whole stretch). */
export interface MachineCpuSplit {
  cpus: number;
  /** The machine's busy share: any process, the kernel, steal. */
  busy_share: number;
  target_share: number;
  cpdiag_share: number;
  /** busy − target − cpdiag, at least 0: other processes (and the kernel, and steal). */
  other_share: number;
}

/** The machine's CPU counters now; undefined where /proc/stat cannot be read (not Linux). */
export function readMachineCpu(procRoot = '/proc'): MachineCpuTimes | undefined {
  try {
    return parseMachineCpu(readFileSync(join(procRoot, 'stat'), 'latin1'));
  } catch {
    return undefined;
  }
}

/**
 * The split over the stretch between two readings. `targetCores` is the target tree's mean CPU in
 * cores (1 = one core busy) over the stretch, `cpdiagCpuS` the CPU seconds this process used in it
 * (user + system, from process.cpuUsage), `wallS` the stretch's length. Shares are of the whole
 * machine; the target's and cpdiag's are capped at what the machine was busy, since the three are
 * measured by different clocks. Undefined when no time passed.
 */
export function splitMachineCpu(before: MachineCpuTimes, after: MachineCpuTimes, input: { targetCores: number; cpdiagCpuS: number; wallS: number }): MachineCpuSplit | undefined {
  const total = after.totalTicks - before.totalTicks;
  if (!(total > 0) || !(input.wallS > 0)) return undefined;
  const cpus = after.cpus > 0 ? after.cpus : 1;
  const busy = clamp01((after.busyTicks - before.busyTicks) / total);
  const target = Math.min(busy, clamp01(input.targetCores / cpus));
  const cpdiag = Math.min(busy - target, clamp01(input.cpdiagCpuS / input.wallS / cpus));
  return { cpus, busy_share: busy, target_share: target, cpdiag_share: Math.max(0, cpdiag), other_share: Math.max(0, busy - target - cpdiag) };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
