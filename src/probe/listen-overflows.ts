// The kernel's count of connections its listen queues could not hold: TcpExt ListenOverflows (the
// accept queue was full when a handshake completed) and ListenDrops (any drop at a listener,
// overflows included), from /proc/PID/net/netstat (the target's network namespace). The counters
// are for the whole namespace: read before and after a run, their difference is what that run's
// bursts (and anything else on the machine) overflowed.
import type { ProcReader } from './proc-reader.js';

export interface ListenOverflowCounters {
  overflows: number;
  drops: number;
}

/** Pure: the counters of one group ("TcpExt") of a /proc/net/netstat text (header line, value line). */
export function parseNetstatGroup(text: string, group: string): Record<string, number> {
  const lines = text.split('\n').filter((l) => l.startsWith(`${group}:`));
  const out: Record<string, number> = {};
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i].split(/\s+/).slice(1);
    const values = lines[i + 1].split(/\s+/).slice(1);
    names.forEach((n, k) => {
      const v = Number(values[k]);
      if (n && Number.isFinite(v)) out[n] = v;
    });
  }
  return out;
}

/** The listen-queue counters now, or undefined when netstat cannot be read. */
export function readListenOverflows(reader: ProcReader, pid: number): ListenOverflowCounters | undefined {
  const text = reader.tryRead(pid, 'net', 'netstat').text ?? reader.tryRead('net', 'netstat').text;
  if (text === undefined) return undefined;
  const c = parseNetstatGroup(text, 'TcpExt');
  if (c.ListenOverflows === undefined) return undefined;
  return { overflows: c.ListenOverflows, drops: c.ListenDrops ?? c.ListenOverflows };
}
