// /_cpdiag/stats of a process pool: one document for the whole pool (the sums a monitoring
// system would chart) plus each process's own numbers, since how evenly a shared accept socket
// spreads requests over processes is itself a finding ("Load balancing CherryPy").
import type { ServerStatsDocument } from './server-stats.js';

export interface PoolProcessStats {
  pid: number;
  requests_completed: number;
  threads_busy: number;
  connections_accepted: number;
}

export type PoolStatsDocument = ServerStatsDocument & { master_pid: number; processes: PoolProcessStats[] };

function sumRecords<T extends Record<string, number>>(docs: readonly T[]): T {
  const out: Record<string, number> = {};
  for (const d of docs) for (const [k, v] of Object.entries(d)) out[k] = (out[k] ?? 0) + v;
  return out as T;
}

/** Sums every process's document; pid is the master's. Pure: the documents are passed in. */
export function aggregatePoolStats(masterPid: number, docs: readonly ServerStatsDocument[]): PoolStatsDocument {
  const first = docs[0];
  return {
    ...first,
    pid: masterPid,
    master_pid: masterPid,
    uptime_s: Math.max(...docs.map((d) => d.uptime_s)),
    draining: docs.some((d) => d.draining),
    threads: { ...sumRecords(docs.map((d) => ({ total: d.threads.total, busy: d.threads.busy, idle: d.threads.idle }))), by_state: sumRecords(docs.map((d) => d.threads.by_state)) },
    queue: { ...sumRecords(docs.map((d) => ({ depth: d.queue.depth, waiting_to_enter: d.queue.waiting_to_enter }))), max: Math.max(...docs.map((d) => d.queue.max)) },
    connections: sumRecords(docs.map((d) => d.connections)),
    requests: sumRecords(docs.map((d) => d.requests)),
    bytes: sumRecords(docs.map((d) => d.bytes)),
    workers: docs.flatMap((d) => d.workers),
    leaks: sumRecords(docs.map((d) => d.leaks)),
    gil: {
      enabled: first.gil.enabled,
      switches: docs.reduce((s, d) => s + d.gil.switches, 0),
      max_concurrent_cpu: Math.max(...docs.map((d) => d.gil.max_concurrent_cpu)),
    },
    cheroot: sumRecords(docs.map((d) => d.cheroot)),
    processes: docs.map((d) => ({
      pid: d.pid,
      requests_completed: d.requests.completed,
      threads_busy: d.threads.busy,
      connections_accepted: d.connections.accepted,
    })),
  };
}
