// The children of an inspected master (a process pool, a forking server): each child's pid and
// threads, and whether it was busy — it used CPU during the window, or a thread of it is running
// or in uninterruptible sleep now. A child born during the window counts as busy (it was forked
// to serve something).
import { parseProcStat, type ProcStat } from '../probe/parse-stat.js';
import { findDescendants } from '../probe/process-tree.js';
import type { ProcReader } from '../probe/proc-reader.js';

export interface ChildProcessInfo {
  pid: number;
  name: string;
  threads: number;
  cpu_ticks: number;
  busy: boolean;
}

function readStat(reader: ProcReader, pid: number): ProcStat | undefined {
  const text = reader.tryRead(pid, 'stat').text;
  if (text === undefined) return undefined;
  try {
    return parseProcStat(text);
  } catch {
    return undefined;
  }
}

/** CPU ticks of each descendant now: call before the window, pass the result to readChildren after it. */
export function readChildTicks(reader: ProcReader, pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const child of findDescendants(reader, pid)) {
    const st = readStat(reader, child);
    if (st) out.set(child, st.utimeTicks + st.stimeTicks);
  }
  return out;
}

export function readChildren(reader: ProcReader, pid: number, ticksBefore: Map<number, number>): ChildProcessInfo[] {
  const out: ChildProcessInfo[] = [];
  for (const child of findDescendants(reader, pid)) {
    const st = readStat(reader, child);
    if (!st || st.state === 'Z') continue;
    const ticks = st.utimeTicks + st.stimeTicks;
    const before = ticksBefore.get(child);
    out.push({
      pid: child,
      name: st.comm,
      threads: st.numThreads,
      cpu_ticks: ticks,
      busy: before === undefined || ticks > before || st.state === 'R' || st.state === 'D',
    });
  }
  return out;
}
