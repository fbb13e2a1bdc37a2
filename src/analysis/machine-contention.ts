// Did the target have the machine's CPU? On a machine whose CPUs are all busy, every runnable
// thread waits for one; when much of that busy time is other processes', the target got less CPU
// than it would on a machine of its own, and what it measured (a plateau in a sweep, a fault's
// signs in a run or an inspection) is partly the machine's. Pure: the shares come in (a split from
// probe/machine-cpu.ts).

/**
 * The machine's CPU counts as used up at 85% of all its CPUs busy over a stretch: averaged over a
 * second of bursty load, that leaves the run queue rarely empty, so the target waits for a CPU
 * (measured here: with other processes taking 25–60% of the machine, plateau levels read 77–95%).
 */
export const MACHINE_CPU_SATURATED_SHARE = 0.85;
/**
 * Other processes held the target back when they used a quarter of the machine or more while it
 * was used up (on two cores, half a core: a GIL-bound server then gets well under its one core).
 */
export const OTHER_PROCESSES_CONTEND_SHARE = 0.25;

export interface MachineShares {
  busy_share: number;
  target_share: number;
  cpdiag_share: number;
  other_share: number;
}

/** Whether the machine's CPU was used up with other processes holding a material part of it. */
export function contendedByOtherProcesses(m: MachineShares): boolean {
  return m.busy_share >= MACHINE_CPU_SATURATED_SHARE && m.other_share >= OTHER_PROCESSES_CONTEND_SHARE;
}
