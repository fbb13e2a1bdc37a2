// Matches a process's socket inodes (from its fd links) to rows of /proc/net/tcp{,6}: which TCP
// connections it owns, in which state, with which peers, and the accept queue of its listeners.
import type { TcpState } from './probe-sample.js';
import { formatEndpoint, parseNetTcp, parseNetTcpForInodes, type TcpRow } from './parse-net-tcp.js';

export interface ListenSocket {
  local: string;
  port: number;
  inode: number;
  /** Connections completed by the kernel but not yet accepted (rx_queue of the LISTEN row). */
  acceptQueue: number;
  /**
   * Connections accepted on this port whose request bytes wait unread in the kernel's receive
   * queue (rx_queue of ESTABLISHED rows): requests that arrived and that no thread has read yet —
   * the queue in front of the server's threads, which /proc shows without the server's stats.
   */
  unreadConnections: number;
}

export interface OwnedSockets {
  rows: TcpRow[];
  byInode: Map<number, TcpRow>;
  byState: Partial<Record<TcpState, number>>;
  listen: ListenSocket[];
}

export function parseTcpTables(tables: { tcp: string; tcp6: string }, inodes?: Set<number>): TcpRow[] {
  if (inodes) return [...parseNetTcpForInodes(tables.tcp, inodes), ...parseNetTcpForInodes(tables.tcp6, inodes)];
  return [...parseNetTcp(tables.tcp), ...parseNetTcp(tables.tcp6)];
}

export function matchOwnedSockets(rows: TcpRow[], socketInodes: Set<number>): OwnedSockets {
  const owned = rows.filter((r) => r.inode !== 0 && socketInodes.has(r.inode));
  const byInode = new Map<number, TcpRow>();
  const byState: Partial<Record<TcpState, number>> = {};
  const listen: ListenSocket[] = [];
  for (const r of owned) {
    byInode.set(r.inode, r);
    byState[r.state] = (byState[r.state] ?? 0) + 1;
    if (r.state === 'LISTEN') listen.push({ local: formatEndpoint(r.local), port: r.local.port, inode: r.inode, acceptQueue: r.rxQueue, unreadConnections: 0 });
  }
  for (const r of owned) {
    if (r.state !== 'ESTABLISHED' || r.rxQueue === 0) continue;
    const l = listen.find((x) => x.port === r.local.port);
    if (l) l.unreadConnections++;
  }
  return { rows: owned, byInode, byState, listen };
}

/** Peers (remote address:port of non-listening sockets) with the most connections first. */
export function topPeers(owned: TcpRow[], limit = 5): { peer: string; connections: number }[] {
  const counts = new Map<string, number>();
  for (const r of owned) {
    if (r.state === 'LISTEN') continue;
    const key = formatEndpoint(r.remote);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([peer, connections]) => ({ peer, connections }))
    .sort((a, b) => b.connections - a.connections || a.peer.localeCompare(b.peer))
    .slice(0, limit);
}
