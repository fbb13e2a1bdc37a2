// Where a snapshot gets the TCP tables. Reading /proc/net/tcp makes the kernel format every TCP
// socket of the network namespace: about 3 µs per row, so a machine with 2,000 TIME_WAIT rows
// left by load tests costs ~7 ms of kernel CPU per read — more than all of a process's other
// /proc files together. Continuous samplers (startSampler, inspect --watch) therefore ration it:
// a fresh read only when the time since the last one is at least its cost divided by
// TCP_READ_CPU_SHARE, so the table never takes more than that share of one core. In between, the
// process's current socket inodes are matched against the last table read.
import type { ProcReader } from './proc-reader.js';

export interface TcpTables {
  tcp: string;
  tcp6: string;
}

export type TcpTableSource = (pid: number) => TcpTables;

/** At most 0.25% of one core goes to formatting TCP tables. */
export const TCP_READ_CPU_SHARE = 0.0025;

export function freshTcpTables(reader: ProcReader): TcpTableSource {
  return (pid) => reader.netTcp(pid);
}

export function rationedTcpTables(reader: ProcReader, now: () => number = () => performance.now(), share = TCP_READ_CPU_SHARE): TcpTableSource {
  const cache = new Map<number, { tables: TcpTables; atMs: number; costMs: number }>();
  return (pid) => {
    const t = now();
    const hit = cache.get(pid);
    if (hit && t - hit.atMs < hit.costMs / share) return hit.tables;
    const tables = reader.netTcp(pid);
    cache.set(pid, { tables, atMs: t, costMs: now() - t });
    return tables;
  };
}
