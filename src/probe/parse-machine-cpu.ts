// Parser for the machine-wide CPU counters in /proc/stat (proc(5)): the first line, "cpu", sums
// every CPU's time by kind in clock ticks (USER_HZ); one "cpuN" line per online CPU follows.
// Pure: the text in, the counters out, so that tests feed it captured lines.

/** The machine's cumulative CPU time in clock ticks, split into busy and idle. */
export interface MachineCpuTimes {
  /** user + nice + system + irq + softirq + steal: time some CPU was not available to run anything new. */
  busyTicks: number;
  /** idle + iowait: time a CPU had nothing to run. */
  idleTicks: number;
  totalTicks: number;
  /** CPUs listed (cpu0, cpu1, …). */
  cpus: number;
}

/**
 * Reads the aggregate "cpu" line. Fields: user nice system idle iowait irq softirq steal guest
 * guest_nice; guest and guest_nice are already counted in user and nice, so they are left out.
 * Steal (a hypervisor running someone else) counts as busy: on a VM it is CPU this machine's
 * processes could not have. Older kernels list fewer fields; missing ones count as 0.
 */
export function parseMachineCpu(text: string): MachineCpuTimes {
  const lines = text.split('\n');
  const total = lines.find((l) => /^cpu\s/.test(l));
  if (!total) throw new Error('no "cpu" line in /proc/stat');
  const f = total.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.slice(0, 4).some((x) => !Number.isFinite(x))) throw new Error('truncated "cpu" line in /proc/stat');
  const at = (i: number) => (Number.isFinite(f[i]) ? f[i] : 0);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = [0, 1, 2, 3, 4, 5, 6, 7].map(at);
  const busyTicks = user + nice + system + irq + softirq + steal;
  const idleTicks = idle + iowait;
  return { busyTicks, idleTicks, totalTicks: busyTicks + idleTicks, cpus: lines.filter((l) => /^cpu\d+\s/.test(l)).length };
}
