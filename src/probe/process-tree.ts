// Finds a process's descendants from the ppid field of every /proc/PID/stat. The pure part
// (descendantsOf) works on a pid→ppid map; the reader part collects that map.
import { parseProcStat } from './parse-stat.js';
import type { ProcReader } from './proc-reader.js';

export function descendantsOf(ppidByPid: Map<number, number>, root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of ppidByPid) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  const seen = new Set<number>([root]);
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out.sort((a, b) => a - b);
}

export function readPpidMap(reader: ProcReader): Map<number, number> {
  const map = new Map<number, number>();
  for (const pid of reader.pids()) {
    const r = reader.tryRead(pid, 'stat');
    if (r.text === undefined) continue;
    try {
      map.set(pid, parseProcStat(r.text).ppid);
    } catch {
      // a process that vanished mid-read leaves a partial line; skip it
    }
  }
  return map;
}

export function findDescendants(reader: ProcReader, pid: number): number[] {
  return descendantsOf(readPpidMap(reader), pid);
}
