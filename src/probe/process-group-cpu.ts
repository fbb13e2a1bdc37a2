// CPU time of a whole process group, from /proc: a proxy is a master and its workers (nginx's
// worker processes, Apache's children), started detached so that they share the master's group.
// Read twice around a measurement, the difference is what the proxy spent on it.
import { readdirSync, readFileSync } from 'node:fs';
import { CLOCK_TICKS_PER_S, parseProcStat } from './parse-stat.js';

/** User + system CPU seconds of every live process whose process group is `pgid`. */
export function readProcessGroupCpuSeconds(pgid: number, procRoot = '/proc'): number {
  let ticks = 0;
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`${procRoot}/${entry}/stat`, 'utf8'));
      if (stat.pgrp === pgid) ticks += stat.utimeTicks + stat.stimeTicks;
    } catch {
      // The process exited between the listing and the read: it no longer counts.
    }
  }
  return ticks / CLOCK_TICKS_PER_S;
}
